"""Fetch-or-404 helpers for the organisation pages: what a person may not see does not exist."""

from collections.abc import Callable

from django.http import Http404
from django.shortcuts import get_object_or_404

from organisations import permissions
from organisations.models import Organisation
from organisations.queries import ancestors_of


def organisation_or_404(user, slug: str, rule: Callable) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not rule(user, organisation):
        raise Http404
    return organisation


def organisation_context(user, organisation: Organisation, **extra) -> dict:
    """What every organisation page needs: breadcrumb and the tabs the person may use."""
    ancestors = ancestors_of(organisation)
    return {
        "organisation": organisation,
        "ancestors": ancestors,
        "may": {
            "view_members": permissions.can_view_members(user, organisation),
            "manage_members": permissions.can_manage_members(user, organisation),
            "manage_groups": permissions.can_manage_groups(user, organisation),
            "invite": permissions.can_invite(user, organisation),
            "read_audit": permissions.can_read_audit(user, organisation),
            "manage_api_tokens": permissions.can_manage_api_tokens(user, organisation, ancestors),
        },
        **extra,
    }


def posted(request):
    """The submitted data of a POST (also when empty, so the form reports missing fields)."""
    return request.POST if request.method == "POST" else None

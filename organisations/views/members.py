"""Changing a member's role, removing and blocking a member (administrators only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from organisations import permissions, services
from organisations.forms import RoleForm
from organisations.models import GroupMember, Membership
from organisations.sso.services import member_block as member_block_service
from organisations.views.access import organisation_context, organisation_or_404, posted


def _membership_or_404(organisation, membership_id) -> Membership:
    groups_here = GroupMember.objects.filter(group__organisation=organisation).select_related(
        "group"
    )
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation").prefetch_related(
            Prefetch("user__group_memberships", queryset=groups_here, to_attr="groups_here")
        ),
        pk=membership_id,
        organisation=organisation,
    )


@login_required
def member_role(request, slug, membership_id):
    organisation = organisation_or_404(request.user, slug, permissions.can_manage_members)
    membership = _membership_or_404(organisation, membership_id)
    form = RoleForm(
        posted(request),
        actor=request.user,
        organisation=organisation,
        initial={"role": membership.role},
    )
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_set_role(
                membership=membership,
                role=form.cleaned_data["role"],
                actor=request.user,
                request=request,
            )
            saved = True
        except ValidationError as exc:
            form.add_error("role", exc)
        except PermissionDenied:
            raise Http404 from None
    if saved and not request.htmx:
        messages.success(
            request,
            _("%(person)s is now %(role)s.")
            % {"person": membership.user, "role": membership.get_role_display()},
        )
        return redirect("organisations:detail", slug=organisation.slug)
    context = organisation_context(
        request.user,
        organisation,
        m=membership,
        form=form,
        role_form=form,
        saved=saved,
    )
    if request.htmx:
        return render(request, "organisations/detail.html#member-row", context)
    return render(request, "organisations/member_role.html", context)


@login_required
def member_remove(request, slug, membership_id):
    organisation = organisation_or_404(request.user, slug, permissions.can_manage_members)
    membership = _membership_or_404(organisation, membership_id)
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, actor=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("%(person)s is no longer a member of %(organisation)s.")
                % {"person": membership.user, "organisation": organisation},
            )
        return redirect("organisations:detail", slug=organisation.slug)
    context = organisation_context(request.user, organisation, m=membership)
    return render(request, "organisations/member_remove.html", context)


@login_required
def member_block(request, slug, membership_id):
    """Block a person who left the organisation: their account is switched off and every
    session ends at once (``organisations.sso.services.member_block``)."""
    organisation = organisation_or_404(request.user, slug, permissions.can_manage_members)
    membership = _membership_or_404(organisation, membership_id)
    if request.method != "POST":
        return redirect(
            "organisations:member_remove", slug=organisation.slug, membership_id=membership.pk
        )
    try:
        member_block_service(
            organisation=organisation, user=membership.user, actor=request.user, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(
            request,
            _("%(person)s is blocked: their account is switched off and all their sessions ended.")
            % {"person": membership.user},
        )
    return redirect("organisations:detail", slug=organisation.slug)

"""Whether an organisation in its own right shares its figures with its parent (audited)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditEvent
from organisations import permissions
from organisations.models import Organisation


@transaction.atomic
def figures_sharing_set(
    *, organisation: Organisation, share: bool, actor, request: HttpRequest | None = None
) -> Organisation:
    """Switch sharing on or off. Only for an own legal entity with a parent, and only its
    administrators (and staff) decide; a change is audited, setting the same value is not."""
    if not permissions.can_manage_members(actor, organisation):
        raise PermissionDenied
    if not organisation.is_legal_entity or organisation.parent_id is None:
        raise ValidationError(
            _("Only an organisation in its own right under another one shares its figures."),
            code="not_a_legal_entity",
        )
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.shares_figures_with_parent = share
    if locked.shares_figures_with_parent == share:
        return organisation
    locked.shares_figures_with_parent = share
    locked.save(update_fields=["shares_figures_with_parent"])
    audit_record(
        action=AuditEvent.Action.FIGURES_SHARING_CHANGED,
        request=request,
        actor=actor,
        organisation=organisation,
        summary=f"figures {'shared with' if share else 'no longer shared with'} the parent",
        data={"shares": share, "parent": organisation.parent_id},
    )
    return organisation

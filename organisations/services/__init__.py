"""Writes on organisations, memberships, groups and invitations (one module per concern)."""

from organisations.services.bulk import (
    csv_rows,
    invitation_batch_create,
    invitation_batch_process,
    invitation_batch_restart,
    invitations_bulk_create,
)
from organisations.services.groups import (
    group_add_member,
    group_create,
    group_delete,
    group_join,
    group_remove_member,
    group_rename,
    register_group_join_handler,
)
from organisations.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_deliver,
    invitation_email_matches,
    invitation_problem,
    invitation_resend,
    invitation_revoke,
    invitation_url,
)
from organisations.services.members import (
    membership_add,
    membership_remove,
    membership_set_role,
)
from organisations.services.tree import (
    organisation_create,
    organisation_move,
    organisation_parent_check,
    organisation_update,
)

__all__ = [
    "csv_rows",
    "group_add_member",
    "group_create",
    "group_delete",
    "group_join",
    "group_remove_member",
    "group_rename",
    "invitation_accept",
    "invitation_batch_create",
    "invitation_batch_process",
    "invitation_batch_restart",
    "invitation_create",
    "invitation_deliver",
    "invitation_email_matches",
    "invitation_problem",
    "invitation_resend",
    "invitation_revoke",
    "invitation_url",
    "invitations_bulk_create",
    "membership_add",
    "membership_remove",
    "membership_set_role",
    "organisation_create",
    "organisation_move",
    "organisation_parent_check",
    "organisation_update",
    "register_group_join_handler",
]

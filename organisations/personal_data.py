"""What the organisations app keeps about a person, for "download my data" and "delete my
account" (registered in ``OrganisationsConfig.ready``; see ``accounts.hooks``).

Exported: memberships, group memberships, invitations the person received and the invitation
uploads they made (file name, date and counts; not the other people in them).
Erased: the address and name on every invitation to the person (pending ones are revoked), and
their row in every uploaded invitation file and its results. Memberships and group memberships
stay, pointing to the anonymous account, so that the numbers per organisation stay right.
"""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.db.models import Q

from accounts.erasure import DELETED_TEXT, ErasedPerson
from accounts.hooks import exports
from accounts.personal_data import iso
from organisations.models import GroupMember, Invitation, InvitationBatch, Membership
from organisations.services.bulk import column_for


def _invitations_to(user, emails) -> Q:
    q = Q(accepted_by=user)
    for email in emails:
        q |= Q(email__iexact=email)
    return q


@exports(
    "organisations.Membership",
    "organisations.GroupMember",
    "organisations.Invitation",
    "organisations.InvitationBatch",
)
def organisation_section(*, user) -> dict:
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    group_members = GroupMember.objects.filter(user=user).select_related("group__organisation")
    invitations = Invitation.objects.filter(_invitations_to(user, [user.email])).select_related(
        "organisation"
    )
    uploads = InvitationBatch.objects.filter(uploaded_by=user).select_related("organisation")
    return {
        "memberships": [
            {
                "organisation": membership.organisation.name,
                "role": membership.role,
                "since": iso(membership.created_at),
            }
            for membership in memberships.order_by("created_at", "pk")
        ],
        "groups": [
            {
                "group": member.group.name,
                "organisation": member.group.organisation.name,
                "added_at": iso(member.added_at),
            }
            for member in group_members.order_by("added_at", "pk")
        ],
        "invitations": [
            {
                "organisation": invitation.organisation.name,
                "email": invitation.email,
                "name": invitation.name,
                "role": invitation.role,
                "status": invitation.status,
                "sent_at": iso(invitation.created_at),
                "accepted_at": iso(invitation.accepted_at),
            }
            for invitation in invitations.order_by("created_at", "pk")
        ],
        # The uploads themselves hold other people's addresses: only what the person did.
        "invitation_uploads": [
            {
                "organisation": upload.organisation.name,
                "file_name": upload.filename,
                "uploaded_at": iso(upload.created_at),
                "status": upload.status,
                "rows": upload.total_rows,
            }
            for upload in uploads.defer("csv_text", "results").order_by("created_at", "pk")
        ],
    }


def identifiers(*, user) -> tuple[set[str], set[str]]:
    """The addresses invitations to the person went to and the names their inviters typed."""
    rows = Invitation.objects.filter(accepted_by=user).values_list("email", "name")
    return {email for email, _ in rows}, {name for _, name in rows if name}


def _scrub_csv(text: str, person: ErasedPerson) -> str:
    """The uploaded file with the person's rows blanked out: address → "[deleted]" (so that a
    resumed upload rejects the row instead of inviting anyone), name emptied. Rows keep their
    place, because a resumed upload continues by row position."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return text
    columns = [column_for(cell) for cell in rows[0]]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(rows[0])
    for cells in rows[1:]:
        if any(cell.strip().lower() in person.emails for cell in cells):
            cells = [
                DELETED_TEXT if column == "email" else "" if column == "name" else cell
                for cell, column in zip(cells, columns + [None] * len(cells), strict=False)
            ]
        writer.writerow([person.scrub(cell, email_replacement=DELETED_TEXT) for cell in cells])
    return out.getvalue()


@transaction.atomic
def account_erase(*, user, person: ErasedPerson) -> None:
    """Erase the person's addresses and names from invitations and invitation uploads."""
    to_person = _invitations_to(user, person.emails)
    Invitation.objects.filter(to_person, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.REVOKED
    )
    Invitation.objects.filter(to_person).update(email=person.replacement_email, name="")
    batches = person.mentioning(
        InvitationBatch.objects.all(), "csv_text", "results", "filename", "error"
    )
    for batch in batches:
        batch.csv_text = _scrub_csv(batch.csv_text, person)
        batch.results = person.scrub(batch.results, email_replacement=DELETED_TEXT)
        batch.filename = person.scrub(batch.filename, email_replacement=DELETED_TEXT)
        batch.error = person.scrub(batch.error, email_replacement=DELETED_TEXT)
        batch.save(update_fields=["csv_text", "results", "filename", "error"])

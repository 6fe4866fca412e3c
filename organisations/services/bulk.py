"""Invitations in bulk from a CSV file.

The file: a header row, then one person per row. Columns (in any order; Dutch names work too):
``email`` (required), ``name``, ``role`` (learner, trainer, analyst or admin; empty = learner),
``group`` (the name of an existing group of the organisation; unknown names are rejected, not
created, so that a typo never makes a stray group), ``language`` (nl or en; empty = Dutch).
UTF-8 with or without BOM; ``;`` or ``,`` as delimiter. Row numbers count the header as row 1,
as a spreadsheet does.

Each row is handled in its own transaction (a savepoint inside a test), so a bad row never blocks
the good ones and the progress is visible while the batch runs. Every row gets an outcome in
``batch.results``: ``invited``, ``already_member``, ``already_invited`` or ``rejected``, with a
reason in the uploader's language. Nobody is invited twice: duplicates inside one file are
caught here, a second upload of the same file by the one-pending-invitation constraint and the
membership check.

Whose rights: every row is checked against the rights of the person the batch runs for
(``batch.run_by``) at the moment the row is processed, exactly as ``invitation_create`` checks a
single invitation: a role above what that person may grant, or a group they may not manage, is
refused for that row with the reason. First that is the uploader. Decision: a stuck upload may
be continued by anyone who may invite in the organisation (so a colleague can rescue it when the
uploader is away), and the remaining rows then run with the rights of the person who continued
it — never with the uploader's. A trainer who continues an administrator's upload therefore
gets the rows for trainers, analysts and administrators refused.
"""

import csv
import io
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import outbox
from organisations import permissions
from organisations.models import Group, Invitation, InvitationBatch, Membership, Role
from organisations.services.groups import group_join
from organisations.services.invitations import (
    account_for_email,
    email_normalise,
    invitation_create,
)

logger = logging.getLogger(__name__)

MAX_ROWS = 5000
PROGRESS_EVERY = 10  # rows between progress updates
RESULTS_EVERY = 100  # rows between saving the per-row results (for resuming)

COLUMN_ALIASES = {
    "email": ("email", "e-mail", "emailadres", "e-mailadres", "e-mail address", "mail"),
    "name": ("name", "naam"),
    "role": ("role", "rol"),
    "group": ("group", "groep"),
    "language": ("language", "taal"),
}
ROLE_ALIASES = {
    "learner": Role.LEARNER,
    "deelnemer": Role.LEARNER,
    "cursist": Role.LEARNER,
    "trainer": Role.TRAINER,
    "docent": Role.TRAINER,
    "analyst": Role.ANALYST,
    "analist": Role.ANALYST,
    "admin": Role.ADMIN,
    "administrator": Role.ADMIN,
    "beheerder": Role.ADMIN,
}

INVITED, ALREADY_MEMBER, ALREADY_INVITED, REJECTED = (
    "invited",
    "already_member",
    "already_invited",
    "rejected",
)
OUTCOMES = (INVITED, ALREADY_MEMBER, ALREADY_INVITED, REJECTED)


def column_for(header_cell: str) -> str | None:
    cell = " ".join(header_cell.strip().lower().replace("_", " ").split())
    for column, aliases in COLUMN_ALIASES.items():
        if cell in aliases:
            return column
    return None


def csv_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """Parse the CSV into (row number, {column: value}); ValidationError for a bad header.

    A NUL character is refused like any other non-text: PostgreSQL cannot store it, and a
    spreadsheet saving CSV UTF-8 never writes one (UTF-16 and binary files do)."""
    if "\x00" in text:
        raise ValidationError(
            _(
                "The file is not UTF-8 text. In Excel, choose “Save as” → "
                "“CSV UTF-8 (comma delimited)”."
            ),
            code="encoding",
        )
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # newline="": the csv module itself reads "\r\n", "\n" and a lone "\r" as line ends.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error:  # e.g. a header cell over the csv module's field size limit
        raise ValidationError(
            _("Row %(row)s cannot be read. Check the double quotes in and after it.") % {"row": 1},
            code="unreadable",
        ) from None
    if not header or not any(cell.strip() for cell in header):
        raise ValidationError(_("The file is empty."), code="empty")
    columns = [column_for(cell) for cell in header]
    unknown = [cell.strip() for cell, column in zip(header, columns, strict=True) if not column]
    unknown = [cell for cell in unknown if cell]
    if "email" not in columns:
        raise ValidationError(
            _("The first row must be a header with at least the column “email”."),
            code="no_email_column",
        )
    if unknown:
        raise ValidationError(
            _("Unknown column(s): %(columns)s. Use email, name, role, group and language.")
            % {"columns": ", ".join(unknown)},
            code="unknown_columns",
        )
    width = max(index for index, cell in enumerate(header) if cell.strip()) + 1
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            _check_width(cells, width, reader.line_num)
            values = {column: "" for column in COLUMN_ALIASES}
            for column, cell in zip(columns, cells, strict=False):
                if column:
                    values[column] = cell.strip()
            rows.append((reader.line_num, values))
    except csv.Error:  # e.g. a quote never closed, swallowing the rest of the file
        raise ValidationError(
            _("Row %(row)s cannot be read. Check the double quotes in and after it.")
            % {"row": reader.line_num},
            code="unreadable",
        ) from None
    return rows


def _check_width(cells: list[str], width: int, row: int) -> None:
    """A row has a cell for each named column (empty cells after them are harmless): a
    separator too many or too few would shift every value into the wrong column."""
    found = len(cells)
    while found > width and not cells[found - 1].strip():
        found -= 1
    if found != width:
        raise ValidationError(
            _(
                "Row %(row)s has %(found)s columns, but the header has %(width)s. Put a text "
                "with a comma or a semicolon between double quotes, and fill every column "
                "(empty cells are fine)."
            )
            % {"row": row, "found": found, "width": width},
            code="columns",
        )


@transaction.atomic
def invitation_batch_create(
    *, organisation, actor, filename: str, csv_text: str
) -> InvitationBatch:
    """Store an uploaded file and queue its processing (after commit)."""
    from organisations.tasks import process_invitation_batch

    if not permissions.can_invite(actor, organisation):
        raise PermissionDenied
    rows = csv_rows(csv_text)
    if not rows:
        raise ValidationError(_("The file has a header but no people."), code="no_rows")
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("The file has %(count)s rows; the maximum is %(max)s. Split it into smaller files.")
            % {"count": len(rows), "max": MAX_ROWS},
            code="too_many_rows",
        )
    batch = InvitationBatch.objects.create(
        organisation=organisation,
        uploaded_by=actor,
        run_by=actor,
        filename=filename[:255],
        csv_text=csv_text.lstrip("\ufeff"),
        total_rows=len(rows),
    )
    outbox.enqueue(process_invitation_batch, batch.pk)
    return batch


@transaction.atomic
def invitation_batch_restart(*, batch: InvitationBatch, actor) -> InvitationBatch:
    """Continue a batch that failed or whose worker was lost; rows already done are kept. The
    remaining rows run with the rights of ``actor`` (see the module docstring)."""
    from organisations.tasks import process_invitation_batch

    if not permissions.can_invite(actor, batch.organisation):
        raise PermissionDenied
    locked = InvitationBatch.objects.select_for_update().get(pk=batch.pk)
    if not (locked.status == InvitationBatch.Status.FAILED or locked.is_stalled):
        raise ValidationError(_("This upload is not stuck."), code="not_stuck")
    locked.status = InvitationBatch.Status.PENDING
    locked.error = ""
    locked.run_by = actor
    locked.save(update_fields=["status", "error", "run_by"])
    outbox.enqueue(process_invitation_batch, locked.pk)
    return locked


def invitation_batch_process(*, batch_id: int) -> str:
    """Claim a waiting batch (pending → running, a conditional UPDATE) and process it.

    Returns "skipped" when the batch is not waiting (already running, done or failed): a second
    delivery of the task never processes a batch twice.
    """
    now = timezone.now()
    claimed = InvitationBatch.objects.filter(
        pk=batch_id, status=InvitationBatch.Status.PENDING
    ).update(status=InvitationBatch.Status.RUNNING, started_at=now, updated_at=now)
    if not claimed:
        return "skipped"
    batch = InvitationBatch.objects.select_related("organisation", "run_by").get(pk=batch_id)
    try:
        invitations_bulk_create(batch=batch)
    except Exception as exc:  # a soft time limit or a bug: keep what is done, say so
        logger.exception("Invitation batch %s failed", batch_id)
        InvitationBatch.objects.filter(pk=batch_id, status=InvitationBatch.Status.RUNNING).update(
            status=InvitationBatch.Status.FAILED,
            results=batch.results,
            processed_rows=len(batch.results),
            error=f"{type(exc).__name__}: {exc}"[:1000],
            updated_at=timezone.now(),
            finished_at=timezone.now(),
        )
        return "failed"
    return "done"


def _result(row: int, email: str, outcome: str, reason: str = "", code: str = "") -> dict:
    return {"row": row, "email": email, "outcome": outcome, "reason": reason, "code": code}


def _save_progress(batch: InvitationBatch, *, results: bool) -> bool:
    """Conditional UPDATE: only while the batch is still ours (running)."""
    fields = {"processed_rows": len(batch.results), "updated_at": timezone.now()}
    if results:
        fields["results"] = batch.results
    return bool(
        InvitationBatch.objects.filter(pk=batch.pk, status=InvitationBatch.Status.RUNNING).update(
            **fields
        )
    )


def invitations_bulk_create(*, batch: InvitationBatch) -> InvitationBatch:
    """Process the rows of a running batch, continuing after the rows already in ``results``.

    Deliberately not one transaction: each row commits on its own (see the module docstring).
    Rows are checked against the rights of ``batch.run_by``.
    """
    actor = batch.run_by
    organisation = batch.organisation
    rows = csv_rows(batch.csv_text)
    results = batch.results = list(batch.results or [])
    seen: dict[str, int] = {}
    for done in results:
        if done.get("code") != "invalid_email":
            seen.setdefault(done["email"], done["row"])
    groups = {g.name.lower(): g for g in Group.objects.filter(organisation=organisation)}
    language = actor.preferred_language if actor else "nl"
    with translation.override(language):
        for number, values in rows[len(results) :]:
            try:
                with transaction.atomic():
                    result = _process_row(batch, actor, groups, seen, number, values)
            except Exception as exc:
                logger.exception("Invitation batch %s row %s", batch.pk, number)
                result = _result(
                    number,
                    values["email"],
                    REJECTED,
                    _("This row could not be processed."),
                    "error",
                )
                if isinstance(exc, ValidationError | PermissionDenied):
                    result["reason"] = _reason(exc)
            results.append(result)
            if len(results) % RESULTS_EVERY == 0:
                _save_progress(batch, results=True)
            elif len(results) % PROGRESS_EVERY == 0:
                _save_progress(batch, results=False)
    now = timezone.now()
    InvitationBatch.objects.filter(pk=batch.pk, status=InvitationBatch.Status.RUNNING).update(
        status=InvitationBatch.Status.DONE,
        results=results,
        processed_rows=len(results),
        updated_at=now,
        finished_at=now,
    )
    batch.status, batch.processed_rows, batch.finished_at = (
        InvitationBatch.Status.DONE,
        len(results),
        now,
    )
    return batch


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return _("You may not invite people into this organisation.")


def _process_row(batch, actor, groups, seen, number, values) -> dict:
    raw_email = values["email"]
    try:
        email = email_normalise(raw_email)
    except ValidationError as exc:
        return _result(number, raw_email, REJECTED, _reason(exc), "invalid_email")
    if email in seen:
        return _result(
            number,
            email,
            ALREADY_INVITED,
            _("Same address as row %(row)s of this file.") % {"row": seen[email]},
            "duplicate_in_file",
        )
    seen[email] = number
    role_text = values["role"].lower()
    role = ROLE_ALIASES.get(role_text) if role_text else Role.LEARNER
    if role is None:
        return _result(
            number,
            email,
            REJECTED,
            _("Unknown role “%(role)s”. Use learner, trainer, analyst or admin.")
            % {"role": values["role"]},
            "invalid_role",
        )
    group = None
    if values["group"]:
        group = groups.get(values["group"].lower())
        if group is None:
            return _result(
                number,
                email,
                REJECTED,
                _("There is no group “%(group)s” in this organisation. Create it first.")
                % {"group": values["group"]},
                "unknown_group",
            )
    if actor is None:
        return _result(
            number,
            email,
            REJECTED,
            _("The person who started this upload no longer exists."),
            "actor",
        )
    try:
        invitation_create(
            organisation=batch.organisation,
            email=email,
            actor=actor,
            role=role,
            name=values["name"],
            group=group,
            language=values["language"].lower(),
            batch=batch,
        )
    except ValidationError as exc:
        code = exc.code
        if code == "already_member":
            return _already_member(batch, actor, group, number, email)
        if code == "already_invited":
            return _already_invited(batch, number, email)
        return _result(number, email, REJECTED, _reason(exc), code or "invalid")
    return _result(number, email, INVITED, "", "invited")


def _already_member(batch, actor, group, number, email) -> dict:
    reason = _("Already a member of this organisation.")
    if group is not None and permissions.can_manage_group(actor, group):
        user = account_for_email(email)
        if user and Membership.objects.filter(user=user, organisation=batch.organisation).exists():
            if group_join(group=group, user=user):
                reason = _(
                    "Already a member of this organisation; added to the group %(group)s."
                ) % {"group": group.name}
    return _result(number, email, ALREADY_MEMBER, reason, "already_member")


def _already_invited(batch, number, email) -> dict:
    mine = Invitation.objects.filter(
        organisation=batch.organisation,
        email=email,
        status=Invitation.Status.PENDING,
        batch=batch,
    ).exists()
    if mine:  # the batch was resumed after this row had been done
        return _result(number, email, INVITED, "", "invited")
    return _result(
        number,
        email,
        ALREADY_INVITED,
        _("This address already has a pending invitation."),
        "already_invited",
    )

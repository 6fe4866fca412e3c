"""Downloads of the dashboard: each table as CSV (streamed), all tables as one XLSX workbook
(a sheet per table; openpyxl in write-only mode, spooled to a temporary file and streamed).

The files hold exactly the tables of the page (``reporting.views.tables``) for the same
filters, hidden cells included as "< K". Texts pass through ``accounts.spreadsheets.csv_safe``
(no formulas), in the CSV and in the workbook alike. Every download is audited with the
organisation, so its administrators see it in their audit log.
"""

import csv
import tempfile
from collections.abc import Iterator
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.audit import audit_record
from accounts.models import AuditEvent
from accounts.spreadsheets import csv_safe
from reporting.views import tables
from reporting.views.dashboard import current_query, filter_form, viewer_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})


class _Echo:
    """A file-like object whose ``write`` hands the line back (for a streaming csv.writer)."""

    def write(self, value: str) -> str:
        return value


def _safe(value):
    """Numbers and dates stay what they are; every text is neutralised."""
    if isinstance(value, int | float | date) and not isinstance(value, bool):
        return value
    return csv_safe(value)


def _csv_cell(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return _safe(value)


def csv_lines(table: tables.Table) -> Iterator[str]:
    """The table as CSV lines, starting with a byte order mark (Excel reads accents right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([csv_safe(column) for column in table.columns])
    for row in table.export_rows():
        yield writer.writerow([_csv_cell(cell) for cell in row])


def _sheet_title(title: str) -> str:
    return title.translate(SHEET_TITLE_FORBIDDEN)[:31]


def workbook_file(dashboard_tables: dict, *, about: list[tuple[str, str]]):
    """All tables as one workbook in a temporary file (rewound): a sheet per table, then a
    sheet saying whose figures these are, over which period and filters."""
    workbook = Workbook(write_only=True)
    for table in dashboard_tables.values():
        sheet = workbook.create_sheet(_sheet_title(table.title))
        sheet.append([csv_safe(column) for column in table.columns])
        for row in table.export_rows():
            sheet.append([_safe(cell) for cell in row])
    sheet = workbook.create_sheet(_sheet_title(_("About these figures")))
    for label, value in about:
        sheet.append([csv_safe(label), csv_safe(value)])
    spooled = tempfile.TemporaryFile()
    workbook.save(spooled)
    spooled.seek(0)
    return spooled


def about_lines(organisation, form) -> list[tuple[str, str]]:
    period = form.chosen_period()
    lines = [
        (_("Organisation"), organisation.name),
        (_("From"), period.start.isoformat()),
        (_("Up to and including"), period.end.isoformat()),
    ]
    labels = {"course": _("Course"), "group": _("Group"), "organisation": _("Sub-organisation")}
    for name, chosen in form.chosen_objects().items():
        if chosen is not None:
            lines.append((labels[name], getattr(chosen, "title", None) or str(chosen)))
    lines.append(
        (
            f"< {tables.min_cell()}",
            _(
                "Fewer than %(k)s learners, or hidden so that a small number cannot be "
                "worked out from the totals."
            )
            % {"k": tables.min_cell()},
        )
    )
    return lines


def _prepare(request, slug):
    organisation, viewer = viewer_or_404(request.user, slug)
    form = filter_form(request, organisation, viewer)
    return organisation, viewer, form


def _invalid(form, organisation):
    """Bad filters: back to the page, which says what is wrong with them."""
    query = form.data.urlencode() if form.is_bound else ""
    url = reverse("reporting:dashboard", args=[organisation.slug])
    return redirect(f"{url}?{query}" if query else url)


def _audit(request, *, organisation, form, what: str, file_format: str) -> None:
    period = form.chosen_period()
    audit_record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        organisation=organisation,
        summary=f"Dashboard of {organisation.name}: {what} ({file_format.upper()})",
        data={
            "table": what,
            "format": file_format,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "filters": current_query(form),
        },
    )


def _build(form, viewer) -> dict:
    return tables.build(
        viewer=viewer, period=form.chosen_period(), filters=form.chosen_filters()
    ).tables


def _filename(organisation, form, what: str, extension: str) -> str:
    period = form.chosen_period()
    return f"{organisation.slug}-{what}-{period.start}-{period.end}.{extension}"


@login_required
def export_csv(request, slug, table):
    organisation, viewer, form = _prepare(request, slug)
    if table not in tables.TABLE_KEYS:
        raise Http404
    if form.is_bound and not form.is_valid():
        return _invalid(form, organisation)
    built = _build(form, viewer)
    if table not in built:  # per group: only for people who see the organisation in detail
        raise Http404
    _audit(request, organisation=organisation, form=form, what=table, file_format="csv")
    response = StreamingHttpResponse(
        csv_lines(built[table]), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(organisation, form, table, "csv")}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_xlsx(request, slug):
    organisation, viewer, form = _prepare(request, slug)
    if form.is_bound and not form.is_valid():
        return _invalid(form, organisation)
    built = _build(form, viewer)
    _audit(request, organisation=organisation, form=form, what="all", file_format="xlsx")
    response = FileResponse(
        workbook_file(built, about=about_lines(organisation, form)),
        as_attachment=True,
        filename=_filename(organisation, form, "dashboard", "xlsx"),
        content_type=XLSX,
    )
    response["Cache-Control"] = "no-store"
    return response

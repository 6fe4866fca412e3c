"""The attendance list of an accreditation, for accreditation administrators and staff."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import get_language

from accounts.audit import audit_record
from accounts.models import AuditEvent
from certificates import attendance
from certificates.forms import AttendanceForm
from organisations.permissions import is_accreditation_admin

MISSING = "missing"


@login_required
def attendance_list(request):
    """Form, preview (first ``PREVIEW_ROWS`` rows of both parts) and the two CSV files:
    ``?format=csv`` the attendance list for the registry, ``?format=csv&part=missing`` the
    completions still without a registration number. Each download is audited."""
    if not is_accreditation_admin(request.user):
        raise Http404
    form = AttendanceForm(request.GET or None)
    if not form.is_bound or not form.is_valid():
        return render(request, "certificates/attendance.html", {"form": form})
    accreditation = form.cleaned_data["accreditation"]
    period = {
        "accreditation": accreditation,
        "date_from": form.cleaned_data["date_from"],
        "date_to": form.cleaned_data["date_to"],
    }
    certificates = attendance.attendance_certificates(**period)
    missing = attendance.missing_registrations(**period)
    if request.GET.get("format") == "csv":
        part = MISSING if request.GET.get("part") == MISSING else "attendance"
        return _download(request, part=part, certificates=certificates, missing=missing, **period)
    preview = list(certificates[: attendance.PREVIEW_ROWS])
    missing_preview = list(missing[: attendance.PREVIEW_ROWS])
    return render(
        request,
        "certificates/attendance.html",
        {
            "form": form,
            "accreditation": accreditation,
            "date_from": period["date_from"],
            "date_to": period["date_to"],
            "header": attendance.attendance_header(accreditation),
            "rows": list(attendance.attendance_rows(preview, accreditation)),
            "row_count": certificates.count(),
            "missing_header": attendance.missing_header(),
            "missing_rows": list(attendance.missing_rows(missing_preview, accreditation)),
            "missing_count": missing.count(),
            "preview_rows": attendance.PREVIEW_ROWS,
            "query_string": request.GET.urlencode(),
        },
    )


def _download(request, *, part, certificates, missing, accreditation, date_from, date_to):
    if part == MISSING:
        header = attendance.missing_header()
        rows = attendance.missing_rows(missing.iterator(chunk_size=1000), accreditation)
        count = missing.count()
        what = " (without registration number)"
    else:
        header = attendance.attendance_header(accreditation)
        rows = attendance.attendance_rows(certificates.iterator(chunk_size=1000), accreditation)
        count = certificates.count()
        what = ""
    audit_record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        organisation=None,  # a platform-wide list (every organisation's learners)
        summary=f"Attendance list {accreditation.number} {date_from}–{date_to}{what}",
        data={
            "accreditation": accreditation.pk,
            "part": part,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "rows": count,
            "format": "csv",
        },
    )
    name = slugify(accreditation.number) or str(accreditation.pk)
    suffix = "-missing" if part == MISSING else ""
    response = StreamingHttpResponse(
        attendance.csv_lines(header, rows, language=get_language() or "nl"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="attendance-{name}-{date_from}-{date_to}{suffix}.csv"'
    )
    return response

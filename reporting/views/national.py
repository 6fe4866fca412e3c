"""The national overview and its progress reports: for coordinators and staff only (everyone
else gets 404). The overview shows live figures for a fixed period; a progress report freezes
them in ``ProgressReport.data`` and offers a print view, an XLSX and a PDF, made by a Celery task
while a status page polls (htmx, every 2 s; without JavaScript the page has a refresh link)."""

from datetime import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import audit_record
from accounts.models import AuditEvent
from organisations.permissions import is_coordinator, is_staff
from reporting import national
from reporting.models import ProgressReport

RECENT_REPORTS = 10
FILE_TYPES = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pdf": ("application/pdf", "pdf"),
}


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
        error_messages={
            "required": gettext_lazy("Choose a period."),
            "invalid_choice": gettext_lazy("Choose one of the periods in the list."),
        },
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (choice.value, choice.label) for choice in national.period_choices(today)
        ]

    def chosen(self, today) -> national.PeriodChoice:
        return national.period_choice(self.cleaned_data["period"], today)


def _require_coordinator(user) -> None:
    if not (is_coordinator(user) or is_staff(user)):
        raise Http404


def _report_or_404(request, report_id: int) -> ProgressReport:
    _require_coordinator(request.user)
    return get_object_or_404(ProgressReport.objects.defer("xlsx", "pdf"), pk=report_id)


def _overview_context(*, view_form, report_form, today):
    choice = (
        view_form.chosen(today)
        if view_form.is_bound and view_form.is_valid()
        else national.period_choices(today)[0]
    )
    data = national.overview_data(choice.start, choice.end)
    reports = ProgressReport.objects.only(
        "pk", "period_start", "period_end", "status", "progress", "created_at", "finished_at"
    )[:RECENT_REPORTS]
    return {
        "choice": choice,
        "period_text": national.period_text(data),
        "suppression_note": national.suppression_note(data["min_cell"]),
        "data": data,
        "themes": national.overview_tables(data),
        "headers": national.table_headers(),
        "trend_headers": national.trend_headers(),
        "chart": national.chart_data(data),
        "view_form": view_form,
        "report_form": report_form,
        "reports": [
            (report, national.period_label(report.period_start, report.period_end))
            for report in reports
        ],
    }


@login_required
@require_GET
def overview(request):
    _require_coordinator(request.user)
    today = timezone.localdate()
    view_form = PeriodForm(request.GET or None, today=today)
    report_form = PeriodForm(
        prefix="report", today=today, initial={"period": view_form["period"].value()}
    )
    context = _overview_context(view_form=view_form, report_form=report_form, today=today)
    status = 400 if view_form.is_bound and not view_form.is_valid() else 200
    return render(request, "reporting/national/overview.html", context, status=status)


@login_required
@require_POST
def report_start(request):
    _require_coordinator(request.user)
    today = timezone.localdate()
    report_form = PeriodForm(request.POST, prefix="report", today=today)
    if not report_form.is_valid():
        context = _overview_context(
            view_form=PeriodForm(today=today), report_form=report_form, today=today
        )
        return render(request, "reporting/national/overview.html", context, status=400)
    choice = report_form.chosen(today)
    report = national.progress_report_request(user=request.user, start=choice.start, end=choice.end)
    return redirect("national:report", report_id=report.pk)


@login_required
@require_GET
def report_status(request, report_id):
    report = _report_or_404(request, report_id)
    template = "reporting/national/report.html"
    if request.htmx:
        template += "#report-status"
    context = {
        "report": report,
        "period": national.period_label(report.period_start, report.period_end),
    }
    return render(request, template, context)


@login_required
@require_GET
def report_print(request, report_id):
    report = _report_or_404(request, report_id)
    if report.status != ProgressReport.Status.DONE:
        raise Http404
    data = report.data
    context = {
        "report": report,
        "period": national.period_label(report.period_start, report.period_end),
        "period_text": national.period_text(data),
        "generated_at": datetime.fromisoformat(data["generated_at"]),
        "report_title": national.report_title(),
        "annex_line": national.annex_line(),
        "suppression_note": national.suppression_note(data["min_cell"]),
        "data": data,
        "themes": national.overview_tables(data),
        "headers": national.table_headers(),
        "trend_headers": national.trend_headers(),
        "chart": national.chart_data(data),
    }
    return render(request, "reporting/national/print.html", context)


@login_required
@require_GET
def report_download(request, report_id, kind):
    _require_coordinator(request.user)
    if kind not in FILE_TYPES:
        raise Http404
    report = get_object_or_404(
        ProgressReport.objects.only("pk", "status", "period_start", "period_end", kind),
        pk=report_id,
        status=ProgressReport.Status.DONE,
    )
    content_type, extension = FILE_TYPES[kind]
    audit_record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        organisation=None,  # the national report spans every partner
        summary=_("Progress report %(start)s – %(end)s (%(kind)s)")
        % {"start": report.period_start, "end": report.period_end, "kind": extension.upper()},
        data={"progress_report": report.pk, "format": extension},
    )
    filename = (
        f"progress-report-{report.period_start:%Y-%m-%d}-{report.period_end:%Y-%m-%d}.{extension}"
    )
    response = HttpResponse(bytes(getattr(report, kind)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

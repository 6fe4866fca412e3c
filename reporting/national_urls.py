"""Routes of the national overview and its progress reports (coordinators and staff), included
at ``dashboard/national/`` (before the dashboard's own ``<slug>/`` routes)."""

from django.urls import path

from reporting.views import national

app_name = "national"

urlpatterns = [
    path("", national.overview, name="overview"),
    path("reports/", national.report_start, name="report_start"),
    path("reports/<int:report_id>/", national.report_status, name="report"),
    path("reports/<int:report_id>/print/", national.report_print, name="report_print"),
    path(
        "reports/<int:report_id>/progress-report.xlsx",
        national.report_download,
        {"kind": "xlsx"},
        name="report_xlsx",
    ),
    path(
        "reports/<int:report_id>/progress-report.pdf",
        national.report_download,
        {"kind": "pdf"},
        name="report_pdf",
    ),
]

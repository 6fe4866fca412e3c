"""The partner dashboard and its downloads, mounted at /dashboard/ (namespace "reporting"),
with the API token pages of an organisation (``reporting.token_urls``). The national overview
and the digest settings are mounted before these, at /dashboard/national/ and
/dashboard/digest/ (see ``academy.urls``)."""

from django.urls import include, path

from reporting.views import dashboard, exports

app_name = "reporting"
urlpatterns = [
    path("", dashboard.home, name="home"),
    path("", include("reporting.token_urls")),
    path("<slug:slug>/", dashboard.dashboard, name="dashboard"),
    path("<slug:slug>/export.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("<slug:slug>/export/<slug:table>.csv", exports.export_csv, name="export_csv"),
]

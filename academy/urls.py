from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path

from academy import views
from organisations.sso import views as sso_views
from reporting.api import api as reporting_api

admin.site.login = secure_admin_login(admin.site.login)
handler500 = "academy.outage.server_error"  # the database is down: a styled 503


def _not_found(request):
    raise Http404


urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", views.set_language, name="set_language"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/audit/", views.audit_log, name="audit_log"),
    path("accounts/login/", sso_views.login, name="account_login"),
    path("accounts/sso/<slug:provider_id>/login/", sso_views.sso_login, name="sso_login"),
    path(
        "accounts/sso/<slug:provider_id>/login/callback/",
        sso_views.sso_callback,
        name="sso_callback",
    ),
    path("accounts/welcome/", sso_views.welcome, name="sso_welcome"),
    # allauth's own OpenID Connect routes would skip our token checks: not served.
    re_path(r"^accounts/oidc/", _not_found),
    re_path(r"^accounts/3rdparty/", _not_found),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("organisations.urls")),
    path("courses/", include("courses.urls")),
    path("trainer/", include("courses.trainer.urls")),
    path("assessments/", include("assessments.urls")),
    path("certificates/", include("certificates.urls")),
    path("dashboard/national/", include("reporting.national_urls")),
    path("dashboard/digest/", include("reporting.digest_urls")),
    path("dashboard/", include("reporting.urls")),
    path("api/v1/", reporting_api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

"""Routes of the weekly digest's settings, included at ``dashboard/digest/`` (before the
dashboard's own ``<slug>/`` routes)."""

from django.urls import path

from reporting.views import digest

app_name = "digest"

urlpatterns = [
    path("", digest.digest_settings, name="settings"),
    path("unsubscribe/<str:token>/", digest.digest_unsubscribe, name="unsubscribe"),
]

"""Routes of the API token pages, included by ``reporting.urls`` (namespace "reporting"):
``path("", include("reporting.token_urls"))``."""

from django.urls import path

from reporting.views import tokens

urlpatterns = [
    path("<slug:slug>/api-tokens/", tokens.token_list, name="api_tokens"),
    path(
        "<slug:slug>/api-tokens/<int:token_id>/revoke/",
        tokens.token_revoke,
        name="api_token_revoke",
    ),
]

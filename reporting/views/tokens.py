"""Partner API tokens of an organisation: list, create (the token is shown once), revoke.

Only the organisation's administrators (``permissions.can_manage_api_tokens``) see these
pages; everyone else gets a 404. A new token appears only on the page that answers the
creating POST, sent with ``Cache-Control: no-store``; afterwards only its first characters.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organisations.models import Organisation
from organisations.views.access import organisation_context, posted
from reporting import tokens
from reporting.models import ApiToken


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=tokens.NAME_MAX_LENGTH,
        help_text=gettext_lazy(
            "Where the token is used, for example “Dashboard of our HR department”."
        ),
    )


def _organisation_or_404(request, slug: str) -> tuple[Organisation, dict]:
    organisation = get_object_or_404(Organisation, slug=slug)
    context = organisation_context(request.user, organisation)
    if not context["may"]["manage_api_tokens"]:
        raise Http404
    return organisation, context


def _render(request, context, **extra):
    context.update(extra)
    context["tokens"] = list(tokens.tokens_of(context["organisation"]))
    response = render(request, "reporting/tokens.html", context)
    add_never_cache_headers(response)  # the new token must not stay in any cache
    return response


@login_required
def token_list(request, slug):
    organisation, context = _organisation_or_404(request, slug)
    form = ApiTokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = tokens.token_create(
                organisation=organisation,
                name=form.cleaned_data["name"],
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            return _render(request, context, form=ApiTokenForm(), new_token=raw, created=token)
    return _render(request, context, form=form)


@login_required
@require_POST
def token_revoke(request, slug, token_id):
    organisation, _context = _organisation_or_404(request, slug)
    token = get_object_or_404(ApiToken, pk=token_id, organisation=organisation)
    if tokens.token_revoke(token=token, actor=request.user, request=request):
        messages.success(
            request, _("Token “%(name)s” revoked. It no longer works.") % {"name": token.name}
        )
    else:
        messages.info(request, _("Token “%(name)s” was already revoked.") % {"name": token.name})
    return redirect("reporting:api_tokens", slug=organisation.slug)

"""Public verification: anyone with a code (printed, or in the QR code) sees whether the
certificate is valid, expired or revoked. An unknown code is a plain 404; there is no listing;
look-ups are limited per client address (``settings.CERTIFICATE_VERIFY_PER_MINUTE``)."""

import time

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.audit import client_ip
from certificates import queries
from certificates.codes import normalise_code


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("16 letters and digits, as printed on the certificate: XXXX-XXXX-XXXX-XXXX."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("This is not a verification code. It has 16 letters and digits."),
                code="invalid",
            )
        return code


def _over_limit(request) -> bool:
    """Count this look-up; True once the address made too many in the current minute."""
    minute = int(time.time() // 60)
    key = f"certificates:verify:{client_ip(request) or 'unknown'}:{minute}"
    if cache.add(key, 1, timeout=120):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        return False
    return count > settings.CERTIFICATE_VERIFY_PER_MINUTE


def _limited(request):
    response = render(request, "certificates/verify_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


def _private(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def verify_lookup(request):
    """A form to type a code; a valid one redirects to its verification page."""
    form = CodeForm(request.GET or None)
    if request.GET:
        if _over_limit(request):
            return _limited(request)
        if form.is_valid():
            return redirect("certificates:verify", code=form.cleaned_data["code"])
    return _private(render(request, "certificates/verify_lookup.html", {"form": form}))


@require_GET
def verify(request, code):
    if _over_limit(request):
        return _limited(request)
    normalised = normalise_code(code)
    if normalised is None:
        raise Http404
    if normalised != code:
        return redirect("certificates:verify", code=normalised)
    certificate = queries.certificate_by_code(normalised)
    if certificate is None:
        raise Http404
    today = timezone.localdate()
    return _private(
        render(
            request,
            "certificates/verify.html",
            {
                "certificate": certificate,
                "state": queries.state_of(certificate, today),
                "title": queries.course_title(certificate),
                "State": queries.State,
            },
        )
    )

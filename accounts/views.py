"""Pages of one's own account: profile and personal data (AVG)."""

import copy
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.forms import DeleteAccountForm, ProfileForm
from accounts.reauth import require_recent_reauthentication
from accounts.services import account_delete, personal_data_export, profile_update


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_required
def profile(request):
    """Name, language, profession and registration numbers; links to everything else about
    the account. Changing a registration number asks for the password again first."""
    user = request.user
    if request.method == "POST":
        # The form works on a copy so that a rejected form never alters request.user.
        form = ProfileForm(request.POST, instance=copy.copy(user))
        if form.is_valid():
            if form.registration_changes():
                require_recent_reauthentication(request)
            changes = {name: form.cleaned_data[name] for name in ProfileForm.Meta.fields}
            profile_update(user=user, changes=changes, request=request)
            translation.activate(user.preferred_language)
            messages.success(request, _("Your profile has been saved."))
            response = redirect("accounts:profile")
            _set_language_cookie(response, user.preferred_language)
            return response
    else:
        form = ProfileForm(instance=user)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
        },
    )


@never_cache
@login_required
def personal_data(request):
    """The "Download my data" page: what is included, and the download itself (POST). Asks for the
    password again first, because the file holds everything about the person."""
    require_recent_reauthentication(request)
    if request.method == "POST":
        data = personal_data_export(user=request.user, request=request)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        filename = f"academy-personal-data-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(request, "accounts/personal_data.html")


@never_cache
@login_required
def delete_account(request):
    """The "Delete my account" page: after the password again and typing one's e-mail address."""
    require_recent_reauthentication(request)
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=request.user)
        if form.is_valid():
            account_delete(user=request.user, request=request)
            logout(request)
            messages.success(
                request,
                _("Your account has been deleted. Your personal data has been erased."),
            )
            return redirect("home")
    else:
        form = DeleteAccountForm(user=request.user)
    return render(request, "accounts/delete_account.html", {"form": form})

"""Pages of one's own account: profile, personal data (AVG) and the audit log."""

import copy
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.forms import AuditFilterForm, DeleteAccountForm, ProfileForm
from accounts.mfa import user_has_mfa, user_requires_mfa
from accounts.reauth import require_recent_reauthentication
from accounts.services import account_delete, personal_data_export, profile_update
from organisations.permissions import audit_events_visible_to, can_read_audit_log

AUDIT_PAGE_SIZE = 50


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
            "has_mfa": user_has_mfa(user),
            "requires_mfa": user_requires_mfa(user),
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


@login_required
def audit_log(request):
    """Security events: staff see all; organisation administrators see those of their
    organisations and of their members. Everyone else: 404."""
    if not can_read_audit_log(request.user):
        raise Http404
    events = audit_events_visible_to(request.user)
    form = AuditFilterForm(request.GET or None)
    action = ""
    if form.is_bound and form.is_valid():
        action = form.cleaned_data["action"]
        if action:
            events = events.filter(action=action)
    events = events.select_related("actor", "subject_user", "organisation").order_by(
        "-created_at", "-pk"
    )
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "accounts/audit_log.html"
    if request.htmx:
        template += "#events"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "action": action,
            "show_network": request.user.is_staff,
        },
    )

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from academy.health import health
from accounts.forms import AuditFilterForm
from organisations.models import Theme
from organisations.permissions import audit_events_visible_to, can_read_audit_log


def home(request):
    return render(request, "home.html", {"themes": Theme.choices})


@never_cache
def healthz(request):
    state = health()
    return JsonResponse(state, status=200 if state["database"] == "ok" else 503)


@login_required
def start(request):
    """Each person's own start page, by role (see ``academy.start``)."""
    from academy.start import start_url_for

    return redirect(start_url_for(request.user))


@require_POST
def set_language(request):
    """The language switch: sets the cookie and, when signed in, the profile's language."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in ("nl", "en"):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    response = django_set_language(request)
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        response["Location"] = "/"
    return response


def accessibility(request):
    return render(request, "accessibility.html")


def privacy(request):
    """The privacy statement (public): who sees what, who is responsible, how long data is
    kept (the periods come from settings, so the page says what the purge task does)."""
    retention = {
        "invitation_batch": settings.RETENTION_INVITATION_BATCH_DAYS,
        "failed_login": settings.RETENTION_FAILED_LOGIN_DAYS,
        "unverified_signup": settings.RETENTION_UNVERIFIED_SIGNUP_DAYS,
        "expired_invitation": settings.RETENTION_EXPIRED_INVITATION_DAYS,
    }
    return render(
        request,
        "privacy.html",
        {"retention": retention, "min_n": settings.AGGREGATE_MIN_N},
    )


AUDIT_PAGE_SIZE = 50


@login_required
def audit_log(request):
    """The audit log (``/accounts/audit/``): staff see all; organisation administrators see
    what ``organisations.permissions.audit_events_visible_to`` allows. Everyone else: 404.
    Here on top of the ladder because it composes accounts' events with organisations' rule."""
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

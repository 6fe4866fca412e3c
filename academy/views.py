from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from academy.health import health
from organisations.models import Theme


def home(request):
    return render(request, "home.html", {"themes": Theme.choices})


@never_cache
def healthz(request):
    state = health()
    return JsonResponse(state, status=200 if state["database"] == "ok" else 503)


@login_required
def start(request):
    """Each person's own start page, by role (see ``accounts.start``)."""
    from accounts.start import start_url_for

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
    return render(request, "privacy.html")

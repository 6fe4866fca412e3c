"""Every page type of the platform, in Dutch and in English, passes axe-core (WCAG 2.1 A + AA)
and says its language in ``<html lang>``.

``PAGES`` maps each URL pattern that shows an HTML page on GET to the persona who sees it and
the address to open; ``EXCLUDED`` lists the patterns that show no page of their own, each with
the reason. ``test_every_page_pattern_is_mapped_or_excluded`` walks the URL resolver, so a new
page cannot go unchecked: it must be added to one of the two. The error pages (403, 404, 500)
are checked too. One browser context per persona and language; the data is built once per
language (``tests/e2e/a11y_world.py``).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.e2e.a11y_world import World, build_world, session_cookie
from tests.e2e.conftest import AXE_SCRIPT, WCAG_21_AA, _describe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["nl", "en"]
BROWSER_LOCALE = {"nl": "nl-NL", "en": "en-GB"}


@dataclass(frozen=True)
class Page:
    persona: str  # "visitor" (not logged in), "mfa_login" (halfway a login), or a world.users key
    url: Callable[[World], str]
    lands_under: str = ""  # a page that moves itself to another address: where it lands


def _at(path: str) -> Callable[[World], str]:
    return lambda world: path


PAGES: dict[str, Page] = {
    # --- public pages ------------------------------------------------------------------------
    "": Page("visitor", _at("/")),
    "accessibility/": Page("visitor", _at("/accessibility/")),
    "privacy/": Page("visitor", _at("/privacy/")),
    "certificates/verify/": Page("visitor", _at("/certificates/verify/")),
    "certificates/verify/<str:code>/": Page(
        "visitor", lambda w: f"/certificates/verify/{w.certificate.code}/"
    ),
    "organisations/^invitations/(?P<token>[A-Za-z0-9_-]{20,64})/$": Page(
        "visitor", lambda w: f"/organisations/invitations/{w.invitation.token}/"
    ),
    "dashboard/digest/unsubscribe/<str:token>/": Page(
        "visitor", lambda w: f"/dashboard/digest/unsubscribe/{w.digest_token}/"
    ),
    # --- account pages (allauth and ours) ----------------------------------------------------
    "accounts/login/": Page("visitor", _at("/accounts/login/")),
    "accounts/signup/": Page("visitor", _at("/accounts/signup/")),
    "accounts/inactive/": Page("visitor", _at("/accounts/inactive/")),
    "accounts/confirm-email/": Page("visitor", _at("/accounts/confirm-email/")),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": Page(
        "visitor", lambda w: f"/accounts/confirm-email/{w.email_key}/"
    ),
    "accounts/password/reset/": Page("visitor", _at("/accounts/password/reset/")),
    "accounts/password/reset/done/": Page("visitor", _at("/accounts/password/reset/done/")),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": Page(
        "visitor",
        lambda w: f"/accounts/password/reset/key/{w.reset_key}/",
        lands_under="/accounts/password/reset/key/",  # allauth hides the key from the address
    ),
    "accounts/password/reset/key/done/": Page("visitor", _at("/accounts/password/reset/key/done/")),
    "accounts/2fa/authenticate/": Page("mfa_login", _at("/accounts/2fa/authenticate/")),
    "accounts/welcome/": Page("learner", _at("/accounts/welcome/?next=/courses/my/")),
    "accounts/logout/": Page("learner", _at("/accounts/logout/")),
    "accounts/reauthenticate/": Page("learner", _at("/accounts/reauthenticate/")),
    "accounts/profile/": Page("learner", _at("/accounts/profile/")),
    "accounts/profile/data/": Page("learner", _at("/accounts/profile/data/")),
    "accounts/profile/delete/": Page("learner", _at("/accounts/profile/delete/")),
    "accounts/password/change/": Page("learner", _at("/accounts/password/change/")),
    "accounts/password/set/": Page("sso", _at("/accounts/password/set/")),
    "accounts/email/": Page("learner", _at("/accounts/email/")),
    "accounts/sessions/": Page("learner", _at("/accounts/sessions/")),
    "accounts/2fa/": Page("analyst", _at("/accounts/2fa/")),
    "accounts/2fa/totp/activate/": Page("learner", _at("/accounts/2fa/totp/activate/")),
    "accounts/2fa/totp/deactivate/": Page("analyst", _at("/accounts/2fa/totp/deactivate/")),
    "accounts/2fa/reauthenticate/": Page("analyst", _at("/accounts/2fa/reauthenticate/")),
    "accounts/2fa/recovery-codes/": Page("analyst", _at("/accounts/2fa/recovery-codes/")),
    "accounts/2fa/recovery-codes/generate/": Page(
        "analyst", _at("/accounts/2fa/recovery-codes/generate/")
    ),
    # --- learner pages -----------------------------------------------------------------------
    "courses/": Page("learner", _at("/courses/?q=bejegening")),
    "courses/my/": Page("learner", _at("/courses/my/")),
    "courses/<slug:slug>/": Page("learner", lambda w: f"/courses/{w.course.slug}/"),
    "courses/<slug:slug>/lessons/<slug:lesson_slug>/": Page(
        "learner", lambda w: f"/courses/{w.course.slug}/lessons/{w.lesson.slug}/"
    ),
    "assessments/quizzes/<int:quiz_id>/": Page(
        "learner", lambda w: f"/assessments/quizzes/{w.quiz.pk}/"
    ),
    "assessments/attempts/<int:attempt_id>/": Page(
        "learner", lambda w: f"/assessments/attempts/{w.open_attempt.pk}/"
    ),
    "assessments/attempts/<int:attempt_id>/review/": Page(
        "learner", lambda w: f"/assessments/attempts/{w.attempt.pk}/review/"
    ),
    "assessments/courses/<slug:course_slug>/survey/<str:phase>/": Page(
        "learner", lambda w: f"/assessments/courses/{w.course.slug}/survey/post/"
    ),
    "certificates/": Page("learner", _at("/certificates/")),
    "certificates/courses/<slug:slug>/finish/": Page(
        "learner", lambda w: f"/certificates/courses/{w.accredited.slug}/finish/"
    ),
    # --- trainer pages -----------------------------------------------------------------------
    "trainer/": Page("trainer", _at("/trainer/")),
    "trainer/organisations/<int:organisation_id>/assign/": Page(
        "trainer", lambda w: f"/trainer/organisations/{w.organisation.pk}/assign/"
    ),
    "trainer/groups/<int:group_id>/": Page(
        "trainer", lambda w: f"/trainer/groups/{w.group.pk}/?status=in_progress"
    ),
    "trainer/groups/<int:group_id>/learners/<int:user_id>/": Page(
        "trainer", lambda w: f"/trainer/groups/{w.group.pk}/learners/{w.users['learner'].pk}/"
    ),
    "trainer/assignments/<int:assignment_id>/": Page(
        # (an assignment to a group shows as the group's page; this one is to one person)
        "trainer",
        lambda w: f"/trainer/assignments/{w.personal_assignment.pk}/",
    ),
    "trainer/assignments/<int:assignment_id>/learners/<int:user_id>/": Page(
        "trainer",
        lambda w: f"/trainer/assignments/{w.assignment.pk}/learners/{w.users['learner'].pk}/",
    ),
    "trainer/assignments/<int:assignment_id>/unassign/": Page(
        "trainer", lambda w: f"/trainer/assignments/{w.assignment.pk}/unassign/"
    ),
    "trainer/assignments/<int:assignment_id>/due-date/": Page(
        "trainer", lambda w: f"/trainer/assignments/{w.assignment.pk}/due-date/"
    ),
    "trainer/classroom/": Page("trainer", _at("/trainer/classroom/")),
    "trainer/organisations/<int:organisation_id>/classroom/": Page(
        "trainer", lambda w: f"/trainer/organisations/{w.organisation.pk}/classroom/"
    ),
    "trainer/classroom/<int:session_id>/": Page(
        "trainer", lambda w: f"/trainer/classroom/{w.classroom_session.pk}/"
    ),
    "trainer/classroom/<int:session_id>/edit/": Page(
        "trainer", lambda w: f"/trainer/classroom/{w.classroom_session.pk}/edit/"
    ),
    "trainer/classroom/<int:session_id>/delete/": Page(
        "trainer", lambda w: f"/trainer/classroom/{w.classroom_session.pk}/delete/"
    ),
    # --- organisation pages (administrator) --------------------------------------------------
    "organisations/": Page("admin", _at("/organisations/")),
    "organisations/<slug:slug>/": Page(
        "admin", lambda w: f"/organisations/{w.organisation.slug}/?q=Lotte"
    ),
    "organisations/<slug:slug>/members/<int:membership_id>/role/": Page(
        "admin",
        lambda w: f"/organisations/{w.organisation.slug}/members/{w.learner_membership.pk}/role/",
    ),
    "organisations/<slug:slug>/members/<int:membership_id>/remove/": Page(
        "admin",
        lambda w: f"/organisations/{w.organisation.slug}/members/{w.learner_membership.pk}/remove/",
    ),
    "organisations/<slug:slug>/groups/": Page(
        "admin", lambda w: f"/organisations/{w.organisation.slug}/groups/"
    ),
    "organisations/<slug:slug>/groups/<int:group_id>/": Page(
        "admin", lambda w: f"/organisations/{w.organisation.slug}/groups/{w.group.pk}/"
    ),
    "organisations/<slug:slug>/groups/<int:group_id>/rename/": Page(
        "admin", lambda w: f"/organisations/{w.organisation.slug}/groups/{w.group.pk}/rename/"
    ),
    "organisations/<slug:slug>/groups/<int:group_id>/delete/": Page(
        "admin", lambda w: f"/organisations/{w.organisation.slug}/groups/{w.group.pk}/delete/"
    ),
    "organisations/<slug:slug>/invitations/": Page(
        "admin", lambda w: f"/organisations/{w.organisation.slug}/invitations/"
    ),
    "organisations/<slug:slug>/invitations/new/": Page(
        "admin", lambda w: f"/organisations/{w.organisation.slug}/invitations/new/"
    ),
    "organisations/<slug:slug>/invitations/upload/": Page(
        "admin", lambda w: f"/organisations/{w.organisation.slug}/invitations/upload/"
    ),
    "organisations/<slug:slug>/invitations/batches/<int:batch_id>/": Page(
        "admin",
        lambda w: f"/organisations/{w.organisation.slug}/invitations/batches/{w.batch.pk}/",
    ),
    "organisations/<slug:slug>/audit/": Page(
        "admin", lambda w: f"/organisations/{w.organisation.slug}/audit/"
    ),
    "organisations/<slug:slug>/sharing/": Page(
        "admin", lambda w: f"/organisations/{w.unit.slug}/sharing/"
    ),
    "dashboard/<slug:slug>/api-tokens/": Page(
        "admin", lambda w: f"/dashboard/{w.organisation.slug}/api-tokens/"
    ),
    # --- dashboards --------------------------------------------------------------------------
    "dashboard/": Page("staff", _at("/dashboard/")),
    "dashboard/<slug:slug>/": Page(
        "analyst",
        lambda w: f"/dashboard/{w.organisation.slug}/?course={w.course.slug}&period=year",
    ),
    "dashboard/digest/": Page("analyst", _at("/dashboard/digest/")),
    "dashboard/national/": Page("coordinator", _at("/dashboard/national/")),
    "dashboard/national/reports/<int:report_id>/": Page(
        "coordinator", lambda w: f"/dashboard/national/reports/{w.report.pk}/"
    ),
    "dashboard/national/reports/<int:report_id>/print/": Page(
        "coordinator", lambda w: f"/dashboard/national/reports/{w.report.pk}/print/"
    ),
    # --- platform staff, content authors and reviewers ---------------------------------------
    "accounts/audit/": Page("staff", _at("/accounts/audit/")),
    "courses/review-due/": Page("staff", _at("/courses/review-due/")),
    "certificates/evaluations/": Page("staff", _at("/certificates/evaluations/")),
    "certificates/attendance/": Page("staff", _at("/certificates/attendance/")),
    "assessments/statistics/": Page("staff", _at("/assessments/statistics/")),
    "assessments/statistics/<int:quiz_id>/": Page(
        "staff", lambda w: f"/assessments/statistics/{w.quiz.pk}/"
    ),
    "assessments/courses/<slug:course_slug>/question-bank/": Page(
        "reviewer", lambda w: f"/assessments/courses/{w.course.slug}/question-bank/"
    ),
    "courses/review/": Page("reviewer", _at("/courses/review/")),
    "courses/<slug:slug>/review/": Page("reviewer", lambda w: f"/courses/{w.course.slug}/review/"),
    "courses/<slug:slug>/review/lessons/<slug:lesson_slug>/": Page(
        "reviewer", lambda w: f"/courses/{w.course.slug}/review/lessons/{w.lesson.slug}/"
    ),
}

POST_ONLY = "an action: POST only (its form is on a page above)"
DOWNLOAD = "a file download, not a page"
NOT_SERVED = "allauth's own social-login routes are not served (404, academy.urls)"
EXCLUDED: dict[str, str] = {
    "healthz": "health check for the load balancer (plain text)",
    "start/": "redirects to each person's own start page (mapped above)",
    "language/": POST_ONLY,
    "accounts/sso/<slug:provider_id>/login/": POST_ONLY,
    "accounts/sso/<slug:provider_id>/login/callback/": "the identity provider's redirect back; "
    "it ends on the welcome page or My learning (tests/e2e/test_sso_journey.py)",
    "accounts/login/code/confirm/": "login by e-mailed code is switched off (redirects)",
    "accounts/reauthenticate/code/": "confirming by e-mailed code is switched off (redirects)",
    "accounts/reauthenticate/code/confirm/": "confirming by e-mailed code is switched off",
    "accounts/2fa/recovery-codes/download/": DOWNLOAD,
    "^accounts/oidc/": NOT_SERVED,
    "^accounts/3rdparty/": NOT_SERVED,
    "accounts/3rdparty/login/cancelled/": NOT_SERVED,
    "accounts/3rdparty/login/error/": NOT_SERVED,
    "accounts/3rdparty/signup/": NOT_SERVED,
    "accounts/3rdparty/": NOT_SERVED,
    "accounts/social/login/cancelled/": NOT_SERVED + " (redirect to one)",
    "accounts/social/login/error/": NOT_SERVED + " (redirect to one)",
    "accounts/social/signup/": NOT_SERVED + " (redirect to one)",
    "accounts/social/connections/": NOT_SERVED + " (redirect to one)",
    "accounts/oidc/^(?P<provider_id>[^/]+)/login/": NOT_SERVED,
    "accounts/oidc/^(?P<provider_id>[^/]+)/login/callback/": NOT_SERVED,
    "organisations/<slug:slug>/members/<int:membership_id>/block/": POST_ONLY
    + "; GET redirects to the remove page",
    "organisations/<slug:slug>/groups/<int:group_id>/members/add/": POST_ONLY,
    "organisations/<slug:slug>/groups/<int:group_id>/members/<int:user_id>/remove/": POST_ONLY,
    "organisations/<slug:slug>/invitations/<int:invitation_id>/resend/": POST_ONLY,
    "organisations/<slug:slug>/invitations/<int:invitation_id>/revoke/": POST_ONLY,
    "organisations/<slug:slug>/invitations/template.csv": DOWNLOAD,
    "organisations/<slug:slug>/invitations/batches/<int:batch_id>/results.csv": DOWNLOAD,
    "organisations/<slug:slug>/invitations/batches/<int:batch_id>/continue/": POST_ONLY,
    "courses/<slug:slug>/enrol/": POST_ONLY,
    "courses/<slug:slug>/lessons/<slug:lesson_slug>/done/": POST_ONLY,
    "trainer/groups/<int:group_id>/export.csv": DOWNLOAD,
    "trainer/assignments/<int:assignment_id>/export.csv": DOWNLOAD,
    "trainer/assignments/<int:assignment_id>/remind/": POST_ONLY,
    "assessments/quizzes/<int:quiz_id>/start/": POST_ONLY,
    "assessments/quizzes/<int:quiz_id>/learners/<int:user_id>/extra-attempt/": POST_ONLY,
    "assessments/attempts/<int:attempt_id>/questions/<int:question_id>/": POST_ONLY,
    "assessments/attempts/<int:attempt_id>/save/": POST_ONLY,
    "certificates/<str:code>/pdf/": DOWNLOAD,
    "certificates/courses/<slug:slug>/renew/": POST_ONLY,
    "dashboard/national/reports/": POST_ONLY,
    "dashboard/national/reports/<int:report_id>/progress-report.xlsx": DOWNLOAD,
    "dashboard/national/reports/<int:report_id>/progress-report.pdf": DOWNLOAD,
    "dashboard/<slug:slug>/api-tokens/<int:token_id>/revoke/": POST_ONLY,
    "dashboard/<slug:slug>/export.xlsx": DOWNLOAD,
    "dashboard/<slug:slug>/export/<slug:table>.csv": DOWNLOAD,
}
# Django's admin (staff only, Django's own templates) apart from its login page, which is ours
# to keep accessible because anyone can reach it; and the JSON API with its schema.
EXCLUDED_PREFIXES = {
    "admin/": "Django's admin for platform staff (its own templates); its login page redirects "
    "to the platform's login page (allauth's secure_admin_login), mapped above",
    "api/v1/": "the JSON API for partners' systems (no HTML)",
    "^media/": "uploaded files, served like this only with DEBUG on",
}


def _routes(resolver=None, prefix: str = "") -> list[str]:
    routes = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes.extend(_routes(pattern, route))
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def test_every_page_pattern_is_mapped_or_excluded():
    routes = _routes()
    prefixed = {r for r in routes if r.startswith(tuple(EXCLUDED_PREFIXES)) and r not in PAGES}
    unknown = [r for r in routes if r not in PAGES and r not in EXCLUDED and r not in prefixed]
    assert unknown == [], (
        "new URL patterns: map each page in PAGES (persona and URL) or, if it shows no page "
        f"of its own, add it to EXCLUDED with the reason: {unknown}"
    )
    stale = sorted((set(PAGES) | set(EXCLUDED)) - set(routes))
    assert stale == [], f"PAGES/EXCLUDED name patterns that no longer exist: {stale}"
    assert not set(PAGES) & set(EXCLUDED)
    assert len(PAGES) >= 80


def test_the_admin_login_is_the_platforms_login_page(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- the browser checks ------------------------------------------------------------------


# axe-core as ``axe_check`` runs it, but asked for the violations only (much faster).
AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                 resultTypes: ['violations']}).then(r => r.violations)"""


def _context(browser, live_server, language: str, cookie: str | None):
    from django.conf import settings

    context = browser.new_context(
        bypass_csp=True, locale=BROWSER_LOCALE[language], base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE_SCRIPT))
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    if cookie:
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}
        )
    context.add_cookies(cookies)
    return context


def _halfway_logged_in(page, user) -> None:
    """Through the login form up to the two-factor step (allauth's mfa_authenticate)."""
    from tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=login]").press("Enter")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/accounts/2fa/authenticate/")


def _check(page, url: str, language: str, lands_under: str = "") -> list[str]:
    """Open ``url``; the problems found (an empty list when the page is fine)."""
    response = page.goto(url)
    problems = []
    status = response.status if response else None
    if status != 200:
        problems.append(f"status {status} (ended at {page.url})")
    landed = urlsplit(page.url).path
    if landed != urlsplit(url).path and not (lands_under and landed.startswith(lands_under)):
        problems.append(f"redirected to {page.url}")
    lang = page.locator("html").get_attribute("lang")
    if lang != language:
        problems.append(f'<html lang="{lang}">, expected "{language}"')
    violations = page.evaluate(AXE_RUN, WCAG_21_AA)
    if violations:
        problems.append(f"{len(violations)} WCAG 2.1 AA violation(s):\n{_describe(violations)}")
    return problems


def _error_pages(language: str) -> dict[str, tuple[int, bytes]]:
    """The 403, CSRF-403 and 500 pages as the server renders them (they cannot be reached by
    following links: no page refuses a GET with 403, and nothing fails on purpose)."""
    from django.conf import settings
    from django.test import Client, override_settings

    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with override_settings(ROOT_URLCONF="tests.academy.error_urls"):
        failed = client.get("/fail/")
    csrf = client.post("/accounts/login/", {"login": "x@example.org"})
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.utils import translation
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with translation.override(language):
        denied = permission_denied(request, PermissionDenied())
    return {
        "/__error/403/": (denied.status_code, denied.content),
        "/__error/403-csrf/": (csrf.status_code, csrf.content),
        "/__error/500/": (failed.status_code, failed.content),
    }


def _serve(status: int, body: bytes):
    def handler(route):
        route.fulfill(status=status, body=body, content_type="text/html; charset=utf-8")

    return handler


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_type_passes_axe_in_both_languages(browser, live_server, settings, language):
    settings.CERTIFICATE_RULES_SINCE = dt.date.today() - dt.timedelta(days=365)
    world = build_world(language)
    failures: dict[str, list[str]] = {}
    by_persona: dict[str, list[tuple[str, Page]]] = {}
    for route, page_type in PAGES.items():
        by_persona.setdefault(page_type.persona, []).append((route, page_type))

    for persona, pages in by_persona.items():
        user = world.users.get(persona)
        cookie = session_cookie(user) if user is not None else None
        context = _context(browser, live_server, language, cookie)
        try:
            page = context.new_page()
            if persona == "mfa_login":
                _halfway_logged_in(page, world.users["analyst"])
            for route, page_type in pages:
                url = page_type.url(world)
                problems = _check(page, url, language, page_type.lands_under)
                if problems:
                    failures[f"{route} ({persona}: {url})"] = problems
            if persona == "visitor":
                problems = _check(page, "/no-such-page/", language)
                problems = [p for p in problems if p != f"status 404 (ended at {page.url})"]
                if problems:
                    failures["404 page"] = problems
                for path, (status, body) in _error_pages(language).items():
                    page.route(f"**{path}", _serve(status, body))
                    problems = _check(page, path, language)
                    problems = [p for p in problems if not p.startswith(f"status {status} ")]
                    if status not in (403, 500):
                        problems.append(f"rendered with status {status}")
                    if problems:
                        failures[f"error page {path}"] = problems
        finally:
            context.close()

    report = "\n\n".join(f"{where}:\n  " + "\n  ".join(p) for where, p in failures.items())
    assert not failures, f"{len(failures)} page(s) in {language!r} with problems:\n\n{report}"

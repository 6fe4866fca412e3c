"""Tenancy crawler: no person of organisation B reaches anything of organisation A.

Every URL pattern of the project (``get_resolver()``, through every include: the pages, the
htmx partials, the downloads, the admin and the partner API) is accounted for here:

- a pattern with parameters is filled with A's objects through ``FILL`` (an explicit entry per
  pattern name) and requested by B's learner, trainer, analyst and administrator (the last two
  with an authenticator app), with GET and POST, with and without ``HX-Request: true``. The
  answer must be a 403, 404 or 405 (401 for the token-only API), or a redirect to a login or
  two-factor page, and no answer may contain a name, address, group name, code or token name
  of A. Afterwards A's data must be unchanged.
- a pattern public by design is in ``PUBLIC``, with the reason.
- the admin's generated model pages are filled by ``_admin_kwargs`` (every admin page needs
  staff, an accreditation administrator or a coordinator, which B's people are not).
- a pattern without parameters is opened by each of B's people: whatever it shows, nothing of A.

A new pattern with parameters in none of these makes ``test_every_pattern_is_accounted_for``
fail, so a new page cannot escape the crawl.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.security.routes import Route, all_routes
from tests.security.tenancy_data import ROLES, build_two_organisations, snapshot

# --- how each pattern is filled with A's objects ------------------------------------------------

A = "A"


def _org(w):
    return {"slug": w[A].organisation.slug}


def _group(w):
    return {**_org(w), "group_id": w[A].group.pk}


def _invitation(w):
    return {**_org(w), "invitation_id": w[A].invitation.pk}


def _batch(w):
    return {**_org(w), "batch_id": w[A].batch.pk}


def _memberships(w):
    return [{**_org(w), "membership_id": m.pk} for m in w[A].memberships.values()]


def _assignments(w):
    return [
        {"assignment_id": w[A].group_assignment.pk},
        {"assignment_id": w[A].learner_assignment.pk},
    ]


def _attempts(w):
    return [{"attempt_id": w[A].attempt.pk}, {"attempt_id": w[A].open_attempt.pk}]


def _lesson(w):
    return {"slug": w[A].course.slug, "lesson_slug": w[A].lesson.slug}


def _report(w):
    return {"report_id": w["report"].pk}


# Pattern name → A's values for its parameters (a list: each filling is requested).
FILL: dict[str, Callable[[dict], dict | list[dict]]] = {
    # organisations
    "organisations:detail": _org,
    "organisations:member_role": _memberships,
    "organisations:member_remove": _memberships,
    "organisations:member_block": _memberships,
    "organisations:groups": _org,
    "organisations:group_detail": _group,
    "organisations:group_rename": _group,
    "organisations:group_delete": _group,
    "organisations:group_member_add": _group,
    "organisations:group_member_remove": lambda w: {
        **_group(w),
        "user_id": w[A].users["learner"].pk,
    },
    "organisations:invitations": _org,
    "organisations:invitation_new": _org,
    "organisations:invitation_resend": _invitation,
    "organisations:invitation_revoke": _invitation,
    "organisations:batch_upload": _org,
    "organisations:batch_template": _org,
    "organisations:batch_detail": _batch,
    "organisations:batch_results_csv": _batch,
    "organisations:batch_restart": _batch,
    "organisations:audit": _org,
    "organisations:sharing": _org,
    # courses: lessons are for the enrolled learner; review pages for the course's reviewers
    "courses:lesson": _lesson,
    "courses:lesson_done": _lesson,
    "courses:review": lambda w: {"slug": w[A].course.slug},
    "courses:review_lesson": _lesson,
    # trainer pages
    "trainer:assign": lambda w: {"organisation_id": w[A].organisation.pk},
    "trainer:classroom_record": lambda w: {"organisation_id": w[A].organisation.pk},
    "trainer:classroom_session": lambda w: {"session_id": w[A].session.pk},
    "trainer:classroom_edit": lambda w: {"session_id": w[A].session.pk},
    "trainer:classroom_delete": lambda w: {"session_id": w[A].session.pk},
    "trainer:group": lambda w: {"group_id": w[A].group.pk},
    "trainer:group_export": lambda w: {"group_id": w[A].group.pk},
    "trainer:group_learner": lambda w: {
        "group_id": w[A].group.pk,
        "user_id": w[A].users["learner"].pk,
    },
    "trainer:assignment": _assignments,
    "trainer:assignment_export": _assignments,
    "trainer:assignment_learner": lambda w: [
        {"assignment_id": w[A].group_assignment.pk, "user_id": w[A].users["learner"].pk},
        {"assignment_id": w[A].learner_assignment.pk, "user_id": w[A].second_learner.pk},
    ],
    "trainer:remind": _assignments,
    "trainer:unassign": _assignments,
    "trainer:due_date": _assignments,
    # assessments: quizzes of A's course (B's people are not enrolled), A's attempts
    "assessments:quiz": lambda w: {"quiz_id": w[A].quiz.pk},
    "assessments:start": lambda w: {"quiz_id": w[A].quiz.pk},
    "assessments:extra_attempt": lambda w: {
        "quiz_id": w[A].quiz.pk,
        "user_id": w[A].users["learner"].pk,
    },
    "assessments:attempt": _attempts,
    "assessments:answer": lambda w: {
        "attempt_id": w[A].open_attempt.pk,
        "question_id": w[A].open_attempt.layout[0]["q"],
    },
    "assessments:save": _attempts,
    "assessments:review": _attempts,
    "assessments:survey": lambda w: [
        {"course_slug": w[A].course.slug, "phase": "pre"},
        {"course_slug": w[A].course.slug, "phase": "post"},
    ],
    "assessments:question_bank": lambda w: {"course_slug": w[A].course.slug},
    "assessments:statistics": lambda w: {"quiz_id": w[A].quiz.pk},
    # certificates: the holder's PDF, the finish and renew pages of A's course
    "certificates:pdf": lambda w: {"code": w[A].certificate.code},
    "certificates:finish": lambda w: {"slug": w[A].course.slug},
    "certificates:renew": lambda w: {"slug": w[A].course.slug},
    # national overview (coordinators and staff)
    "national:report": _report,
    "national:report_print": _report,
    "national:report_xlsx": _report,
    "national:report_pdf": _report,
    # dashboard, exports, API tokens
    "reporting:dashboard": _org,
    "reporting:export_xlsx": _org,
    "reporting:export_csv": lambda w: [{**_org(w), "table": t} for t in ("figures", "groups")],
    "reporting:api_tokens": _org,
    "reporting:api_token_revoke": lambda w: {**_org(w), "token_id": w[A].token.pk},
    # partner API (token only; B's own token is tried in test_b_token_reads_nothing_of_a)
    "api:organisation_statistics": _org,
    "api:organisation_courses": _org,
    "api:organisation_completions": _org,
    # allauth's OpenID Connect routes are shadowed by a 404 in academy.urls
    "openid_connect_login": lambda w: {"provider_id": w[A].provider.slug},
    "openid_connect_callback": lambda w: {"provider_id": w[A].provider.slug},
    # custom admin views (the generated ones: ``_admin_kwargs``)
    "admin:courses_lesson_preview": lambda w: {"pk": w[A].lesson.pk},
    "admin:certificates_certificate_revoke": lambda w: {"pk": w[A].certificate.pk},
}

# Public by design: reaching them with A's values is the point of the page.
PUBLIC = {
    "courses:course": "the course catalogue: every published course page is public",
    "courses:enrol": "anyone may enrol in a published course of the catalogue",
    "certificates:verify": "public verification by the code printed on the certificate",
    "organisations:invitation_accept": "the secret token in the invitation e-mail is the key "
    "(accepting also needs the invited, verified address)",
    "digest:unsubscribe": "signed one-click unsubscribe link of the digest e-mail",
    "sso_login": "single sign-on start page of an identity provider (before login)",
    "sso_callback": "the identity provider's return address, checked by state and nonce",
    "account_confirm_email": "allauth: the key from the verification e-mail",
    "account_reset_password_from_key": "allauth: the key from the password reset e-mail",
    "^media/(?P<path>.*)$": "development file server, only with DEBUG (no media in production)",
}
ONLY_WITH_DEBUG = {"^media/(?P<path>.*)$"}

# Parameters of the admin's generated pages (staff, accreditation administrators, coordinators).
ADMIN_PARAMS = {"object_id", "id", "content_type_id", "app_label", "url"}


def _admin_kwargs(route: Route, world) -> dict:
    kwargs = {}
    model_admin = getattr(route.pattern.callback, "model_admin", None)
    for name in route.params:
        if name == "object_id":
            kwargs[name] = str(_a_object_pk(world, model_admin.model if model_admin else None))
        elif name == "id":
            kwargs[name] = str(world[A].users["learner"].pk)
        elif name == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            from accounts.models import User

            kwargs[name] = str(ContentType.objects.get_for_model(User).pk)
        elif name == "app_label":
            kwargs[name] = "organisations"
        elif name == "url":
            kwargs[name] = f"organisations/group/{world[A].group.pk}"
    return kwargs


def _a_object_pk(world, model) -> int:
    """An object of A of this model when there is one (else any row, else 1)."""
    if model is None:
        return world[A].users["learner"].pk
    tenant = world[A]
    for candidate in [
        tenant.organisation,
        *tenant.users.values(),
        *tenant.extra.values(),
        *tenant.memberships.values(),
    ]:
        if isinstance(candidate, model):
            return candidate.pk
    first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return first or 1


def _url(route: Route, kwargs: dict) -> str:
    if route.pattern.name is not None:
        return reverse(route.key, kwargs=kwargs)
    # unnamed (the admin's redirects to a change page, its catch-all): fill the route itself
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), route.route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m[1]]), path)
    return "/" + path.replace("^", "").replace("$", "")


def _is_admin(route: Route) -> bool:
    return route.namespace == "admin" and route.key not in FILL


def test_every_pattern_is_accounted_for():
    """Each pattern with parameters is filled (FILL), public by design (PUBLIC) or a generated
    admin page; FILL's parameters match the pattern's exactly; no stale entries."""
    routes = all_routes()
    unmapped = []
    for route in routes:
        if not route.params or route.key in PUBLIC:
            continue
        if _is_admin(route):
            if not route.params <= ADMIN_PARAMS:
                unmapped.append(f"{route.key} ({route.route}): admin parameters {route.params}")
            continue
        if route.key not in FILL:
            unmapped.append(f"{route.key} ({route.route})")
            continue
    assert not unmapped, "patterns with parameters that the tenancy crawler does not fill:\n" + (
        "\n".join(unmapped)
    )
    keys = {route.key for route in routes}
    stale = sorted((set(FILL) | set(PUBLIC)) - keys - ONLY_WITH_DEBUG)
    assert not stale, f"entries for patterns that no longer exist: {stale}"


# --- the crawl --------------------------------------------------------------------------------

# Valid-looking values for every form of these pages: were a page to let B in, the POST would
# change A's data (checked afterwards), not stop at a missing field.
POST_DATA = {
    "name": "Overgenomen door B",
    "role": "admin",
    "share": "on",
    "email": "indringer@bravo-zorg.example",
    "due_date": "2031-01-01",
    "held_on": "2025-01-01",
    "location": "Elders",
    "receive": "no",
    "relevance": "3",
    "quality": "3",
    "submit": "1",
    "next": "/",
}

LOGIN_PREFIXES = ("/accounts/login/", "/admin/login/", "/accounts/2fa/")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One dataset for the module, rolled back at the end."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_two_organisations()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def b_clients(world, django_db_blocker):
    clients = {}
    with django_db_blocker.unblock():
        for role in ROLES:
            client = Client()
            client.force_login(world["B"].users[role])
            clients[role] = client
    return clients


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def _leaks(response, secrets, url: str = "") -> list[str]:
    """A's strings in the answer, leaving out what the requester typed in the address."""
    text = _body(response) + " " + response.get("Location", "") + response.get("HX-Redirect", "")
    return [s for s in secrets if s.lower() in text.lower() and s.lower() not in url.lower()]


def _refused(route: Route, response) -> bool:
    status = response.status_code
    if status in (403, 404, 405):
        return True
    if status == 401 and route.namespace == "api":
        return True
    if status in (301, 302, 303) and response["Location"].startswith(LOGIN_PREFIXES):
        return True
    hx = response.get("HX-Redirect", "")
    return status == 204 and hx.startswith(LOGIN_PREFIXES)


def _requests(client, url):
    yield "GET", client.get(url)
    yield "GET htmx", client.get(url, headers={"HX-Request": "true"})
    yield "POST", client.post(url, POST_DATA)
    yield "POST htmx", client.post(url, POST_DATA, headers={"HX-Request": "true"})


def _fillings(route: Route, world) -> list[dict]:
    if _is_admin(route):
        return [_admin_kwargs(route, world)]
    filled = FILL[route.key](world)
    fillings = filled if isinstance(filled, list) else [filled]
    for kwargs in fillings:
        assert set(kwargs) == set(route.params), f"{route.key}: fills {set(kwargs)}"
    return fillings


@pytest.mark.django_db
def test_b_reaches_nothing_of_a(world, b_clients):
    """Every page with parameters, filled with A's objects, refuses each of B's people and
    shows nothing of A; A's data is the same afterwards."""
    before = snapshot(world[A])
    secrets = world[A].secrets()
    failures = []
    requested = 0
    for route in all_routes():
        if not route.params or route.key in PUBLIC:
            continue
        for kwargs in _fillings(route, world):
            url = _url(route, kwargs)
            admin = _is_admin(route)
            for role, client in b_clients.items():
                calls = [("GET", client.get(url))] if admin else _requests(client, url)
                for method, response in calls:
                    requested += 1
                    if not _refused(route, response):
                        failures.append(
                            f"{role} {method} {url} ({route.key}): {response.status_code} "
                            f"{response.get('Location', '')}"
                        )
                    leaked = _leaks(response, secrets, url)
                    if leaked:
                        failures.append(f"{role} {method} {url} ({route.key}) shows {leaked}")
    assert requested > 1000
    assert not failures, "\n".join(failures)
    assert snapshot(world[A]) == before


@pytest.mark.django_db
def test_pages_without_parameters_show_nothing_of_a(world, b_clients):
    """Start pages, lists and menus of B's people (dashboard choice, trainer home, classroom
    list, organisations overview, audit log, ...) name nothing of A."""
    secrets = world[A].secrets()
    failures = []
    for route in all_routes():
        if route.params or route.key.startswith("^") or route.namespace == "admin":
            continue
        try:
            url = reverse(route.key)
        except Exception:  # unnamed patterns (allauth's old "social" addresses): by route
            url = "/" + route.route
        for role, client in b_clients.items():
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                if response.status_code >= 500:
                    failures.append(f"{role} GET {url}: {response.status_code}")
                leaked = _leaks(response, secrets)
                if leaked:
                    failures.append(f"{role} GET {url} shows {leaked}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_b_token_reads_nothing_of_a(world):
    """B's partner API token on A's slug: 404 (A does not exist for it), nothing of A."""
    client = Client()
    auth = {"Authorization": f"Bearer {world['B'].raw_token}"}
    secrets = world[A].secrets() + [world[A].organisation.slug]
    for route in all_routes():
        if route.namespace != "api" or not route.params:
            continue
        response = client.get(_url(route, _fillings(route, world)[0]), headers=auth)
        assert response.status_code == 404, route.key
        assert not _leaks(response, secrets), route.key
        own = client.get(
            reverse(route.key, kwargs={"slug": world["B"].organisation.slug}), headers=auth
        )
        assert own.status_code == 200, route.key  # the token itself works


@pytest.mark.django_db
def test_a_admin_reaches_own_pages(world):
    """Control: the same fillings open for A's own administrator, so the 404s above come from
    the organisation check, not from broken fillings."""
    client = Client()
    client.force_login(world[A].users["admin"])
    for key in (
        "organisations:detail",
        "organisations:group_detail",
        "organisations:batch_detail",
        "organisations:audit",
        "reporting:dashboard",
        "reporting:api_tokens",
        "trainer:group",
        "trainer:group_learner",
        "trainer:classroom_session",
    ):
        kwargs = FILL[key](world)
        response = client.get(reverse(key, kwargs=kwargs))
        assert response.status_code == 200, key
    owner = Client()
    owner.force_login(world[A].second_learner)
    assert (
        owner.get(reverse("certificates:pdf", kwargs=FILL["certificates:pdf"](world))).status_code
        == 200
    )
    learner = Client()
    learner.force_login(world[A].users["learner"])
    for kwargs in _attempts(world):
        assert learner.get(reverse("assessments:attempt", kwargs=kwargs)).status_code in (200, 302)

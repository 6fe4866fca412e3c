"""Open redirects: every ``next`` we accept (login, logout, the language switch, two-factor
login, the password confirmation, single sign-on, the invitation, sharing and extra-attempt
forms, the welcome page after single sign-on) sends people to a page of our own host only.

A browser strips leading blanks and control characters and reads a backslash as a slash, so
``where_it_goes`` does the same before it resolves the Location against the page."""

import re
from html import unescape
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from assessments.models import Attempt
from organisations.services import invitation_create
from tests.factories import PASSWORD, MemberFactory, OrganisationFactory
from tests.mfa import give_totp, totp_code

pytestmark = pytest.mark.django_db

HOST = "testserver"
EVIL = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "%2F%2Fevil.example",
    "https://testserver@evil.example",
    "\t//evil.example",
]


def where_it_goes(location: str, base: str = f"http://{HOST}/") -> tuple[str, str]:
    """(scheme, host) a browser would open for this Location header. A scheme without a host
    ("http:evil.example") counts as foreign: from an https page a browser opens evil.example."""
    cleaned = location.lstrip("".join(chr(c) for c in range(0x21))).replace("\\", "/")
    cleaned = "".join(ch for ch in cleaned if ch not in "\t\r\n")
    own = urlsplit(cleaned)
    if own.scheme and not own.netloc:
        return own.scheme, ""
    resolved = urlsplit(urljoin(base, cleaned))
    return resolved.scheme, resolved.hostname or ""


def assert_stays_here(response, *, status=302):
    assert response.status_code == status, response.content[:300]
    location = response["Location"]
    assert where_it_goes(location) == ("http", HOST), location


def test_where_it_goes_sees_through_the_tricks():
    for payload in EVIL:
        if payload == "%2F%2Fevil.example":  # a relative path: it stays here
            assert where_it_goes(payload) == ("http", HOST)
        else:
            assert where_it_goes(payload) != ("http", HOST), payload
    assert where_it_goes("/start/") == ("http", HOST)
    assert where_it_goes("http://testserver/start/") == ("http", HOST)


# --- login, two-factor login, logout, password confirmation -------------------------------
# One database set-up per test, every payload inside it (a fresh client each where the session
# matters).


def test_login_with_a_password_goes_home_not_elsewhere(learner):
    for target in EVIL:
        client = Client()
        response = client.post(
            reverse("account_login"),
            {"login": learner.email, "password": PASSWORD, "next": target},
        )
        assert_stays_here(response)
        assert client.session.get("_auth_user_id") == str(learner.pk), target


def test_the_login_page_does_not_carry_a_foreign_next(client):
    for target in EVIL:
        page = client.get(reverse("account_login"), {"next": target}).content.decode()
        carried = [unescape(v) for v in re.findall(r'name="next" value="([^"]*)"', page)]
        assert all(where_it_goes(value) == ("http", HOST) for value in carried), carried


def test_two_factor_login_goes_home_not_elsewhere(analyst):
    give_totp(analyst, recovery_codes=False)
    for target in EVIL:
        client = Client()
        first = client.post(
            reverse("account_login"),
            {"login": analyst.email, "password": PASSWORD, "next": target},
        )
        assert first["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(analyst)})
        assert_stays_here(response)
        assert client.session.get("_auth_user_id") == str(analyst.pk), target
        cache.clear()  # the same code may not be used twice: allauth remembers it in the cache


def test_logout_goes_home_not_elsewhere(learner):
    for target in EVIL:
        client = Client()
        client.force_login(learner)
        response = client.post(reverse("account_logout"), {"next": target})
        assert_stays_here(response)
        assert "_auth_user_id" not in client.session


def test_reauthentication_goes_home_not_elsewhere(client, learner):
    client.force_login(learner)
    for target in EVIL:
        response = client.post(
            reverse("account_reauthenticate") + "?" + urlencode({"next": target}),
            {"password": PASSWORD, "next": target},
        )
        assert_stays_here(response)


# --- the language switch ------------------------------------------------------------------


def test_the_language_switch_goes_home_not_elsewhere(client):
    for target in EVIL:
        response = client.post(reverse("set_language"), {"language": "en", "next": target})
        assert_stays_here(response)
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_language_switch_keeps_a_local_next(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/courses/"})
    assert response["Location"] == "/courses/"


# --- single sign-on ---------------------------------------------------------------------

CONTINUE = r'<a class="utrecht-button[^"]*" href="([^"]*)"'


def test_the_welcome_page_links_only_to_our_own_pages(client, learner):
    client.force_login(learner)
    for target in EVIL:
        page = client.get(reverse("sso_welcome"), {"next": target}).content.decode()
        links = [unescape(v) for v in re.findall(CONTINUE, page)]
        assert len(links) == 1 and where_it_goes(links[0]) == ("http", HOST), links
        assert "javascript:" not in page


def test_the_welcome_page_keeps_a_local_next(client, learner):
    client.force_login(learner)
    page = client.get(reverse("sso_welcome"), {"next": "/courses/"}).content.decode()
    assert re.findall(CONTINUE, page) == ["/courses/"]


def test_single_sign_on_does_not_remember_a_foreign_next(client, monkeypatch):
    """The provider login keeps ``next`` in its state for after the callback: a foreign one is
    dropped before it is stored (``get_next_redirect_url`` → the adapter's ``is_safe_url``);
    a local one is kept."""
    from django.http import HttpResponseRedirect

    from organisations.sso import views as sso_views

    seen = []

    class _Provider:
        def redirect(self, request, process, next_url=None, data=None, **kwargs):
            seen.append(next_url)
            return HttpResponseRedirect("https://idp.example/authorize")

    class _Adapter:
        def get_provider(self, request, provider_id):
            return _Provider()

    monkeypatch.setattr(sso_views, "get_adapter", lambda request=None: _Adapter())
    url = reverse("sso_login", args=["org-a"])
    for target in EVIL:
        seen.clear()
        response = client.post(url + "?" + urlencode({"next": target}), {"next": target})
        assert response.status_code == 302
        assert seen == [None] or where_it_goes(seen[0]) == ("http", HOST), (target, seen)
    seen.clear()
    client.post(url, {"next": "/courses/"})
    assert seen == ["/courses/"]


# --- our own forms with a ``next`` ------------------------------------------------------------


def test_resending_an_invitation_stays_here(client, trainer, organisation):
    invitation = invitation_create(organisation=organisation, email="p@example.org", actor=trainer)
    client.force_login(trainer)
    url = reverse("organisations:invitation_resend", args=[organisation.slug, invitation.pk])
    for target in EVIL:
        assert_stays_here(client.post(url, {"next": target}))


def test_revoking_an_invitation_stays_here(client, trainer, organisation):
    client.force_login(trainer)
    for index, target in enumerate(EVIL):
        invitation = invitation_create(
            organisation=organisation, email=f"p{index}@example.org", actor=trainer
        )
        url = reverse("organisations:invitation_revoke", args=[organisation.slug, invitation.pk])
        assert_stays_here(client.post(url, {"next": target}))


def test_the_sharing_switch_stays_here(client):
    association = OrganisationFactory(name="Bankenvereniging", kind="bank")
    bank = OrganisationFactory(name="Bank A", kind="bank", parent=association)
    bank.is_legal_entity = True
    bank.save(update_fields=["is_legal_entity"])
    admin = MemberFactory(organisation=bank, role="admin").user
    give_totp(admin, recovery_codes=False)
    client.force_login(admin)
    url = reverse("organisations:sharing", args=[bank.slug])
    for target in EVIL:
        assert_stays_here(client.post(url, {"share": "on", "next": target}))


def test_granting_an_extra_attempt_stays_here(client, trainer, organisation):
    from tests.assessments.conftest import make_quiz
    from tests.courses.factories import make_course
    from tests.factories import EnrolmentFactory

    course = make_course(lessons=1)
    quiz = make_quiz(course=course, questions=1)
    learner = MemberFactory(organisation=organisation, role="learner").user
    EnrolmentFactory(user=learner, course=course, organisation=organisation)
    client.force_login(trainer)
    url = reverse("assessments:extra_attempt", args=[quiz.pk, learner.pk])
    for target in EVIL:
        assert_stays_here(client.post(url, {"next": target}))
    assert Attempt.objects.count() == 0


def test_a_forged_host_header_is_refused():
    """A forged Host header cannot make a foreign ``next`` look local (ALLOWED_HOSTS)."""
    response = Client(HTTP_HOST="evil.example").post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 400

"""Every URL of the site refuses a POST without a CSRF token (403), as a plain form post and as
an htmx request, also for a logged-in person with two factors. The only exemption is the
partner API, which authenticates with a bearer token and never with the session cookie.

The URLs come from the resolver itself (every pattern, with sample values for its
parameters), so a view added later is covered without touching this file.
"""

import re
import uuid

import pytest
from django.http import HttpResponseForbidden
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests.mfa import give_totp

REFUSED_HEADER = "X-Csrf-Refused"
API_PREFIX = "/api/v1/"

SAMPLES = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.uuid4())}


def csrf_refused(request, reason=""):
    """CSRF_FAILURE_VIEW for these tests: marks the 403 as the CSRF check's own."""
    response = HttpResponseForbidden(reason)
    response[REFUSED_HEADER] = "1"
    return response


def _route_sample(route: str) -> str:
    return re.sub(
        r"<(?:(\w+):)?\w+>",
        lambda match: SAMPLES.get(match.group(1) or "str", "1"),
        route,
    )


def _regex_sample(regex: str) -> str:
    """A path matching a simple URL regex: a sample for each character class (as often as its
    quantifier asks), the first alternative of each group."""
    regex = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")

    def char_class(match: re.Match) -> str:
        return "a" * int(match.group(1) or 1)

    def group(match: re.Match) -> str:
        return match.group(2).split("|")[0]

    sample = re.sub(r"\[[^\]]*\](?:\{(\d+)(?:,\d*)?\}|[*+])?", char_class, regex)
    sample = re.sub(r"\((\?P<\w+>)?([^()]*)\)[?*+]?", group, sample)
    sample = sample.replace(r"\.", ".").replace(".*", "x").replace(".+", "x")
    return sample.replace("\\", "")


def every_url(patterns=None, prefix: str = "/") -> list[tuple[str, object]]:
    """(a sample path, the view) of every URL pattern, included ones too."""
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        pattern = entry.pattern
        if hasattr(pattern, "_route"):
            part = _route_sample(str(pattern._route))
        else:
            part = _regex_sample(pattern._regex)
        if isinstance(entry, URLResolver):
            found.extend(every_url(entry.url_patterns, prefix + part))
        elif isinstance(entry, URLPattern):
            found.append((prefix + part, entry.callback))
    return found


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIX)


@pytest.fixture
def urls():
    """Every URL outside the API, each resolving to its own view."""
    checked, missing, shadowed = [], [], []
    for path, view in every_url():
        if is_api(path):
            continue
        try:
            match = resolve(path)
        except Resolver404:
            missing.append(path)
            continue
        if match.func is view or getattr(match.func, "__wrapped__", None) is view:
            checked.append(path)
        else:
            shadowed.append(path)  # an earlier pattern takes this path
    assert len(checked) > 100
    assert missing == []  # every pattern got a sample path that resolves
    # Only a few patterns are replaced on purpose by an earlier one (the login and password
    # pages, allauth's unused social account routes); those paths are covered all the same.
    assert len(shadowed) <= 10, shadowed
    return checked + shadowed


@pytest.fixture
def person(staff_user):
    """Stella, staff with an authenticator app: every page is open to her, the MFA gate too."""
    give_totp(staff_user)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_user)
    return browser


@pytest.fixture(autouse=True)
def marked_refusals(settings):
    settings.CSRF_FAILURE_VIEW = f"{__name__}.csrf_refused"


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_post_without_token_is_refused_everywhere(person, urls, htmx):
    headers = (
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/"} if htmx else {}
    )
    accepted = []
    for path in urls:
        response = person.post(path, {"anything": "1"}, **headers)
        if response.status_code != 403 or response.get(REFUSED_HEADER) != "1":
            accepted.append((path, response.status_code))
    assert accepted == []


@pytest.mark.django_db
def test_a_post_with_a_wrong_token_or_a_foreign_origin_is_refused(person):
    person.get("/accounts/profile/")
    token = person.cookies["csrftoken"].value
    for data, headers in [
        ({"csrfmiddlewaretoken": "x" * 64}, {}),
        ({}, {"HTTP_X_CSRFTOKEN": "y" * 32, "HTTP_HX_REQUEST": "true"}),
        (
            {"csrfmiddlewaretoken": token},
            {"HTTP_ORIGIN": "https://evil.example.com", "secure": True},
        ),
    ]:
        response = person.post("/accounts/profile/", data, **headers)
        assert response.status_code == 403
        assert response[REFUSED_HEADER] == "1"


@pytest.mark.django_db
def test_anonymous_posts_are_refused_too(client, urls):
    anonymous = Client(enforce_csrf_checks=True)
    for path in (
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/language/",
    ):
        assert path in urls
        response = anonymous.post(path, {"login": "someone@example.org", "password": "x"})
        assert (response.status_code, response.get(REFUSED_HEADER)) == (403, "1"), path


@pytest.mark.django_db
def test_only_the_api_is_exempt():
    exempt = {
        path
        for path, view in every_url()
        if getattr(view, "csrf_exempt", False) and not is_api(path)
    }
    assert exempt == set()
    assert any(is_api(path) for path, _ in every_url())


@pytest.mark.django_db
def test_the_api_does_not_accept_the_session_cookie(person, analyst, organisation):
    """The API is exempt from CSRF because a browser's cookie opens nothing there: a
    logged-in session gets 401 on every endpoint, for reading and for posting."""
    give_totp(analyst)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(analyst)
    endpoints = [path for path, _ in every_url() if is_api(path)]
    assert endpoints
    schema = f"{API_PREFIX}openapi.json"  # public by design: the API's description
    assert browser.post(schema).status_code in (403, 405)
    endpoints.remove(schema)
    for client in (person, browser):
        for path in endpoints:
            path = path.replace("/x/", f"/{organisation.slug}/")
            response = client.get(path)
            assert response.status_code in (401, 404), (path, response.status_code)
            if response.status_code == 401:
                assert response["WWW-Authenticate"].startswith("Bearer")
            response = client.post(path, {"anything": "1"})
            assert response.status_code in (401, 403, 404, 405), (path, response.status_code)
    statistics = f"{API_PREFIX}organisations/{organisation.slug}/statistics"
    assert browser.get(statistics).status_code == 401

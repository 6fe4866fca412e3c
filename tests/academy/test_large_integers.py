"""An integer that does not fit the database (a bigint) names nothing: 404 or a form error,
never a 500 (``academy.integers``)."""

import re

import pytest
from django.urls import get_resolver, resolve
from django.urls.resolvers import RoutePattern, URLPattern, URLResolver

from tests import factories
from tests.mfa import give_totp

TOO_LARGE = "99999999999999999999"  # > 2**63 - 1
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def routes_with_an_integer(patterns=None, prefix=""):
    """Every route of the URLconf (``path()`` syntax) with an ``<int:...>`` parameter."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            continue
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes_with_an_integer(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and "<int:" in route:
            yield route


def fill(route: str, slug: str) -> str:
    def value(match):
        return {"int": TOO_LARGE, "slug": slug}.get(match["converter"] or "str", "x")

    return "/" + CONVERTER.sub(value, route)


@pytest.fixture
def superuser(organisation):
    """Platform staff with every permission, admin of an organisation, with two-factor login:
    the person who gets furthest into every view."""
    user = factories.UserFactory(name="Sam Super", is_staff=True, is_superuser=True)
    factories.MemberFactory(user=user, organisation=organisation, role="admin")
    give_totp(user)
    return user


def test_the_crawl_covers_the_integer_routes_of_each_app():
    routes = list(routes_with_an_integer())
    for prefix in ("trainer/", "assessments/", "organisations/"):
        assert any(route.startswith(prefix) for route in routes), prefix


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_integer_route_answers_404_for_an_integer_beyond_the_database(
    client, superuser, organisation, method
):
    client.force_login(superuser)
    client.raise_request_exception = False
    answers = {}
    for route in routes_with_an_integer():
        url = fill(route, organisation.slug)
        answers[url] = getattr(client, method)(url).status_code
    assert answers and {url: code for url, code in answers.items() if code != 404} == {}


@pytest.mark.django_db
def test_the_largest_bigint_still_reaches_the_view(client, superuser):
    client.force_login(superuser)
    assert resolve(f"/assessments/attempts/{2**63 - 1}/").kwargs == {"attempt_id": 2**63 - 1}
    assert client.get(f"/assessments/attempts/{2**63 - 1}/").status_code == 404


@pytest.mark.django_db
def test_the_assign_page_ignores_an_unknown_learner_in_its_query_string(
    client, trainer, organisation
):
    client.force_login(trainer)
    client.raise_request_exception = False

    response = client.get(f"/trainer/organisations/{organisation.pk}/assign/?learners={TOO_LARGE}")

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_assign_form_rejects_an_unknown_learner_next_to_the_field(
    client, trainer, organisation
):
    client.force_login(trainer)
    client.raise_request_exception = False

    response = client.post(
        f"/trainer/organisations/{organisation.pk}/assign/",
        {"learners": TOO_LARGE, "due_date": "2099-01-01"},
    )

    assert response.status_code == 400
    assert "learners" in response.context["form"].errors


@pytest.mark.django_db
def test_an_in_lookup_leaves_out_values_no_id_column_can_hold(learner):
    from accounts.models import User

    assert list(User.objects.filter(pk__in=[TOO_LARGE, learner.pk])) == [learner]
    assert not User.objects.filter(pk__in=[TOO_LARGE]).exists()
    assert not User.objects.filter(pk__in=[-int(TOO_LARGE)]).exists()

"""Error pages (400, 403, 404, 500) in the platform's look and the visitor's language, with DEBUG
off as in production. The 500 page renders without the request's context processors."""

import pytest
from django.conf import settings as django_settings

from tests import factories

SKIP_LINK_NL = "Direct naar de hoofdinhoud"  # the Dutch of "Skip to main content"


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False
    settings.LOCALE_PATHS = [django_settings.BASE_DIR / "locale"]  # real Dutch texts


@pytest.fixture
def anyone(client):
    client.raise_request_exception = False
    return client


def assert_styled(response, *, status: int, heading: str, language: str):
    html = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}"' in html
    assert 'class="academy-skip-link" href="#main"' in html and 'id="main"' in html
    assert 'class="academy-header"' in html and 'class="academy-footer"' in html
    assert "academy/academy.css" in html
    if language == "nl":
        assert SKIP_LINK_NL in html
    else:  # (the Dutch of new texts is filled in later)
        assert "Skip to main content" in html
        assert f'<h1 class="utrecht-heading-1">{heading}</h1>' in html


def in_english(user):
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_unknown_page_is_a_styled_404_in_the_browser_language(anyone, language):
    response = anyone.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert_styled(response, status=404, heading="Page not found", language=language)


@pytest.mark.django_db
def test_the_language_cookie_wins_over_the_browser(anyone, settings):
    anyone.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = anyone.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="nl")
    assert_styled(response, status=404, heading="Page not found", language="en")


@pytest.mark.django_db
def test_an_object_of_others_is_a_styled_404(anyone, trainer, other_organisation):
    group = factories.GroupFactory(organisation=other_organisation)
    in_english(trainer)
    anyone.force_login(trainer)
    response = anyone.get(f"/trainer/groups/{group.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert_styled(response, status=404, heading="Page not found", language="en")
    assert "Go to your start page" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_logged_in_person_without_staff_status_gets_a_styled_403_from_the_admin(
    anyone, learner, language
):
    learner.preferred_language = language  # a profile's language comes first
    learner.save(update_fields=["preferred_language"])
    anyone.force_login(learner)
    response = anyone.get("/admin/", HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert_styled(response, status=403, heading="No access", language=language)
    assert "Log in" not in response.content.decode()  # no admin login form, no login loop


@pytest.mark.django_db
def test_a_bad_request_is_a_styled_400(anyone):
    response = anyone.get("/", HTTP_HOST="evil.example.com", HTTP_ACCEPT_LANGUAGE="en")
    assert_styled(response, status=400, heading="Bad request", language="en")


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_a_styled_403(learner):
    from django.test import Client

    in_english(learner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post("/language/", {"language": "en"})
    assert_styled(response, status=403, heading="The form has expired", language="en")


@pytest.mark.django_db
@pytest.mark.urls("tests.academy.error_urls")
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_server_error_is_a_styled_500_in_the_visitors_language(anyone, language):
    response = anyone.get("/fail/", HTTP_ACCEPT_LANGUAGE=language)
    assert_styled(response, status=500, heading="Something went wrong", language=language)


@pytest.mark.django_db
@pytest.mark.urls("tests.academy.error_urls")
def test_the_500_page_needs_no_context_processor_and_no_database(anyone, monkeypatch):
    def broken(request):
        raise RuntimeError("the navigation fails too")

    monkeypatch.setattr("academy.context_processors.navigation", broken)
    from django.db.backends.utils import CursorWrapper

    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page queried the database")

    monkeypatch.setattr(CursorWrapper, "execute", no_database)
    response = anyone.get("/fail/", HTTP_ACCEPT_LANGUAGE="en")
    assert_styled(response, status=500, heading="Something went wrong", language="en")

"""The start page by role, with fallbacks while other apps' pages do not exist yet."""

import pytest
from django.urls import NoReverseMatch, reverse

from academy import start
from academy.start import start_url_for
from tests.factories import PASSWORD


@pytest.fixture
def urls(monkeypatch):
    """Pretend that exactly the given URL names exist."""
    existing: set[str] = set()

    def fake_reverse(name, *args, **kwargs):
        if name in existing:
            return f"/{name.replace(':', '/')}/"
        raise NoReverseMatch(name)

    monkeypatch.setattr(start, "reverse", fake_reverse)
    return existing


ALL_PAGES = {
    "home",
    "accounts:profile",
    "courses:catalogue",
    "courses:my_learning",
    "trainer:home",
    "organisations:overview",
}


@pytest.mark.django_db
def test_it_sends_learners_to_my_learning(urls, learner):
    urls.update(ALL_PAGES)
    assert start_url_for(learner) == "/courses/my_learning/"


@pytest.mark.django_db
def test_it_sends_trainers_to_the_trainer_home(urls, trainer):
    urls.update(ALL_PAGES)
    assert start_url_for(trainer) == "/trainer/home/"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["analyst", "org_admin", "coordinator", "staff_user"])
def test_it_sends_organisation_roles_to_the_overview(request, urls, who):
    urls.update(ALL_PAGES)
    assert start_url_for(request.getfixturevalue(who)) == "/organisations/overview/"


@pytest.mark.django_db
def test_it_falls_back_while_pages_do_not_exist(urls, learner, trainer, analyst):
    urls.update({"home", "accounts:profile", "courses:catalogue"})
    assert start_url_for(learner) == "/courses/catalogue/"
    assert start_url_for(trainer) == "/courses/catalogue/"
    assert start_url_for(analyst) == "/accounts/profile/"
    urls.add("courses:my_learning")
    assert start_url_for(trainer) == "/courses/my_learning/"


@pytest.mark.django_db
def test_it_sends_people_to_their_start_page_after_login(client, trainer):
    response = client.post(
        reverse("account_login"), {"login": trainer.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == start_url_for(trainer)  # through /start/


@pytest.mark.django_db
def test_it_redirects_from_the_start_url(client, learner):
    client.force_login(learner)
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response["Location"] == start_url_for(learner)
    assert client.get(response["Location"]).status_code == 200

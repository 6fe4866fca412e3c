"""The start page by role."""

import pytest
from django.urls import reverse

from academy.start import start_url_for
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_it_sends_learners_to_my_learning(learner):
    assert start_url_for(learner) == reverse("courses:my_learning")


@pytest.mark.django_db
def test_it_sends_trainers_to_the_trainer_home(trainer):
    assert start_url_for(trainer) == reverse("trainer:home")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["analyst", "org_admin", "coordinator", "staff_user"])
def test_it_sends_organisation_roles_to_the_dashboard(request, who):
    assert start_url_for(request.getfixturevalue(who)) == reverse("reporting:home")


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

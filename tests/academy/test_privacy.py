"""The privacy statement and the short notice at sign-up and at invitation acceptance."""

import pytest
from django.urls import reverse

from organisations.services import invitation_create
from tests import factories
from tests.accounts.helpers import check_markup

pytestmark = pytest.mark.django_db

NOTICE = "Who sees your data"
NOTICE_FACTS = [
    "They never see how many minutes you studied or your answers.",
    "see only numbers about groups of people, never your name.",
    "group averages of at least ten people",
    "your organisation (the controller)",
    "the platform operator processing the data on its behalf (the processor)",
    "for courses you take on your own initiative, the platform operator",
    "not legal advice",
]


def test_the_privacy_page_is_public_and_in_the_platform_s_layout(client, settings):
    settings.RETENTION_FAILED_LOGIN_DAYS = 45
    response = client.get("/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert check_markup(html) == []
    assert 'class="academy-header"' in html and 'class="academy-footer"' in html
    assert "Who is responsible" in html and "the controller" in html and "processor" in html
    assert "not legal advice" in html
    assert "never see how many minutes you studied or your answers" in html
    assert "only numbers about groups of people, never your name" in html
    assert "group averages of at least 10 people" in html
    assert "45 days" in html and "90 days" in html and "30 days" in html


def test_the_privacy_page_links_to_the_rights_for_a_signed_in_person(client, learner):
    client.force_login(learner)
    html = client.get("/privacy/").content.decode()
    assert reverse("accounts:personal_data") in html and reverse("accounts:delete") in html


def test_the_sign_up_page_shows_the_notice(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert NOTICE in html
    for fact in NOTICE_FACTS:
        assert fact in html, fact
    assert f'href="{reverse("privacy")}"' in html
    assert check_markup(html) == []


def test_the_invitation_page_shows_the_notice_before_and_after_login(
    client, org_admin, organisation
):
    invitation = invitation_create(
        organisation=organisation, email="nina@example.org", actor=org_admin
    )
    url = reverse("organisations:invitation_accept", args=[invitation.token])
    html = client.get(url).content.decode()
    assert NOTICE in html and all(fact in html for fact in NOTICE_FACTS)
    assert check_markup(html) == []
    client.force_login(factories.UserFactory(email="nina@example.org"))
    html = client.get(url).content.decode()
    assert NOTICE in html and "Accept and join" in html

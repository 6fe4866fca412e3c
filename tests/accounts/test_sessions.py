"""The sessions page: one's own sessions, and "log out everywhere else"."""

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from tests.accounts.helpers import check_markup, nl

URL = "/accounts/sessions/"


@pytest.fixture
def devices(learner):
    """Lotte logged in on a laptop and on a phone."""
    laptop, phone = Client(HTTP_USER_AGENT="Laptop browser"), Client(HTTP_USER_AGENT="Phone app")
    for device in (laptop, phone):
        device.force_login(learner)
        device.get(reverse("accounts:profile"))
    return laptop, phone


@pytest.mark.django_db
def test_it_lists_only_ones_own_sessions(devices, outsider):
    laptop, _ = devices
    other = Client(HTTP_USER_AGENT="Someone else's browser")
    other.force_login(outsider)
    other.get(reverse("accounts:profile"))
    response = laptop.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert check_markup(html) == []
    assert "Laptop browser" in html and "Phone app" in html
    assert "Someone else" not in html
    assert nl("Log out everywhere else") in html
    assert nl("Last active") in html


@pytest.mark.django_db
def test_it_logs_out_everywhere_else(devices, learner):
    laptop, phone = devices
    response = laptop.post(URL)
    assert response.status_code == 302
    assert phone.get(reverse("accounts:profile")).status_code == 302  # to the login page
    assert laptop.get(reverse("accounts:profile")).status_code == 200
    assert UserSession.objects.filter(user=learner).count() == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSIONS_ENDED)
    assert event.subject_user == learner and event.data == {"count": 1}


@pytest.mark.django_db
def test_it_sends_visitors_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

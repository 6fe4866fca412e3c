"""The profile page: name, language, profession, registration numbers."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from tests.accounts.helpers import check_markup, nl, reauthenticate

URL = "/accounts/profile/"


def _data(user, **changes):
    data = {
        "name": user.name,
        "preferred_language": user.preferred_language,
        "profession": user.profession,
        "big_number": user.big_number,
        "vvn_number": user.vvn_number,
        "other_register_name": user.other_register_name,
        "other_register_number": user.other_register_number,
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_it_shows_the_profile_with_links_to_everything_about_the_account(client, learner):
    client.force_login(learner)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert check_markup(html) == []
    assert learner.email in html
    for name in (
        "account_change_password",
        "account_email",
        "mfa_index",
        "usersessions_list",
        "accounts:personal_data",
        "accounts:delete",
    ):
        assert f'href="{reverse(name)}"' in html, name


@pytest.mark.django_db
def test_it_sends_visitors_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_it_saves_name_language_and_profession(client, learner):
    client.force_login(learner)
    response = client.post(
        URL,
        _data(learner, name="  Lotte   de Vries ", preferred_language="en", profession="police"),
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.name == "Lotte de Vries"
    assert learner.preferred_language == "en"
    assert learner.profession == "police"


@pytest.mark.django_db
def test_it_rejects_an_empty_name_and_saves_nothing(client, learner):
    client.force_login(learner)
    response = client.post(URL, _data(learner, name="   ", profession="police"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_name_error"' in html
    learner.refresh_from_db()
    assert learner.name == "Lotte Learner"
    assert learner.profession == ""


@pytest.mark.django_db
def test_it_rejects_an_unknown_language(client, learner):
    client.force_login(learner)
    response = client.post(URL, _data(learner, preferred_language="de"))
    assert response.status_code == 200
    assert 'id="id_preferred_language_error"' in response.content.decode()
    learner.refresh_from_db()
    assert learner.preferred_language == "nl"


@pytest.mark.django_db
def test_it_asks_for_the_password_before_changing_a_registration_number(client, learner):
    client.force_login(learner)
    response = client.post(URL, _data(learner, big_number="12345678901"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    learner.refresh_from_db()
    assert learner.big_number == ""


@pytest.mark.django_db
def test_it_saves_the_registration_number_once_the_password_is_confirmed(client, learner, password):
    client.force_login(learner)
    client.post(URL, _data(learner, big_number="1234 5678 901"))
    # allauth keeps the submitted form and replays it after "Confirm access".
    response = client.post(
        reverse("account_reauthenticate") + f"?next={URL}", {"password": password}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.big_number == "12345678901"
    event = AuditEvent.objects.get(action=AuditEvent.Action.REGISTRATION_CHANGED)
    assert event.subject_user == learner
    assert event.data == {"fields": ["big_number"]}
    assert "12345678901" not in str(event.data)


@pytest.mark.django_db
def test_it_saves_registration_numbers_after_a_recent_reauthentication(client, learner):
    client.force_login(learner)
    reauthenticate(client)
    response = client.post(
        URL,
        _data(
            learner,
            vvn_number="12345678",
            other_register_name="SKJ",
            other_register_number="110012345",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    learner.refresh_from_db()
    assert (learner.vvn_number, learner.other_register_name, learner.other_register_number) == (
        "12345678",
        "SKJ",
        "110012345",
    )


@pytest.mark.django_db
def test_it_needs_no_password_for_other_changes(client, learner):
    learner.big_number = "12345678901"
    learner.save(update_fields=["big_number"])
    client.force_login(learner)
    response = client.post(URL, _data(learner, name="Lotte Nieuw"))
    assert response.status_code == 302
    assert response["Location"] == URL
    learner.refresh_from_db()
    assert learner.name == "Lotte Nieuw"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REGISTRATION_CHANGED).exists()


@pytest.mark.django_db
def test_it_shows_invalid_registration_numbers_next_to_their_fields(client, learner):
    client.force_login(learner)
    reauthenticate(client)
    response = client.post(
        URL,
        _data(learner, big_number="12345", vvn_number="abc", other_register_name="SKJ"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert check_markup(html) == []
    assert 'id="id_big_number_error"' in html
    assert nl("A BIG registration number has exactly 11 digits.") in html
    assert 'id="id_vvn_number_error"' in html
    assert 'id="id_other_register_number_error"' in html
    learner.refresh_from_db()
    assert (learner.big_number, learner.vvn_number, learner.other_register_name) == ("", "", "")


@pytest.mark.django_db
def test_it_shows_whether_two_factor_authentication_is_required(client, analyst):
    client.force_login(analyst)
    html = client.get(URL).content.decode()
    assert nl("Off – required for your role") in html

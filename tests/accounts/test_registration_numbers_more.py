"""The SKJ and Registerplein numbers and the date of birth on the profile: validated like the
BIG and V&VN numbers, saved after the password is confirmed, audited without the values."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from accounts.forms import ProfileForm
from accounts.models import AuditEvent
from tests import factories
from tests.accounts.helpers import check_markup, reauthenticate

URL = "/accounts/profile/"
TODAY = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def _data(user, **changes):
    data = {
        "name": user.name or "Rita Register",
        "preferred_language": user.preferred_language,
        "profession": user.profession,
        "big_number": user.big_number,
        "vvn_number": user.vvn_number,
        "skj_number": user.skj_number,
        "registerplein_number": user.registerplein_number,
        "other_register_name": user.other_register_name,
        "other_register_number": user.other_register_number,
        "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else "",
    }
    data.update(changes)
    return data


@pytest.fixture(autouse=True)
def _english():
    """The messages below are compared in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def user(db):
    return factories.UserFactory()


@pytest.mark.parametrize("value", ["123456", "110012345", "110 012 345", "11.00.12.345"])
def test_it_accepts_an_skj_number_of_six_to_nine_digits(user, value):
    form = ProfileForm(_data(user, skj_number=value), instance=user)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["skj_number"] == value.replace(" ", "").replace(".", "")


@pytest.mark.parametrize("value", ["12345", "1234567890", "SKJ123456"])
def test_it_rejects_other_skj_numbers(user, value):
    form = ProfileForm(_data(user, skj_number=value), instance=user)
    assert form.errors == {"skj_number": ["An SKJ registration number has 6 to 9 digits."]}


@pytest.mark.parametrize("value", ["12345", "123456789", "12-345-6"])
def test_it_accepts_a_registerplein_number_of_five_to_nine_digits(user, value):
    form = ProfileForm(_data(user, registerplein_number=value), instance=user)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("value", ["1234", "1234567890", "RP-12345"])
def test_it_rejects_other_registerplein_numbers(user, value):
    form = ProfileForm(_data(user, registerplein_number=value), instance=user)
    assert form.errors == {"registerplein_number": ["A Registerplein number has 5 to 9 digits."]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-12-01", "A date of birth lies in the past."),
        ("2031-01-01", "A date of birth lies in the past."),
        ("1899-12-31", "Enter a date of birth after 1 January 1900."),
        ("31-02-1980", "Enter a valid date."),
    ],
)
def test_it_rejects_a_date_of_birth_that_cannot_be(user, value, message):
    with time_machine.travel(TODAY, tick=False):
        form = ProfileForm(_data(user, date_of_birth=value), instance=user)
        assert form.errors == {"date_of_birth": [message]}


@pytest.mark.parametrize("value", ["1984-05-17", "17-05-1984", ""])
def test_the_date_of_birth_is_optional_and_typed_as_a_date(user, value):
    with time_machine.travel(TODAY, tick=False):
        form = ProfileForm(_data(user, date_of_birth=value), instance=user)
        assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == (dt.date(1984, 5, 17) if value else None)


def test_the_new_fields_count_as_registration_changes(user):
    user.skj_number = "123456"
    form = ProfileForm(
        _data(user, registerplein_number="54321", date_of_birth="1984-05-17"), instance=user
    )
    assert form.is_valid(), form.errors
    assert form.registration_changes() == {
        "registerplein_number": "54321",
        "date_of_birth": dt.date(1984, 5, 17),
    }


@pytest.mark.django_db
def test_the_profile_page_shows_the_new_fields_with_labels(client, learner):
    client.force_login(learner)
    html = client.get(URL).content.decode()
    assert check_markup(html) == []
    for name in ("skj_number", "registerplein_number"):
        assert f'name="{name}"' in html
    assert 'type="date" name="date_of_birth"' in html


@pytest.mark.django_db
def test_the_profile_saves_them_after_the_password_is_confirmed_and_audits_the_fields(
    client, learner
):
    client.force_login(learner)
    first = client.post(URL, _data(learner, skj_number="110012345"))
    assert first["Location"].startswith("/accounts/reauthenticate/")
    learner.refresh_from_db()
    assert learner.skj_number == ""
    reauthenticate(client)
    response = client.post(
        URL,
        _data(
            learner,
            skj_number="110 012 345",
            registerplein_number="54321",
            date_of_birth="1984-05-17",
        ),
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.skj_number, learner.registerplein_number, learner.date_of_birth) == (
        "110012345",
        "54321",
        dt.date(1984, 5, 17),
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.REGISTRATION_CHANGED)
    assert event.data == {"fields": ["date_of_birth", "registerplein_number", "skj_number"]}
    assert "110012345" not in event.summary + str(event.data)


@pytest.mark.django_db
def test_invalid_values_are_shown_next_to_their_fields_and_nothing_is_saved(client, learner):
    client.force_login(learner)
    reauthenticate(client)
    response = client.post(
        URL, _data(learner, skj_number="12", registerplein_number="x", date_of_birth="1850-01-01")
    )
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("skj_number", "registerplein_number", "date_of_birth"):
        assert f'id="id_{name}_error"' in html
    learner.refresh_from_db()
    assert (learner.skj_number, learner.registerplein_number, learner.date_of_birth) == (
        "",
        "",
        None,
    )

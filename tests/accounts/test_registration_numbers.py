"""Validation of the registration numbers on the profile form."""

import pytest
from django.utils import translation

from accounts.forms import ProfileForm
from tests import factories


def _form(user, **fields):
    data = {
        "name": "Rita Register",
        "preferred_language": "nl",
        "profession": "healthcare",
        "big_number": "",
        "vvn_number": "",
        "other_register_name": "",
        "other_register_number": "",
        **fields,
    }
    return ProfileForm(data, instance=user)


@pytest.fixture(autouse=True)
def _english():
    """The messages below are compared in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def user(db):
    return factories.UserFactory()


@pytest.mark.parametrize(
    "value", ["12345678901", "1234 5678 901", "123.456.789.01", "1234-5678901"]
)
def test_it_accepts_a_big_number_of_eleven_digits_with_separators(user, value):
    form = _form(user, big_number=value)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["big_number"] == "12345678901"


@pytest.mark.parametrize("value", ["1234567890", "123456789012", "1234567890a", "BIG12345678"])
def test_it_rejects_a_big_number_that_is_not_eleven_digits(user, value):
    form = _form(user, big_number=value)
    assert not form.is_valid()
    assert form.errors["big_number"] == ["A BIG registration number has exactly 11 digits."]


@pytest.mark.parametrize("value", ["123456", "12345678", "123 456 789"])
def test_it_accepts_a_vvn_number_of_six_to_nine_digits(user, value):
    form = _form(user, vvn_number=value)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("value", ["12345", "1234567890", "V&VN-1234"])
def test_it_rejects_other_vvn_numbers(user, value):
    form = _form(user, vvn_number=value)
    assert not form.is_valid()
    assert list(form.errors) == ["vvn_number"]


def test_it_wants_the_number_when_another_register_is_named(user):
    form = _form(user, other_register_name="SKJ")
    assert not form.is_valid()
    assert list(form.errors) == ["other_register_number"]


def test_it_wants_the_register_name_when_a_number_is_given(user):
    form = _form(user, other_register_number="110012345")
    assert not form.is_valid()
    assert list(form.errors) == ["other_register_name"]


def test_it_accepts_both_or_neither_for_the_other_register(user):
    assert _form(user).is_valid()
    assert _form(user, other_register_name="SKJ", other_register_number="110012345").is_valid()


def test_it_rejects_an_other_register_number_with_odd_characters(user):
    form = _form(user, other_register_name="SKJ", other_register_number="11 00 12")
    assert not form.is_valid()
    assert list(form.errors) == ["other_register_number"]


def test_it_reports_which_registration_numbers_change(user):
    user.vvn_number = "123456"
    form = _form(user, vvn_number="123456", big_number="12345678901")
    assert form.is_valid()
    assert form.registration_changes() == {"big_number": "12345678901"}

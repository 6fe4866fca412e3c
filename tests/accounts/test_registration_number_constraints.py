"""Registration numbers hold ASCII digits only, in the form, in the model (the admin's full_clean)
and in the database: other scripts' digits look like digits to \\d but not to a register."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts.models import User
from tests import factories
from tests.accounts.test_registration_numbers import _form

ARABIC_INDIC_ELEVEN = "١٢٣٤٥٦٧٨٩٠١"
FULL_WIDTH_SEVEN = "１２３４５６７"

NOT_ASCII = [
    ("big_number", ARABIC_INDIC_ELEVEN),
    ("vvn_number", FULL_WIDTH_SEVEN),
    ("skj_number", FULL_WIDTH_SEVEN),
    ("registerplein_number", "٥٦٧٨٩٠"),
]


@pytest.fixture
def user(db):
    return factories.UserFactory()


@pytest.mark.parametrize(("field", "value"), NOT_ASCII)
def test_the_profile_form_refuses_digits_of_other_scripts(user, field, value):
    with translation.override("en"):
        form = _form(user, **{field: value})
        assert not form.is_valid()
    assert list(form.errors) == [field]


@pytest.mark.parametrize(("field", "value"), NOT_ASCII)
def test_the_model_refuses_them_too(user, field, value):
    setattr(user, field, value)
    with pytest.raises(ValidationError) as raised:
        user.full_clean()
    assert list(raised.value.message_dict) == [field]


@pytest.mark.parametrize(
    ("field", "value"),
    [*NOT_ASCII, ("big_number", "1234"), ("other_register_number", "-12"), ("vvn_number", " ")],
)
def test_the_database_refuses_a_number_of_the_wrong_form(user, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(**{field: value})
    user.refresh_from_db()
    assert getattr(user, field) == ""


def test_the_database_takes_empty_and_well_formed_numbers(user):
    well_formed = {
        "big_number": "12345678901",
        "vvn_number": "123456",
        "skj_number": "123456789",
        "registerplein_number": "12345",
        "other_register_number": "NIP-2024/17.3",
    }
    User.objects.filter(pk=user.pk).update(**well_formed)
    user.refresh_from_db()
    assert {field: getattr(user, field) for field in well_formed} == well_formed

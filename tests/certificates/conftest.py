"""Personas of the certificates tests: the accreditation administrator and a superuser."""

import pytest
from django.contrib.auth.models import Group

from organisations.permissions import ACCREDITATION_ADMIN_GROUP
from tests.factories import UserFactory
from tests.mfa import give_totp


def make_accreditation_admin(*, staff=False, totp=True):
    user = UserFactory(name="Aafke Accreditatie", is_staff=staff)
    user.groups.add(Group.objects.get(name=ACCREDITATION_ADMIN_GROUP))
    if totp:
        give_totp(user)
    return user


@pytest.fixture
def accreditation_admin(db):
    """Aafke, accreditation administrator: the group (no staff status), with an authenticator."""
    return make_accreditation_admin()


@pytest.fixture
def superuser(db):
    user = UserFactory(is_staff=True, is_superuser=True)
    give_totp(user)
    return user


@pytest.fixture
def admin_client(client, accreditation_admin):
    client.force_login(accreditation_admin)
    return client

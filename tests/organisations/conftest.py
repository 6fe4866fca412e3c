"""Fixtures of the organisations tests: a small tree, logins with MFA, helpers for CSV uploads."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group as DjangoGroup

from organisations.models import Membership
from tests import factories

TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def with_totp(user):
    """Give the person an authenticator app, as the MFA gate (accounts.mfa) requires for staff
    roles on /organisations/."""
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": TOTP_SECRET}}
    )
    return user


@pytest.fixture
def login(client):
    """``login(user)``: log the person in (with an authenticator app) and return the client."""

    def _login(user):
        with_totp(user)
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def coordinator(db):
    user = factories.UserFactory(name="Cora Coordinator")
    group, _ = DjangoGroup.objects.get_or_create(name="coordinator")
    user.groups.add(group)
    return user


@pytest.fixture
def staff_user(db):
    return factories.UserFactory(name="Stef Staff", is_staff=True)


@pytest.fixture
def sub_organisation(organisation):
    """A unit below the police academy."""
    return factories.OrganisationFactory(name="Eenheid Noord", kind="police", parent=organisation)


@pytest.fixture
def group(organisation):
    return factories.GroupFactory(organisation=organisation, name="Klas 2025-A")


def member(organisation, role="learner", **user_fields):
    """A new person with a membership in the organisation; returns the user."""
    user = factories.UserFactory(**user_fields)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user

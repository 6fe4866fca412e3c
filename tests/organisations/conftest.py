"""Fixtures of the organisations tests: a small tree, logins with MFA, helpers for CSV uploads."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group as DjangoGroup
from django.urls import reverse

from organisations.models import Membership
from tests import factories
from tests.mfa import give_totp

TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def with_totp(user):
    """Give the person an authenticator app, as the MFA gate (academy.mfa) requires for
    analysts, admins, coordinators and staff on /organisations/."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        give_totp(user, secret=TOTP_SECRET, recovery_codes=False)
    return user


@pytest.fixture
def login(client):
    """``login(user)``: log the person in (with an authenticator app) and return the client."""

    def _login(user):
        with_totp(user)
        client.force_login(user)
        # One request first, so that per-session bookkeeping (allauth's user sessions, the
        # session itself) is done before a test counts the queries of a page.
        client.get(reverse("home"))
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

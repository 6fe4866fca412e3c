"""Fixtures of the accounts tests (the personas come from tests/conftest.py)."""

import pytest
from django.contrib.auth.models import Group as PlatformRole

from tests import factories


@pytest.fixture
def staff_user(db):
    """Stella, platform staff."""
    return factories.UserFactory(name="Stella Staff", is_staff=True)


@pytest.fixture
def coordinator(db):
    """Carla, the ministry's coordinator (platform role, no organisation membership)."""
    user = factories.UserFactory(name="Carla Coordinator")
    user.groups.add(PlatformRole.objects.get_or_create(name="coordinator")[0])
    return user


@pytest.fixture
def content_author(db):
    """Cees, a content author (platform role)."""
    user = factories.UserFactory(name="Cees Author")
    user.groups.add(PlatformRole.objects.get_or_create(name="content author")[0])
    return user


@pytest.fixture
def outsider_admin(other_organisation):
    """Otto, administrator of an unrelated organisation."""
    return factories.MemberFactory(
        organisation=other_organisation, role="admin", user__name="Otto Other-Admin"
    ).user

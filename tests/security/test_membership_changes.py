"""A removed membership or a lowered role counts from the very next request.

A person who is logged in, and just opened a page their role gives them, loses it on the next
request once an administrator lowers their role to learner or removes them: the dashboard, the
trainer pages, the organisation's pages and the API token page answer 404 (or 403). Nothing
about the role survives in the session, on a cached user object or in the cache (run with
REDIS_URL set, the cache is Redis; see tests/conftest.py).
"""

import datetime as dt
import os

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from courses.services.assignments import assignment_create
from organisations import services
from organisations.models import Membership
from tests import factories
from tests.mfa import give_totp


@pytest.fixture
def setting(organisation, org_admin):
    """A group with a member and an assignment, an analyst's dashboard to see, the acting
    administrator (with an authenticator app)."""
    give_totp(org_admin)
    group = services.group_create(organisation=organisation, name="Team Oost", actor=org_admin)
    member = factories.MemberFactory(organisation=organisation, role="learner").user
    services.group_add_member(group=group, user=member, actor=org_admin)
    course = factories.CourseFactory()
    factories.EnrolmentFactory(user=member, course=course, organisation=organisation)
    assignment = assignment_create(
        organisation=organisation,
        course=course,
        assigned_by=org_admin,
        due_date=timezone.localdate() + dt.timedelta(days=10),
        group=group,
    )
    return {"group": group, "member": member, "assignment": assignment}


def _pages(role, organisation, setting):
    """The pages the role opens (URL → expected status while the role holds)."""
    slug = organisation.slug
    trainer = [
        reverse("trainer:home"),
        reverse("trainer:group", args=[setting["group"].pk]),
        reverse("trainer:group_learner", args=[setting["group"].pk, setting["member"].pk]),
        reverse("trainer:assignment_export", args=[setting["assignment"].pk]),
        reverse("trainer:classroom"),
        reverse("trainer:assign", args=[organisation.pk]),
        reverse("organisations:groups", args=[slug]),
        reverse("organisations:group_detail", args=[slug, setting["group"].pk]),
        reverse("organisations:detail", args=[slug]),
    ]
    dashboard = [
        reverse("reporting:dashboard", args=[slug]),
        reverse("reporting:export_csv", args=[slug, "figures"]),
        reverse("organisations:detail", args=[slug]),
        reverse("organisations:overview"),
    ]
    admin = [
        *trainer,
        *dashboard,
        reverse("organisations:audit", args=[slug]),
        reverse("organisations:invitations", args=[slug]),
        reverse("reporting:api_tokens", args=[slug]),
        reverse("audit_log"),
    ]
    return {"trainer": trainer, "analyst": dashboard, "admin": admin}[role]


def _person(organisation, role):
    membership = factories.MemberFactory(
        organisation=organisation, role=role, user__name=f"Wisselende {role}"
    )
    if role in ("analyst", "admin"):
        give_totp(membership.user)
    return membership


def _open_everything(client, pages):
    for url in pages:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code)


def _closed_everywhere(client, pages):
    for url in pages:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert response.status_code in (403, 404), (url, response.status_code)


CHANGES = [
    ("admin", "learner"),
    ("analyst", "learner"),
    ("trainer", "learner"),
    ("admin", None),
    ("analyst", None),
    ("trainer", None),
]


@pytest.mark.parametrize(("role", "lowered_to"), CHANGES)
def test_role_change_counts_from_the_next_request(
    client, organisation, org_admin, setting, role, lowered_to
):
    """Lowered to learner (``lowered_to``) or removed (None): the next request is refused."""
    membership = _person(organisation, role)
    pages = _pages(role, organisation, setting)
    client.force_login(membership.user)
    _open_everything(client, pages)

    if lowered_to:
        services.membership_set_role(membership=membership, role=lowered_to, actor=org_admin)
        assert Membership.objects.get(pk=membership.pk).role == lowered_to
    else:
        services.membership_remove(membership=membership, actor=org_admin)
        assert not Membership.objects.filter(pk=membership.pk).exists()

    _closed_everywhere(client, pages)
    if os.environ.get("REDIS_URL"):  # the shared cache was in play
        assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    # still logged in, as a learner: their own pages open
    assert client.get(reverse("courses:my_learning")).status_code == 200


def test_role_change_through_the_page_counts_at_once(client, organisation, org_admin, setting):
    """The administrator lowers a trainer through the member page while the trainer's session
    keeps going: the trainer's very next request is refused."""
    from django.test import Client

    membership = _person(organisation, "trainer")
    pages = _pages("trainer", organisation, setting)
    client.force_login(membership.user)
    _open_everything(client, pages)

    admin_client = Client()
    admin_client.force_login(org_admin)
    response = admin_client.post(
        reverse("organisations:member_role", args=[organisation.slug, membership.pk]),
        {"role": "learner"},
    )
    assert response.status_code == 302
    _closed_everywhere(client, pages)


def test_lowered_admin_cannot_use_a_form_opened_before(client, organisation, org_admin, setting):
    """A form loaded while still administrator (new API token, new group, invitation) is
    refused when sent after the role was lowered, and nothing is created."""
    membership = _person(organisation, "admin")
    client.force_login(membership.user)
    slug = organisation.slug
    assert client.get(reverse("reporting:api_tokens", args=[slug])).status_code == 200
    services.membership_set_role(membership=membership, role="learner", actor=org_admin)

    token = client.post(reverse("reporting:api_tokens", args=[slug]), {"name": "Na de wissel"})
    group = client.post(reverse("organisations:groups", args=[slug]), {"name": "Na de wissel"})
    invite = client.post(
        reverse("organisations:invitation_new", args=[slug]),
        {"email": "nieuw@example.org", "role": "admin"},
    )
    assert {token.status_code, group.status_code, invite.status_code} <= {403, 404}
    assert not organisation.api_tokens.exists()
    assert not organisation.groups.filter(name="Na de wissel").exists()
    assert not organisation.invitations.exists()

"""An organisation's administrator in the browser: overview, members (htmx search and inline role
change), a group, one invitation, a CSV upload with its result, and the accept page; every page
passes axe-core (WCAG 2.1 AA). Uses the shared fixtures of tests/e2e/conftest.py."""

import re

import pytest

from organisations.models import Invitation, Membership
from tests.factories import GroupFactory, MemberFactory, OrganisationFactory
from tests.mfa import give_totp

pytestmark = pytest.mark.e2e


@pytest.fixture
def police(db):
    organisation = OrganisationFactory(name="Politieacademie", kind="police")
    OrganisationFactory(name="Eenheid Noord", kind="police", parent=organisation)
    GroupFactory(organisation=organisation, name="Klas 2025-A")
    MemberFactory(organisation=organisation, role="learner", user__name="Lotte Learner")
    MemberFactory(organisation=organisation, role="learner", user__name="Bram Bakker")
    return organisation


@pytest.fixture
def admin(police):
    user = MemberFactory(
        organisation=police, role="admin", user__name="Adam Admin", user__preferred_language="en"
    ).user
    give_totp(user, recovery_codes=False)
    return user


def test_an_admin_manages_members_groups_and_invitations(
    page, log_in, axe_check, police, admin, tmp_path
):
    log_in(admin)

    page.goto("/organisations/")
    page.get_by_role("heading", level=1, name="Organisations").wait_for()
    axe_check(page)
    page.get_by_role("link", name="Members of Politieacademie").click()

    page.get_by_role("heading", level=1, name="Politieacademie").wait_for()
    axe_check(page)
    page.get_by_label("Search by name or e-mail").fill("Bakker")
    page.get_by_role("status").filter(has_text="1 member").wait_for()
    assert page.get_by_role("row", name=re.compile("Lotte Learner")).count() == 0
    page.get_by_label("Role of Bram Bakker").select_option("trainer")
    page.get_by_role("button", name="Save role of Bram Bakker").click()
    page.get_by_text("Saved").wait_for()
    assert Membership.objects.get(user__name="Bram Bakker").role == "trainer"
    axe_check(page)

    page.get_by_role("link", name="Groups", exact=True).click()
    page.get_by_role("heading", level=1, name="Groups").wait_for()
    axe_check(page)
    page.get_by_role("link", name="Klas 2025-A").click()
    page.get_by_label("Find a member by name or e-mail").fill("Lotte")
    page.get_by_role("button", name="Add to group Lotte Learner").click()
    page.get_by_role("button", name="Remove from group Lotte Learner").wait_for()
    axe_check(page)

    page.get_by_role("link", name="Invitations", exact=True).click()
    page.get_by_role("link", name="Invite someone").first.click()
    page.get_by_role("heading", level=1, name="Invite someone").wait_for()
    axe_check(page)
    page.get_by_label("E-mail address").fill("nina@example.org")
    page.get_by_label("Name").fill("Nina Nieuw")
    page.get_by_label("Group").select_option(label="Klas 2025-A")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_role("heading", level=1, name="Invitations").wait_for()
    page.get_by_role("rowheader", name=re.compile("nina@example.org")).wait_for()
    axe_check(page)

    page.get_by_role("link", name="Invite many people (CSV)").click()
    page.get_by_role("heading", level=1, name="Invite many people").wait_for()
    axe_check(page)
    csv_path = tmp_path / "klas.csv"
    csv_path.write_text("email;name\nsam@example.org;Sam\nnot-an-address;X\n", encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(csv_path))
    page.get_by_role("button", name="Upload and invite").click()
    page.get_by_role("heading", level=1, name="Invitations from klas.csv").wait_for()
    page.get_by_role("rowheader", name="sam@example.org").wait_for()
    page.get_by_role("rowheader", name="not-an-address").wait_for()
    axe_check(page)


def test_the_accept_page_passes_axe_for_a_visitor(page, axe_check, police, admin):
    from organisations.services import invitation_create

    invitation = invitation_create(organisation=police, email="new@example.org", actor=admin)
    page.goto(f"/organisations/invitations/{invitation.token}/")
    page.get_by_role("heading", level=1).wait_for()
    assert Invitation.objects.get().status == "pending"
    assert page.get_by_role("link", name=re.compile("Sign up|Account aanmaken")).count() >= 1
    axe_check(page)

"""/accounts/audit/: staff see everything, organisation administrators the events of their
organisation subtree (never members' personal security events), everyone else gets 404.
Paginated, newest first, filter by action."""

import pytest
from django.urls import reverse

from accounts.audit import audit_record
from accounts.models import AuditEvent
from tests import factories
from tests.mfa import give_totp

URL = "/accounts/audit/"
Action = AuditEvent.Action


@pytest.fixture
def events(organisation, other_organisation, learner, outsider):
    """One event per situation; ``summary`` names it."""
    child = factories.OrganisationFactory(name="Politie Eenheid Noord", parent=organisation)
    child_member = factories.MemberFactory(organisation=child, role="learner").user
    return {
        "own_org": audit_record(
            action=Action.INVITATION_SENT, organisation=organisation, summary="own-org"
        ),
        "child_org": audit_record(
            action=Action.ROLE_CHANGED, organisation=child, summary="child-org"
        ),
        "member_login": audit_record(
            action=Action.LOGIN, actor=learner, subject_user=learner, summary="member-login"
        ),
        "child_member_failed": audit_record(
            action=Action.LOGIN_FAILED, subject_user=child_member, summary="child-member-failed"
        ),
        "other_org": audit_record(
            action=Action.INVITATION_SENT, organisation=other_organisation, summary="other-org"
        ),
        "outsider_login": audit_record(
            action=Action.LOGIN, actor=outsider, subject_user=outsider, summary="outsider-login"
        ),
    }


def _summaries(response) -> set[str]:
    return {event.summary for event in response.context["page"].object_list}


@pytest.fixture
def admin_client(client, org_admin):
    give_totp(org_admin)
    client.force_login(org_admin)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    give_totp(staff_user)
    client.force_login(staff_user)
    return client


@pytest.mark.django_db
def test_it_shows_staff_every_event_newest_first(staff_client, events):
    response = staff_client.get(URL)
    assert response.status_code == 200
    listed = [event.summary for event in response.context["page"].object_list]
    assert listed == [
        "outsider-login",
        "other-org",
        "child-member-failed",
        "member-login",
        "child-org",
        "own-org",
    ]


@pytest.mark.django_db
def test_it_shows_an_organisation_admin_only_their_subtree_s_events(admin_client, events):
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert _summaries(response) == {"own-org", "child-org"}
    html = response.content.decode()
    assert "other-org" not in html and "outsider-login" not in html
    assert "member-login" not in html and "child-member-failed" not in html


@pytest.mark.django_db
def test_it_shows_an_unrelated_admin_nothing_of_the_other_organisation(
    client, outsider_admin, events
):
    give_totp(outsider_admin)
    client.force_login(outsider_admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert _summaries(response) == {"other-org"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["learner", "trainer", "outsider", "content_author"])
def test_it_answers_404_to_everyone_else(request, client, who, events):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404


@pytest.mark.django_db
def test_it_answers_404_to_analysts_and_coordinators_with_two_factor(client, analyst, coordinator):
    for person in (analyst, coordinator):
        give_totp(person)
        client.force_login(person)
        assert client.get(URL).status_code == 404


@pytest.mark.django_db
def test_it_sends_visitors_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_it_filters_by_action(admin_client, events):
    response = admin_client.get(URL, {"action": Action.ROLE_CHANGED})
    assert _summaries(response) == {"child-org"}


@pytest.mark.django_db
def test_it_explains_an_unknown_action_and_shows_everything(admin_client, events):
    response = admin_client.get(URL, {"action": "drop table"})
    assert response.status_code == 200
    assert 'id="id_action_error"' in response.content.decode()
    assert len(_summaries(response)) == 2


@pytest.mark.django_db
def test_it_hides_ip_addresses_from_organisation_admins(admin_client, staff_user, events):
    AuditEvent.objects.update(ip_address="192.0.2.7")
    assert "192.0.2.7" not in admin_client.get(URL).content.decode()
    admin_client.force_login(staff_user)
    give_totp(staff_user)
    assert "192.0.2.7" in admin_client.get(URL).content.decode()


@pytest.mark.django_db
def test_it_paginates_and_keeps_the_filter(admin_client, learner, organisation):
    for _ in range(55):
        audit_record(action=Action.ROLE_CHANGED, subject_user=learner, organisation=organisation)
    audit_record(action=Action.MEMBER_REMOVED, subject_user=learner, organisation=organisation)
    first = admin_client.get(URL, {"action": Action.ROLE_CHANGED})
    assert len(first.context["page"].object_list) == 50
    html = first.content.decode()
    assert "?action=role_changed&amp;page=2" in html
    second = admin_client.get(URL, {"action": Action.ROLE_CHANGED, "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert admin_client.get(URL, {"page": "999"}).status_code == 200


@pytest.mark.django_db
def test_it_answers_htmx_with_the_event_list_only(admin_client, events):
    response = admin_client.get(URL, {"action": Action.ROLE_CHANGED}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="audit-events">')
    assert "<html" not in html


@pytest.mark.django_db
def test_its_query_count_does_not_grow_with_the_events(
    admin_client, organisation, django_assert_max_num_queries
):
    def add_events(count):
        for _ in range(count):
            member = factories.MemberFactory(organisation=organisation).user
            audit_record(action=Action.ROLE_CHANGED, organisation=organisation, actor=member)
            audit_record(action=Action.MEMBER_REMOVED, organisation=organisation, actor=member)

    add_events(3)
    with django_assert_max_num_queries(20) as small:
        admin_client.get(URL)
    add_events(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(URL)
    assert len(response.context["page"].object_list) == 46

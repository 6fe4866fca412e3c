import pytest
from django.urls import reverse

from accounts.audit import audit_record
from accounts.models import AuditEvent


def url(organisation):
    return reverse("organisations:audit", args=[organisation.slug])


def test_it_shows_events_of_the_organisation_and_below(
    login, org_admin, learner, organisation, sub_organisation, other_organisation
):
    audit_record(
        action=AuditEvent.Action.ROLE_CHANGED,
        actor=org_admin,
        subject_user=learner,
        organisation=organisation,
        summary="here",
    )
    audit_record(
        action=AuditEvent.Action.MEMBER_REMOVED,
        actor=org_admin,
        organisation=sub_organisation,
        summary="below",
    )
    audit_record(
        action=AuditEvent.Action.MEMBER_REMOVED,
        organisation=other_organisation,
        summary="elsewhere",
    )
    response = login(org_admin).get(url(organisation))
    assert response.status_code == 200
    assert [e.summary for e in response.context["page"]] == ["below", "here"]


@pytest.mark.parametrize("who", ["trainer", "analyst", "learner", "outsider"])
def test_it_is_404_for_everyone_but_admins(login, organisation, who, request):
    assert login(request.getfixturevalue(who)).get(url(organisation)).status_code == 404


@pytest.mark.parametrize("size", [1, 30])
def test_it_uses_a_fixed_number_of_queries(
    login, org_admin, learner, organisation, size, django_assert_max_num_queries
):
    for i in range(size):
        audit_record(
            action=AuditEvent.Action.ROLE_CHANGED,
            actor=org_admin,
            subject_user=learner,
            organisation=organisation,
            summary=str(i),
        )
    client = login(org_admin)
    with django_assert_max_num_queries(7):
        client.get(url(organisation))

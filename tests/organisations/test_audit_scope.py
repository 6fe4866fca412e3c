"""Audit log scope: an organisation administrator reads only the events of their own
organisation subtree; personal security events are for staff only; every audit record about
an organisation's data carries that organisation."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent
from assessments.models import Attempt
from assessments.services import extra_attempt_grant
from organisations.permissions import audit_events_visible_to
from organisations.services import invitation_create, membership_set_role
from tests import factories
from tests.assessments.conftest import make_quiz
from tests.organisations.conftest import member

Action = AuditEvent.Action


@pytest.fixture
def two_hats(organisation, other_organisation):
    """Paula, a learner at the police academy and a trainer at the municipality."""
    paula = member(organisation, role="learner", name="Paula Twee")
    factories.MemberFactory(user=paula, organisation=other_organisation, role="trainer")
    return paula


@pytest.fixture
def events(organisation, other_organisation, sub_organisation, two_hats, org_admin):
    other_admin = member(other_organisation, role="admin")
    return {
        "police": audit_record(
            action=Action.ROLE_CHANGED,
            actor=org_admin,
            subject_user=two_hats,
            organisation=organisation,
            summary="police",
        ),
        "police unit": audit_record(
            action=Action.INVITATION_SENT, organisation=sub_organisation, summary="police unit"
        ),
        "municipality by paula": audit_record(
            action=Action.EXPORT,
            actor=two_hats,
            organisation=other_organisation,
            summary="municipality by paula",
        ),
        "municipality about paula": audit_record(
            action=Action.ROLE_CHANGED,
            actor=other_admin,
            subject_user=two_hats,
            organisation=other_organisation,
            summary="municipality about paula",
        ),
        "paula login": audit_record(
            action=Action.LOGIN, actor=two_hats, subject_user=two_hats, summary="paula login"
        ),
        "paula failed login": audit_record(
            action=Action.LOGIN_FAILED,
            subject_user=two_hats,
            summary="paula failed login",
            data={"email": two_hats.email},
        ),
        "paula mfa": audit_record(
            action=Action.MFA_ACTIVATED,
            actor=two_hats,
            subject_user=two_hats,
            summary="paula mfa",
        ),
        "other_admin": other_admin,
    }


def _visible(user) -> set[str]:
    return set(audit_events_visible_to(user).values_list("summary", flat=True))


def test_a_member_of_two_organisations_shows_up_in_each_only_with_its_events(events, org_admin):
    assert _visible(org_admin) == {"police", "police unit"}
    assert _visible(events["other_admin"]) == {"municipality by paula", "municipality about paula"}


def test_personal_security_events_are_for_staff_only(events, org_admin):
    staff = factories.UserFactory(is_staff=True)
    personal = {"paula login", "paula failed login", "paula mfa"}
    assert personal <= _visible(staff)
    assert not personal & _visible(org_admin)
    assert not personal & _visible(events["other_admin"])


def test_the_audit_page_follows_the_rule(login, events, org_admin):
    response = login(org_admin).get(reverse("audit_log"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "police unit" in html
    assert "municipality" not in html and "paula login" not in html


def test_the_rule_is_documented_in_the_docstring():
    doc = audit_events_visible_to.__doc__
    assert "NOT shown to" in doc and "organisation administrators" in doc
    assert "Staff: every event" in doc


# --- every audit record about organisation data carries the organisation ---------------------


def test_services_about_organisation_data_record_the_organisation(
    org_admin, organisation, learner, trainer
):
    invitation_create(organisation=organisation, email="new@example.org", actor=org_admin)
    membership = learner.memberships.get(organisation=organisation)
    membership_set_role(membership=membership, role="trainer", actor=org_admin)
    events = AuditEvent.objects.filter(action__in=[Action.INVITATION_SENT, Action.ROLE_CHANGED])
    assert events.count() == 2
    assert set(events.values_list("organisation", flat=True)) == {organisation.pk}


@pytest.mark.django_db
def test_an_extra_attempt_on_a_self_enrolment_belongs_to_the_granting_organisation(
    trainer, organisation, other_organisation, two_hats
):
    course = factories.CourseFactory()
    enrolment = factories.EnrolmentFactory(user=two_hats, course=course, organisation=None)
    quiz = make_quiz(course=course, questions=1, attempts_allowed=1)
    Attempt.objects.create(
        quiz=quiz,
        enrolment=enrolment,
        user=two_hats,
        number=1,
        status="submitted",
        started_at=timezone.now(),
        submitted_at=timezone.now(),
        score=0,
        passed=False,
    )
    extra_attempt_grant(quiz=quiz, enrolment=enrolment, granted_by=trainer)
    event = AuditEvent.objects.get(action=Action.EXTRA_ATTEMPT)
    assert event.organisation == organisation  # the trainer's, not the municipality's


ORGANISATION_ACTIONS = {
    "ROLE_CHANGED",
    "MEMBER_REMOVED",
    "INVITATION_SENT",
    "INVITATION_REVOKED",
    "INVITATION_ACCEPTED",
    "EXPORT",
    "EXTRA_ATTEMPT",
}


def _action_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.upper()
    return None


def test_every_audit_record_call_about_organisation_data_passes_the_organisation():
    """A guard for new code: a call recording an organisation action must say for which
    organisation, or the event is invisible to that organisation's administrators."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.glob("*/**/*.py"):
        if any(part in {".venv", "tests", "migrations"} for part in path.parts):
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record"):
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            if _action_name(keywords.get("action")) in ORGANISATION_ACTIONS:
                if "organisation" not in keywords:
                    offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []

"""Fields a form does not have are ignored: posting ``user``, ``organisation``, ``score``,
``passed``, ``role``, ``is_staff``... next to valid data changes none of them.

Each test sends a form that succeeds, plus ``EXTRA`` (pointing at another person and another
organisation), and checks the stored objects: the actor's own organisation, the actor as
creator, the computed grade, the role the form may set.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.models import Attempt
from courses.models import Assignment, ClassroomSession
from courses.services.assignments import assignment_create
from organisations import services
from organisations.models import Group, Invitation, Membership, Organisation
from reporting.models import ApiToken
from tests import factories
from tests.assessments.conftest import make_quiz, wrong_choice
from tests.mfa import give_totp


@pytest.fixture
def extra(other_organisation):
    """The fields no form of these pages has, aimed at someone and something else."""
    stranger = factories.MemberFactory(organisation=other_organisation, role="admin").user
    return {
        "user": stranger.pk,
        "user_id": stranger.pk,
        "organisation": other_organisation.pk,
        "organisation_id": other_organisation.pk,
        "score": "100",
        "passed": "1",
        "role": "admin",
        "is_staff": "1",
        "is_superuser": "1",
        "status": "submitted",
        "points": "99",
    }


def _with(extra, data, *, keep=()):
    """``data`` plus the extra fields (a field the form really has keeps its own value)."""
    merged = {key: value for key, value in extra.items() if key not in keep}
    merged.update(data)
    return merged


def _plain(user):
    user.refresh_from_db()
    return (user.is_staff, user.is_superuser, user.is_active)


def _nothing_in(organisation):
    assert not Group.objects.filter(organisation=organisation).exists()
    assert not Invitation.objects.filter(organisation=organisation).exists()
    assert not ApiToken.objects.filter(organisation=organisation).exists()
    assert not Assignment.objects.filter(organisation=organisation).exists()
    assert not ClassroomSession.objects.filter(organisation=organisation).exists()


@pytest.fixture
def admin_client(client, org_admin):
    give_totp(org_admin)
    client.force_login(org_admin)
    return client


# --- accounts ---------------------------------------------------------------------------------


def test_profile_ignores_role_and_staff_fields(client, learner, organisation, extra):
    client.force_login(learner)
    data = {
        "name": "Lotte de Vries",
        "preferred_language": "nl",
        "profession": "",
        "big_number": "",
        "vvn_number": "",
        "other_register_name": "",
        "other_register_number": "",
    }
    response = client.post(reverse("accounts:profile"), _with(extra, data))
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.name == "Lotte de Vries"
    assert _plain(learner) == (False, False, True)
    assert list(Membership.objects.filter(user=learner).values_list("organisation", "role")) == [
        (organisation.pk, "learner")
    ]


@pytest.mark.django_db
def test_signup_makes_a_plain_account(client, extra, password):
    data = {
        "name": "Nina Nieuw",
        "email": "nina.nieuw@example.org",
        "password1": password,
        "password2": password,
        "preferred_language": "nl",
    }
    response = client.post(reverse("account_signup"), _with(extra, data))
    assert response.status_code == 302
    person = User.objects.get(email="nina.nieuw@example.org")
    assert _plain(person) == (False, False, True)
    assert not Membership.objects.filter(user=person).exists()


# --- organisations ----------------------------------------------------------------------------


def test_invitation_accept_gives_the_invited_role_in_the_inviting_organisation(
    client, organisation, other_organisation, org_admin, extra
):
    invitation = services.invitation_create(
        organisation=organisation, email="nina@example.org", actor=org_admin
    )
    person = factories.UserFactory(email="nina@example.org")
    client.force_login(person)
    url = reverse("organisations:invitation_accept", args=[invitation.token])
    response = client.post(url, extra)
    assert response.status_code == 302
    assert list(Membership.objects.filter(user=person).values_list("organisation", "role")) == [
        (organisation.pk, "learner")
    ]
    assert _plain(person) == (False, False, True)


def test_role_change_touches_only_the_role(admin_client, organisation, learner, extra):
    membership = Membership.objects.get(user=learner, organisation=organisation)
    url = reverse("organisations:member_role", args=[organisation.slug, membership.pk])
    response = admin_client.post(url, _with(extra, {"role": "trainer"}))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.user_id, membership.organisation_id, membership.role) == (
        learner.pk,
        organisation.pk,
        "trainer",
    )
    assert _plain(learner) == (False, False, True)
    assert Membership.objects.filter(user_id=extra["user"], role="admin").count() == 1


def test_learner_posting_a_role_stays_learner(client, learner, organisation, extra):
    """A learner cannot raise themselves on any page that takes a role."""
    client.force_login(learner)
    membership = Membership.objects.get(user=learner)
    for url in (
        reverse("organisations:member_role", args=[organisation.slug, membership.pk]),
        reverse("organisations:invitation_new", args=[organisation.slug]),
        reverse("accounts:profile"),
    ):
        client.post(url, extra)
    membership.refresh_from_db()
    assert membership.role == "learner"
    assert _plain(learner) == (False, False, True)
    assert not Invitation.objects.exists()


def test_group_create_and_rename_stay_in_the_actors_organisation(
    client, trainer, organisation, other_organisation, extra
):
    client.force_login(trainer)
    response = client.post(
        reverse("organisations:groups", args=[organisation.slug]),
        _with(extra, {"name": "Team West"}),
    )
    assert response.status_code == 302
    group = Group.objects.get(name="Team West")
    assert group.organisation_id == organisation.pk
    response = client.post(
        reverse("organisations:group_rename", args=[organisation.slug, group.pk]),
        _with(extra, {"name": "Team Zuidwest"}),
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.organisation_id) == ("Team Zuidwest", organisation.pk)
    _nothing_in(other_organisation)


def test_invitation_keeps_the_organisation_and_the_grantable_role(
    client, trainer, organisation, other_organisation, extra
):
    """A trainer invites learners only: ``role=admin`` next to the form is not a way round."""
    client.force_login(trainer)
    response = client.post(
        reverse("organisations:invitation_new", args=[organisation.slug]),
        _with(
            extra,
            {"email": "nieuw@example.org", "name": "Nieuw", "role": "learner", "language": "nl"},
        ),
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="nieuw@example.org")
    assert (invitation.organisation_id, invitation.role, invitation.invited_by_id) == (
        organisation.pk,
        "learner",
        trainer.pk,
    )
    assert invitation.status == Invitation.Status.PENDING
    _nothing_in(other_organisation)


def test_sharing_changes_only_the_own_organisation(client, other_organisation, extra):
    parent = factories.OrganisationFactory(name="Bankenvereniging", kind="bank")
    bank = factories.OrganisationFactory(name="Bank Een", kind="bank", parent=parent)
    Organisation.objects.filter(pk=bank.pk).update(is_legal_entity=True)
    admin = factories.MemberFactory(organisation=bank, role="admin").user
    give_totp(admin)
    client.force_login(admin)
    response = client.post(
        reverse("organisations:sharing", args=[bank.slug]), _with(extra, {"share": "on"})
    )
    assert response.status_code == 302
    bank.refresh_from_db()
    other_organisation.refresh_from_db()
    assert bank.shares_figures_with_parent is True
    assert other_organisation.shares_figures_with_parent is False


# --- dashboard: API tokens --------------------------------------------------------------------


def test_api_token_belongs_to_the_page_organisation_and_actor(
    admin_client, org_admin, organisation, other_organisation, extra
):
    response = admin_client.post(
        reverse("reporting:api_tokens", args=[organisation.slug]),
        _with(extra, {"name": "HR-koppeling"}),
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="HR-koppeling")
    assert (token.organisation_id, token.created_by_id, token.revoked_at) == (
        organisation.pk,
        org_admin.pk,
        None,
    )
    _nothing_in(other_organisation)


# --- trainer pages ----------------------------------------------------------------------------


@pytest.fixture
def group_with_learner(organisation, org_admin, learner):
    group = services.group_create(organisation=organisation, name="Team Oost", actor=org_admin)
    services.group_add_member(group=group, user=learner, actor=org_admin)
    return group


def test_assignment_is_the_actors(
    client, trainer, organisation, other_organisation, group_with_learner, extra
):
    course = factories.CourseFactory()
    client.force_login(trainer)
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    response = client.post(
        reverse("trainer:assign", args=[organisation.pk]),
        _with(extra, {"course": course.pk, "group": group_with_learner.pk, "due_date": due}),
    )
    assert response.status_code == 302, response.content[:2000]
    assignment = Assignment.objects.get(course=course)
    assert (assignment.organisation_id, assignment.assigned_by_id, assignment.unassigned_at) == (
        organisation.pk,
        trainer.pk,
        None,
    )
    _nothing_in(other_organisation)


def test_due_date_change_touches_only_the_date(
    client, trainer, organisation, group_with_learner, extra
):
    assignment = assignment_create(
        organisation=organisation,
        course=factories.CourseFactory(),
        assigned_by=trainer,
        due_date=timezone.localdate() + dt.timedelta(days=5),
        group=group_with_learner,
    )
    client.force_login(trainer)
    new_date = timezone.localdate() + dt.timedelta(days=40)
    response = client.post(
        reverse("trainer:due_date", args=[assignment.pk]),
        _with(extra, {"due_date": new_date.isoformat()}),
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.due_date, assignment.organisation_id, assignment.unassigned_at) == (
        new_date,
        organisation.pk,
        None,
    )


def test_classroom_session_is_recorded_for_the_page_organisation(
    client, trainer, learner, organisation, other_organisation, group_with_learner, extra
):
    course = factories.CourseFactory()
    client.force_login(trainer)
    response = client.post(
        reverse("trainer:classroom_record", args=[organisation.pk]),
        _with(
            extra,
            {
                "course": course.pk,
                "held_on": timezone.localdate().isoformat(),
                "trainer": trainer.pk,
                "location": "Zaal 2",
                "members": [learner.pk],
                "emails": "",
            },
        ),
    )
    assert response.status_code == 302, response.content[:3000]
    session = ClassroomSession.objects.get(course=course)
    assert session.organisation_id == organisation.pk
    assert list(session.attendances.values_list("user_id", flat=True)) == [learner.pk]
    _nothing_in(other_organisation)


# --- quiz answers and hand-in -----------------------------------------------------------------


def test_hand_in_gets_its_computed_grade(client, learner, organisation, extra):
    course = factories.CourseFactory()
    factories.EnrolmentFactory(user=learner, course=course, organisation=organisation)
    quiz = make_quiz(course=course, questions=3)
    client.force_login(learner)
    response = client.post(reverse("assessments:start", args=[quiz.pk]), extra)
    assert response.status_code == 302
    attempt = Attempt.objects.get(quiz=quiz)
    assert (attempt.user_id, attempt.status, attempt.score) == (learner.pk, "in_progress", None)
    for entry in attempt.layout:
        wrong = entry["c"].index(wrong_choice(entry["q"]))
        url = reverse("assessments:answer", args=[attempt.pk, entry["q"]])
        client.post(url, _with(extra, {f"q{entry['q']}": wrong}), headers={"HX-Request": "true"})
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"  # status=submitted did not hand it in
    response = client.post(
        reverse("assessments:save", args=[attempt.pk]), _with(extra, {"submit": "1"})
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert (attempt.score, attempt.passed, attempt.user_id) == (0, False, learner.pk)
    assert attempt.responses.count() == 3


# --- certificate and digest pages -------------------------------------------------------------


def test_certificate_finish_keeps_the_accreditations_points(
    client, learner, extra, settings, django_capture_on_commit_callbacks
):
    """``points=99`` next to the evaluation: the certificate carries the accreditation's points
    and belongs to the learner's own enrolment."""
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from certificates.models import Certificate, CourseEvaluation
    from courses.models import LessonProgress
    from tests.certificates.factories import AccreditationFactory

    settings.CERTIFICATE_RULES_SINCE = dt.date(2026, 12, 1)
    course = factories.CourseFactory(minutes=90)
    vvn = AccreditationFactory(course=course, points=Decimal("1.50"))
    completed = dt.datetime(2027, 3, 15, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    enrolment = factories.EnrolmentFactory(
        user=learner, course=course, completed_at=completed, version_completed=1
    )
    LessonProgress.objects.create(
        enrolment=enrolment,
        lesson=factories.LessonFactory(module__course=course),
        seconds_spent=47 * 60,
    )
    client.force_login(learner)
    data = {
        "relevance": "4",
        "quality": "5",
        "minutes_reported": "75",
        "accreditation": str(vvn.pk),
        "vvn_number": "123456",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("certificates:finish", args=[course.slug]), _with(extra, data)
        )
    assert response.status_code == 302
    evaluation = CourseEvaluation.objects.get()
    assert evaluation.enrolment_id == enrolment.pk
    certificate = Certificate.objects.get()
    assert (certificate.enrolment_id, certificate.points) == (enrolment.pk, Decimal("1.50"))
    assert certificate.revoked_at is None
    assert _plain(learner) == (False, False, True)


def test_digest_setting_is_the_actors_own(client, analyst, extra):
    from reporting.digest import receives_digest

    give_totp(analyst)
    client.force_login(analyst)
    response = client.post(reverse("digest:settings"), _with(extra, {"receive": "no"}))
    assert response.status_code == 302
    assert receives_digest(analyst) is False
    assert receives_digest(User.objects.get(pk=extra["user"])) is True

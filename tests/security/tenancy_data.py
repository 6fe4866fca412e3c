"""Two organisations with everything a page can show: the data of the tenancy tests.

    world = build_two_organisations()
    world["A"].group                 # A's objects, by attribute
    world["B"].users["trainer"]      # B's people, by role
    world["A"].secrets()             # strings of A that no page may show to B

Organisation A and B are unrelated roots. Each has a learner (enrolled, in a group, with a
final-quiz attempt, a certificate, a classroom attendance), a trainer, an analyst and an
administrator (both with an authenticator app), a group with an assignment, a learner
assignment, an invitation, an invitation upload, an API token, a classroom session and an
identity provider. Each organisation has its own course, so that a learner of one is not
enrolled in the other's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from assessments import services as assessment_services
from courses.classroom import classroom_session_record
from courses.models import Assignment, ClassroomSession
from courses.services.assignments import assignment_create
from organisations.models import IdentityProvider, Invitation, InvitationBatch, Organisation
from organisations.services import group_add_member, group_create, invitation_create
from reporting.digest import unsubscribe_token
from reporting.models import ProgressReport
from reporting.tokens import token_create
from tests import factories
from tests.assessments.conftest import make_quiz
from tests.certificates.factories import CertificateFactory
from tests.courses.factories import make_course
from tests.mfa import give_totp

ROLES = ("learner", "trainer", "analyst", "admin")


@dataclass
class Tenant:
    """One organisation and its objects."""

    key: str
    organisation: Organisation
    users: dict = field(default_factory=dict)
    memberships: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["extra"][name]
        except KeyError:
            raise AttributeError(name) from None

    def secrets(self) -> list[str]:
        """Strings that identify this organisation's data (names, addresses, codes)."""
        values = [self.organisation.name]
        for user in [*self.users.values(), self.second_learner]:
            values += [user.name, user.email]
        values += [
            self.group.name,
            self.certificate.code,
            self.invitation.email,
            self.invitation.name,
            self.batch.filename,
            self.token.name,
            self.session.location,
            self.guest_email,
            self.provider.name,
        ]
        return [value for value in values if value]


def _tenant(key: str, label: str) -> Tenant:
    """Organisation ``key`` ("A" or "B"); ``label`` goes into every name ("Alpha", "Bravo")."""
    lower = label.lower()
    organisation = factories.OrganisationFactory(
        name=f"{label} Zorggroep", slug=f"{lower}-zorggroep", kind="healthcare"
    )
    tenant = Tenant(key=key, organisation=organisation)
    for role in ROLES:
        membership = factories.MemberFactory(
            organisation=organisation,
            role=role,
            user__name=f"{label} {role.title()} Persoon",
            user__email=f"{role}.{lower}@{lower}-zorg.example",
        )
        tenant.users[role] = membership.user
        tenant.memberships[role] = membership
        if role in ("analyst", "admin"):
            give_totp(membership.user)
    admin, trainer, learner = (tenant.users[r] for r in ("admin", "trainer", "learner"))
    second = factories.MemberFactory(
        organisation=organisation,
        role="learner",
        user__name=f"{label} Tweede Cursist",
        user__email=f"tweede.{lower}@{lower}-zorg.example",
    ).user

    course = make_course(
        lessons=2, slug=f"{lower}-cursus", title_nl=f"{label} cursus", title_en=f"{label} course"
    )
    quiz = make_quiz(course=course, questions=3)
    enrolment = factories.EnrolmentFactory(user=learner, course=course, organisation=organisation)
    attempt = assessment_services.attempt_start(quiz=quiz, enrolment=enrolment)
    assessment_services.attempt_submit(attempt=attempt)
    open_attempt = assessment_services.attempt_start(quiz=quiz, enrolment=enrolment)
    second_enrolment = factories.EnrolmentFactory(
        user=second, course=course, organisation=organisation, completed_at=timezone.now()
    )
    certificate = CertificateFactory(enrolment=second_enrolment)

    group = group_create(organisation=organisation, name=f"{label} Team Noord", actor=admin)
    group_add_member(group=group, user=learner, actor=admin)
    due = timezone.localdate() + dt.timedelta(days=30)
    group_assignment = assignment_create(
        organisation=organisation, course=course, assigned_by=trainer, due_date=due, group=group
    )
    learner_assignment = assignment_create(
        organisation=organisation,
        course=course,
        assigned_by=trainer,
        due_date=due,
        learners=[second],
    )
    guest_email = f"gast.{lower}@{lower}-extern.example"
    session = classroom_session_record(
        recorded_by=trainer,
        organisation=organisation,
        course=course,
        held_on=timezone.localdate(),
        member_ids=[learner.pk],
        emails=[guest_email],
        location=f"{label} Leslokaal 3",
    )
    invitation = invitation_create(
        organisation=organisation,
        email=f"nieuw.{lower}@{lower}-zorg.example",
        name=f"{label} Uitgenodigde",
        actor=admin,
    )
    batch = InvitationBatch.objects.create(
        organisation=organisation,
        uploaded_by=admin,
        filename=f"{lower}-personeel.csv",
        csv_text="email\n",
        status=InvitationBatch.Status.DONE,
    )
    token, raw_token = token_create(
        organisation=organisation, name=f"{label} HR-koppeling", actor=admin
    )
    provider = IdentityProvider.objects.create(
        organisation=organisation,
        slug=f"{lower}-sso",
        name=f"{label} Inlogdienst",
        issuer=f"https://login.{lower}-zorg.example",
        client_id=f"{lower}-client",
    )
    tenant.extra.update(
        second_learner=second,
        course=course,
        lesson=course.lessons.order_by("position").first(),
        quiz=quiz,
        question=quiz.questions.first(),
        enrolment=enrolment,
        attempt=attempt,
        open_attempt=open_attempt,
        certificate=certificate,
        group=group,
        group_assignment=group_assignment,
        learner_assignment=learner_assignment,
        session=session,
        guest_email=guest_email,
        invitation=invitation,
        batch=batch,
        token=token,
        raw_token=raw_token,
        provider=provider,
        digest_token=unsubscribe_token(tenant.users["analyst"]),
    )
    return tenant


def build_two_organisations() -> dict:
    world = {"A": _tenant("A", "Alpha"), "B": _tenant("B", "Bravo")}
    world["report"] = ProgressReport.objects.create(
        period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 3, 31)
    )
    return world


def snapshot(tenant: Tenant) -> dict:
    """What a forbidden request could change of an organisation: compared before and after."""
    organisation = tenant.organisation
    organisation.refresh_from_db()
    return {
        "organisation": (organisation.name, organisation.shares_figures_with_parent),
        "memberships": sorted(organisation.memberships.values_list("user_id", "role")),
        "groups": sorted(organisation.groups.values_list("pk", "name")),
        "group_members": sorted(tenant.group.group_members.values_list("user_id", flat=True)),
        "invitations": sorted(
            Invitation.objects.filter(organisation=organisation).values_list(
                "pk", "status", "send_count", "role"
            )
        ),
        "batches": sorted(
            InvitationBatch.objects.filter(organisation=organisation).values_list("pk", "status")
        ),
        "assignments": sorted(
            Assignment.objects.filter(organisation=organisation).values_list(
                "pk", "due_date", "unassigned_at"
            )
        ),
        "tokens": sorted(organisation.api_tokens.values_list("pk", "name", "revoked_at")),
        "sessions": ClassroomSession.objects.filter(organisation=organisation).count(),
        "attempts": sorted(
            tenant.quiz.attempts.values_list("pk", "status", "score", "passed", "user_id")
        ),
        "users": sorted(
            (u.pk, u.is_active, u.is_staff, u.is_superuser, u.name)
            for u in [*tenant.users.values(), tenant.second_learner]
        ),
    }

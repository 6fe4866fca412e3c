"""One small but complete world for the page-by-page accessibility checks: every page type of
the platform has something to show (a course with lessons and a final quiz, an attempt, a
certificate, groups, an assignment, a classroom session, invitations, a batch, API tokens, a
progress report, ...). ``build_world(language)`` gives every persona that profile language.

Also ``session_cookie(user)``: a logged-in session whose password was confirmed a moment ago,
so the pages behind allauth's "Confirm access" step show themselves instead of that step.
"""

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.models import Group as DjangoGroup
from django.test import Client
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Survey, SurveyItem
from courses.classroom import classroom_session_record
from courses.models import CourseReviewer, LessonProgress
from courses.services import enrol
from organisations.models import InvitationBatch, Theme
from organisations.services import invitation_create
from reporting.digest import unsubscribe_token
from reporting.models import ProgressReport
from reporting.tasks import make_progress_report
from reporting.tokens import token_create
from tests.assessments.conftest import make_quiz
from tests.certificates.factories import AccreditationFactory, CertificateFactory
from tests.courses.factories import make_course, study_lesson
from tests.courses.trainer_helpers import assign
from tests.factories import (
    EnrolmentFactory,
    GroupFactory,
    GroupMemberFactory,
    MemberFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.mfa import give_totp
from tests.reporting.national_data import add_partner


@dataclass
class World:
    language: str
    users: dict = field(default_factory=dict)  # persona -> user (no entry: the visitor)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def session_cookie(user) -> str:
    """A session of ``user`` that counts as a password confirmed just now."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "reauthenticated": True, "email": user.email}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return session.session_key


def _attitude_survey() -> Survey:
    survey, _ = Survey.objects.get_or_create(
        slug="attitude", defaults={"intro_nl": "Waarom", "intro_en": "Why"}
    )
    for n in range(3):
        SurveyItem.objects.get_or_create(
            survey=survey,
            slug=f"a{n}",
            defaults={"text_nl": f"Stelling {n}", "text_en": f"Statement {n}", "position": n},
        )
    return survey


def build_world(language: str) -> World:
    world = World(language)
    objects = world.objects
    today = timezone.localdate()
    police = OrganisationFactory(
        name="Politieacademie", slug="politieacademie", kind="police", themes=[Theme.POLICE]
    )
    unit = OrganisationFactory(
        name="Eenheid Noord", slug="eenheid-noord", kind="police", parent=police
    )
    unit.is_legal_entity = True  # it may share its figures with the academy (sharing page)
    unit.save(update_fields=["is_legal_entity"])
    objects.update(organisation=police, unit=unit)
    # Two more partners for the national overview and the staff's choice of dashboards.
    for name, kind, theme in [
        ("Gemeente Utrecht", "municipality", Theme.MUNICIPALITIES),
        ("Bank Noord", "bank", Theme.BUSINESS_SERVICES),
    ]:
        add_partner(
            name=name,
            kind=kind,
            theme=theme,
            course_title=f"Respect ({name})",
            enrolled=6,
            completed=5,
            classroom=5,
            target=20,
        )

    def member(persona: str, role: str, name: str):
        user = MemberFactory(
            organisation=police, role=role, user__name=name, user__preferred_language=language
        ).user
        world.users[persona] = user
        return user

    learner = member("learner", "learner", "Lotte Learner")
    trainer = member("trainer", "trainer", "Tim Trainer")
    admin = member("admin", "admin", "Adam Admin")
    analyst = member("analyst", "analyst", "Anna Analyst")
    give_totp(admin, recovery_codes=False)
    MemberFactory(organisation=unit, user=admin, role="admin")
    give_totp(analyst)  # with recovery codes: the two-factor pages have all to show
    staff = UserFactory(name="Stella Staff", is_staff=True, preferred_language=language)
    give_totp(staff, recovery_codes=False)
    coordinator = UserFactory(name="Carla Coordinator", preferred_language=language)
    coordinator.groups.add(DjangoGroup.objects.get_or_create(name="coordinator")[0])
    give_totp(coordinator, recovery_codes=False)
    single_sign_on = UserFactory(name="Sanne Sso", preferred_language=language)
    single_sign_on.set_unusable_password()
    single_sign_on.save(update_fields=["password"])
    world.users.update(staff=staff, coordinator=coordinator, sso=single_sign_on)

    # A course with two lessons and a final quiz, done and handed in by the learner.
    course = make_course(
        lessons=2, slug="bejegening", title_nl="Bejegening", title_en="Treating people well"
    )
    quiz = make_quiz(course=course, questions=2, attempts_allowed=3)
    enrolment = enrol(user=learner, course=course, organisation=police)
    lessons = list(course.lessons.order_by("position"))
    for lesson in lessons:
        study_lesson(enrolment=enrolment, lesson=lesson)
    attempt = assessment_services.attempt_start(quiz=quiz, enrolment=enrolment)
    assessment_services.attempt_submit(attempt=attempt)
    _attitude_survey()
    objects.update(course=course, lesson=lessons[0], quiz=quiz, attempt=attempt)
    # ... and a quiz of another course that the learner is taking right now.
    other = make_course(lessons=1, slug="rechten", title_nl="Rechten", title_en="Rights")
    other_quiz = make_quiz(course=other, questions=2)
    other_enrolment = enrol(user=learner, course=other, organisation=police)
    study_lesson(enrolment=other_enrolment, lesson=other.lessons.get())
    objects["open_attempt"] = assessment_services.attempt_start(
        quiz=other_quiz, enrolment=other_enrolment
    )

    # A completed, accredited course whose certificate waits for the evaluation (finish page),
    # and a certificate the learner holds.
    accredited = make_course(
        lessons=1, slug="zorg-en-sekswerk", title_nl="Zorg en sekswerk", title_en="Care"
    )
    AccreditationFactory(course=accredited, number="VVN-500100", points=Decimal("1.50"))
    finished = EnrolmentFactory(
        user=learner,
        course=accredited,
        organisation=police,
        completed_at=timezone.now(),
        version_completed=1,
    )
    LessonProgress.objects.create(
        enrolment=finished, lesson=accredited.lessons.first(), seconds_spent=47 * 60
    )
    held = make_course(lessons=1, slug="signalen", title_nl="Signalen", title_en="Signals")
    certificate = CertificateFactory(
        enrolment=EnrolmentFactory(
            user=learner,
            course=held,
            organisation=police,
            completed_at=timezone.now(),
            version_completed=1,
        )
    )
    objects.update(accredited=accredited, certificate=certificate)

    # The trainer's group, an assignment with a due date (and one to a single person), a
    # classroom session.
    group = GroupFactory(organisation=police, name="Klas 2025-A")
    GroupMemberFactory(group=group, user=learner)
    colleague = MemberFactory(organisation=police, user__name="Sam de Vries").user
    GroupMemberFactory(group=group, user=colleague)
    assignment = assign(trainer, course, group=group, days=21)
    objects["personal_assignment"] = assign(
        trainer, accredited, learners=[colleague], organisation=police, days=30
    )
    session = classroom_session_record(
        recorded_by=trainer,
        organisation=police,
        course=course,
        held_on=today - dt.timedelta(days=7),
        member_ids=[learner.pk],
        emails=["gast@example.org"],
        location="Utrecht",
    )
    objects.update(group=group, assignment=assignment, classroom_session=session)

    # The administrator's invitations, a finished CSV batch and an API token.
    invitation = invitation_create(organisation=police, email="nina@example.org", actor=admin)
    batch = InvitationBatch.objects.create(
        organisation=police,
        uploaded_by=admin,
        filename="klas.csv",
        csv_text="email\nsam@example.org\n",
        total_rows=1,
        processed_rows=1,
        status="done",
    )
    token_create(organisation=police, name="Rapportage", actor=admin)
    objects.update(
        invitation=invitation,
        batch=batch,
        admin_membership=admin.memberships.get(organisation=police),
        learner_membership=learner.memberships.get(organisation=police),
    )

    # The national progress report, and a reviewer of the course.
    report = ProgressReport.objects.create(
        requested_by=coordinator,
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
    )
    make_progress_report(report.pk)
    reviewer = UserFactory(name="Bea Beoordelaar", preferred_language=language)
    CourseReviewer.objects.create(user=reviewer, course=course, on_behalf_of="V&VN")
    world.users["reviewer"] = reviewer
    objects.update(report=report, digest_token=unsubscribe_token(analyst))

    # A person who signed up and has not confirmed the address yet (the confirmation page).
    newcomer = UserFactory(name="Noor Nieuw", preferred_language=language)
    EmailAddress.objects.filter(user=newcomer).update(verified=False)
    address = EmailAddress.objects.get(user=newcomer, email=newcomer.email)
    objects["email_key"] = EmailConfirmationHMAC(address).key
    from allauth.account.forms import default_token_generator

    objects["reset_key"] = (
        f"{user_pk_to_url_str(newcomer)}-{default_token_generator.make_token(newcomer)}"
    )
    return world

"""A small hand-built partner dataset with known figures, for the statistics engine and for
every page, export and feed that shows its numbers.

    data = build_partner_dataset()
    data["period"]                       # Q1 2025 (Period), data["today"] = 20 March 2025
    data["organisations"]["north"]       # Organisation
    data["expected"]["north"]["enrolled"]

The tree: the national police (not a legal entity, themes: police) with units North and South
(parts of it); the banks' association (themes: business services) with bank A (own legal
entity, shares its figures) and bank B (own legal entity, does not share). Courses: police
(theme police) and bank (theme business services). All dates are in Q1 2025 unless said.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from assessments.models import Attempt, Quiz, Survey, SurveyResponse
from certificates.models import Certificate
from courses.models import Assignment, ClassroomAttendance, ClassroomSession, Enrolment
from organisations.models import GroupMember, Organisation
from reporting.periods import Period
from tests import factories

TZ = ZoneInfo("Europe/Amsterdam")
PERIOD = Period.quarter(2025, 1)
TODAY = date(2025, 3, 20)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def enrol(organisation, course, *, created, started=None, completed=None, user=None):
    user = user or factories.UserFactory(verified=False)
    enrolment = Enrolment.objects.create(user=user, course=course, organisation=organisation)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=at(created),
        started_at=at(started) if started else None,
        completed_at=at(completed) if completed else None,
    )
    enrolment.refresh_from_db()
    return enrolment


def enrol_many(organisation, course, *, n, started, completed, created=date(2025, 1, 10),
               completed_on=date(2025, 2, 5)):  # fmt: skip
    """``n`` enrolments: the first ``completed`` completed (started too), the first
    ``started`` started."""
    out = []
    for i in range(n):
        out.append(
            enrol(
                organisation,
                course,
                created=created,
                started=created + timedelta(days=1) if i < started else None,
                completed=completed_on if i < completed else None,
            )
        )
    return out


def classroom(organisation, course, *, held_on, users=(), emails=()):
    session = ClassroomSession.objects.create(
        course=course, organisation=organisation, held_on=held_on
    )
    for user in users:
        ClassroomAttendance.objects.create(session=session, user=user)
    for email in emails:
        ClassroomAttendance.objects.create(session=session, email=email)
    return session


def build_partner_dataset() -> dict:
    org = factories.OrganisationFactory
    police = org(name="Politie", slug="politie", kind="police", themes=[3])
    north = org(name="Politie Noord", slug="politie-noord", kind="police", parent=police)
    south = org(name="Politie Zuid", slug="politie-zuid", kind="police", parent=police)
    banks = org(name="Bankenvereniging", slug="banken", kind="bank", themes=[1])
    bank_a = org(name="Bank A", slug="bank-a", kind="bank", parent=banks)
    bank_b = org(name="Bank B", slug="bank-b", kind="bank", parent=banks)
    Organisation.objects.filter(pk__in=[bank_a.pk, bank_b.pk]).update(is_legal_entity=True)
    Organisation.objects.filter(pk=bank_a.pk).update(shares_figures_with_parent=True)
    for o in (bank_a, bank_b):
        o.refresh_from_db()
    police_course = factories.CourseFactory(slug="politie-basis", title_en="Police basics", theme=3)
    bank_course = factories.CourseFactory(slug="bank-basis", title_en="Banking basics", theme=1)

    # North: 12 enrolled, 10 started, 8 completed online; one more completed in December.
    north_enrolments = enrol_many(north, police_course, n=12, started=10, completed=8)
    enrol(north, police_course, created=date(2024, 11, 1), started=date(2024, 11, 2),
          completed=date(2024, 12, 15))  # fmt: skip
    enrol(north, police_course, created=date(2025, 4, 2))  # after the period: not counted
    # A classroom session in North: two accounts and one e-mail address; one account twice.
    attendees = [factories.UserFactory(verified=False) for _ in range(2)]
    classroom(north, police_course, held_on=date(2025, 2, 20), users=attendees,
              emails=["gast@example.org"])  # fmt: skip
    classroom(north, police_course, held_on=date(2025, 3, 3), users=attendees[:1])
    # South: 6 enrolled, 4 started, 2 completed (in March).
    south_enrolments = enrol_many(south, police_course, n=6, started=4, completed=2,
                                  completed_on=date(2025, 3, 12))  # fmt: skip
    # Bank A: 20 enrolled, 15 started, 7 completed; a classroom session with 6 people.
    enrol_many(bank_a, bank_course, n=20, started=15, completed=7, completed_on=date(2025, 2, 26))
    classroom(bank_a, bank_course, held_on=date(2025, 3, 10),
              emails=[f"medewerker{i}@bank-a.example" for i in range(6)])  # fmt: skip
    # Bank B (does not share): 9 enrolled, all completed.
    enrol_many(bank_b, bank_course, n=9, started=9, completed=9)
    # The association itself: 3 enrolled, 1 completed.
    enrol_many(banks, bank_course, n=3, started=1, completed=1, completed_on=date(2025, 1, 20))

    # A group in North with 5 learners (3 of them completed), assigned the police course,
    # due 1 February: the 2 without a completion by then... are overdue on 20 March only if
    # still not complete — the 3 completed on 5 February (late), so 2 are overdue.
    group = factories.GroupFactory(organisation=north, name="Team Noord")
    for enrolment in north_enrolments[5:10]:
        GroupMember.objects.create(group=group, user=enrolment.user)
    assignment = Assignment.objects.create(organisation=north, course=police_course, group=group,
                                           due_date=date(2025, 2, 1))  # fmt: skip
    Assignment.objects.filter(pk=assignment.pk).update(created_at=at(date(2025, 1, 5)))

    # Final quiz attempts in North: 8 first attempts, 6 passed; 2 second attempts, passed.
    quiz = Quiz.objects.create(course=police_course, kind=Quiz.Kind.FINAL,
                               questions_per_attempt=5, feedback="after_submit")  # fmt: skip
    for i, enrolment in enumerate(north_enrolments[:8]):
        passed = i < 6
        Attempt.objects.create(quiz=quiz, enrolment=enrolment, user=enrolment.user, number=1,
                               status="submitted", started_at=at(date(2025, 2, 4)),
                               submitted_at=at(date(2025, 2, 4)), score=80 if passed else 50,
                               passed=passed)  # fmt: skip
        if not passed:
            Attempt.objects.create(quiz=quiz, enrolment=enrolment, user=enrolment.user, number=2,
                                   status="submitted", started_at=at(date(2025, 2, 5)),
                                   submitted_at=at(date(2025, 2, 5)), score=90, passed=True)  # fmt: skip

    # Certificates: 2 issued in the period in North, one expiring within 60 days of TODAY.
    for i, enrolment in enumerate(north_enrolments[:2]):
        Certificate.objects.create(
            enrolment=enrolment, course_version=1, code=f"ABCD-EFGH-JKLM-NPQ{i + 2}",
            course_title_nl="Politie basis", completed_at=at(date(2025, 2, 5)),
            issued_at=at(date(2025, 2, 5)),
            expires_on=date(2025, 4, 30) if i == 0 else date(2026, 2, 5), pdf=b"",
        )  # fmt: skip

    # Questionnaire: 10 paired pre/post in the police (8 North, 2 South), post in the period:
    # pre 2.0 → post 3.0 in North, pre 3.0 → post 3.5 in South.
    survey = Survey.objects.create(slug="attitude", intro_nl="-", intro_en="-")
    paired = [(e, 2.0, 3.0) for e in north_enrolments[:8]]
    paired += [(e, 3.0, 3.5) for e in south_enrolments[:2]]
    for enrolment, pre, post in paired:
        SurveyResponse.objects.create(survey=survey, enrolment=enrolment, phase="pre", score=pre)
        response = SurveyResponse.objects.create(survey=survey, enrolment=enrolment,
                                                 phase="post", score=post)  # fmt: skip
        SurveyResponse.objects.filter(pk=response.pk).update(submitted_at=at(date(2025, 2, 6)))

    expected = {
        "north": dict(
            learners=16,
            enrolled=13,
            started=11,
            completed_online=8,
            completed_classroom=3,
            completed=11,
            assigned=5,
            overdue=2,
            certificates_issued=2,
            certificates_expiring_soon=1,
        ),
        "south": dict(
            learners=6,
            enrolled=6,
            started=4,
            completed_online=2,
            completed_classroom=0,
            completed=2,
            assigned=0,
            overdue=0,
        ),
        "police": dict(
            learners=22,
            enrolled=19,
            started=15,
            completed_online=10,
            completed_classroom=3,
            completed=13,
            assigned=5,
            overdue=2,
            certificates_issued=2,
            certificates_expiring_soon=1,
            first_attempt_pass_rate=0.75,
            average_score=76.0,
            median_days_to_complete=26.0,
        ),
        "bank_a": dict(
            learners=26,
            enrolled=20,
            started=15,
            completed_online=7,
            completed_classroom=6,
            completed=13,
        ),
        "bank_b": dict(learners=9, enrolled=9, started=9, completed_online=9),
        "banks_own": dict(learners=3, enrolled=3, started=1, completed_online=1),
        # What the association sees: itself and bank A (bank B does not share).
        "banks": dict(
            learners=29,
            enrolled=23,
            started=16,
            completed_online=8,
            completed_classroom=6,
            completed=14,
        ),
    }
    return {
        "period": PERIOD,
        "today": TODAY,
        "organisations": dict(
            police=police, north=north, south=south, banks=banks, bank_a=bank_a, bank_b=bank_b
        ),  # fmt: skip
        "courses": dict(police=police_course, bank=bank_course),
        "group": group,
        "expected": expected,
    }

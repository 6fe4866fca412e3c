"""Data of the benchmark's reporting rows (``bench.reporting``), made by ``bench.generate``:
the people who read the dashboards, classroom sessions (so that the figures include classroom
completions as real partners' do) and the certificates of the online completions, issued when
they were made (so that "certificates issued" and "expiring soon" count a history, and the
hourly sweep of a served stack finds nothing left to issue)."""

import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone

from accounts.models import User
from bench.db import bulk_write, db_datetime, next_id
from certificates.codes import CODE_ALPHABET

ISSUED_AFTER = timedelta(minutes=2)  # the worker's delay after the completion

CLASSROOM_ATTENDEES = 12


def reporting_people(analyst_id: int, coordinator_id: int) -> None:
    """The analyst (of the large unit) and the coordinator need an authenticator app: their
    pages are behind the two-factor gate (``academy.middleware``)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group as PlatformGroup

    from organisations.permissions import COORDINATOR_GROUP

    coordinator = User.objects.get(pk=coordinator_id)
    coordinator.groups.add(PlatformGroup.objects.get_or_create(name=COORDINATOR_GROUP)[0])
    for user in (User.objects.get(pk=analyst_id), coordinator):
        TOTP.activate(user, generate_totp_secret())


def classroom_sessions(rng, units, courses, members_of, trainer_ids, organisations, now):
    """Every unit's trainer taught one course in class twice in the past half year, to
    ``CLASSROOM_ATTENDEES`` learners of the unit and one person known by e-mail only."""
    from courses.models import ClassroomAttendance, ClassroomSession

    sessions, attendees = [], []
    for organisation in units:
        pool = members_of.get(organisation.pk, [])
        if not pool:
            continue
        course = courses[rng.randrange(len(courses))]
        trainer_id = trainer_ids[organisations.index(organisation)]
        for number in range(2):
            session = ClassroomSession(
                course=course,
                organisation=organisation,
                held_on=(now - timedelta(days=rng.randint(7, 180))).date(),
                trainer_id=trainer_id,
                location="Leslokaal",
            )
            sessions.append(session)
            people = rng.sample(pool, min(CLASSROOM_ATTENDEES, len(pool)))
            attendees.append(
                (session, people, f"gast{number}-{organisation.slug}@bench.example.org")
            )
    ClassroomSession.objects.bulk_create(sessions)
    rows = [
        ClassroomAttendance(session=session, user_id=user_id)
        for session, people, _email in attendees
        for user_id in people
    ] + [ClassroomAttendance(session=session, email=email) for session, _p, email in attendees]
    ClassroomAttendance.objects.bulk_create(rows, batch_size=5000)
    return len(sessions), len(rows)


def _codes(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct certificate codes (the format of ``certificates.codes``)."""
    codes: set[str] = set()
    while len(codes) < count:
        signs = "".join(rng.choice(CODE_ALPHABET) for _ in range(16))
        codes.add("-".join(signs[i : i + 4] for i in range(0, 16, 4)))
    return sorted(codes, key=lambda _code: rng.random())


def certificates_for_completions(rng: random.Random, courses) -> int:
    """A certificate for every completed enrolment, issued two minutes after the completion,
    with the course's validity; the enrolments note the issue as ``certificate_issue`` does.
    The PDF is rendered once per course by the real renderer and shared by that course's
    rows: the benchmark reads figures and single certificates, never the PDFs of these."""
    from certificates.models import Certificate
    from certificates.pdf import render_certificate_pdf
    from courses.models import Enrolment

    completions = list(
        Enrolment.objects.filter(completed_at__isnull=False)
        .order_by("pk")
        .values_list(
            "pk", "course_id", "version_completed", "completed_at", "user_id", "organisation_id"
        )
    )
    people = dict(
        User.objects.filter(pk__in={row[4] for row in completions}).values_list(
            "pk", "preferred_language"
        )
    )
    names = dict(User.objects.filter(pk__in=people).values_list("pk", "name"))
    by_id = {course.pk: course for course in courses}
    pdfs = {}
    for course in courses:
        sample = Certificate(
            code="BNCH-BNCH-BNCH-BNCH",
            holder_name="Deelnemer",
            course_title_nl=course.title_nl,
            course_title_en=course.title_en,
            course_version=course.version,
            completed_at=timezone.now(),
            issued_at=timezone.now(),
            study_load_minutes=course.minutes,
        )
        pdfs[course.pk] = render_certificate_pdf(sample)
    codes = _codes(rng, len(completions))
    first_id = next_id(Certificate)

    def rows():
        for number, ((pk, course_id, version, completed_at, user_id, org), code) in enumerate(
            zip(completions, codes, strict=True)
        ):
            course = by_id[course_id]
            months = course.certificate_validity_months
            expires = timezone.localdate(completed_at) + relativedelta(months=months)
            yield (
                first_id + number,
                pk,
                course_id,
                org,
                version or course.version,
                code,
                people[user_id] or "nl",
                names[user_id],
                course.title_nl,
                course.title_en,
                db_datetime(completed_at),
                rng.randint(1_800, 9_000),
                course.minutes,
                db_datetime(completed_at + ISSUED_AFTER),
                expires if months else None,
                pdfs[course_id],
            )

    count = bulk_write(
        Certificate,
        [
            "id",
            "enrolment_id",
            "course_id",
            "organisation_id",
            "course_version",
            "code",
            "language",
            "holder_name",
            "course_title_nl",
            "course_title_en",
            "completed_at",
            "study_seconds",
            "study_load_minutes",
            "issued_at",
            "expires_on",
            "pdf",
        ],
        rows(),
    )
    enrolments = connection.ops.quote_name(Enrolment._meta.db_table)
    certificates = connection.ops.quote_name(Certificate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {enrolments} SET certificate_issued_at = ("  # nosec B608: table names only
            f"SELECT MAX(c.issued_at) FROM {certificates} c WHERE c.enrolment_id = {enrolments}.id"
            ") WHERE completed_at IS NOT NULL"
        )
    return count

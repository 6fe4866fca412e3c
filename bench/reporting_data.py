"""Data of the benchmark's reporting rows (``bench.reporting``), made by ``bench.generate``:
the people who read the dashboards and classroom sessions, so that the figures include
classroom completions as real partners' do."""

from datetime import timedelta

from accounts.models import User

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

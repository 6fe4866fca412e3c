"""Demo classroom sessions for ``manage.py seed_demo`` (never in production), called by
``academy.demo_learning.seed_learning`` after the online history.

- The police module ("politie-bejegening-aangifte") is also taught in class: the police
  academy and the two police units hold a session every month or two, with members of their
  groups and aspiring officers who have no account here (e-mail only). The fixed demo learner
  is left out: her My learning tells the online story of ``academy.demo_learning``.
- The sex-worker-led alliance (SWAD) trains bank staff in person: its trainer teaches the
  business-services course at each bank, recorded by the bank's trainer.

Sessions are spread over the last eight months. Everything goes through
``courses.classroom.classroom_session_record``; a series is only made when its organisation
has no session of that course yet, so a second run (also on a later day) changes nothing. A fixed
random seed keeps the figures the same on every fresh database.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from academy import demo
from accounts.models import User
from courses.classroom import classroom_session_record
from courses.models import ClassroomSession, Course
from organisations.models import GroupMember, Organisation

SEED = 20260602
POLICE_COURSE = "politie-bejegening-aangifte"
BANK_COURSE = "zakelijke-dienstverlening"


@dataclass(frozen=True)
class DemoSeries:
    organisation: str
    course: str
    days_ago: tuple[int, ...]  # when the sessions were held
    location: str
    guests: tuple[int, int]  # attendees without an account per session (min, max)
    members: float  # share of the organisation's group members who attend one session
    taught_by: str = ""  # another organisation's trainer (default: the organisation's own)


SERIES = [
    DemoSeries(
        "politieacademie",
        POLICE_COURSE,
        (236, 201, 158, 122, 87, 52, 24, 9),
        "Politieacademie, Apeldoorn",
        (10, 18),
        0.35,
    ),
    DemoSeries(
        "politie-amsterdam",
        POLICE_COURSE,
        (214, 143, 71, 19),
        "Bureau Lijnbaansgracht, Amsterdam",
        (6, 12),
        0.6,
    ),
    DemoSeries(
        "politie-midden-nederland",
        POLICE_COURSE,
        (190, 98, 33),
        "Bureau Paardenveld, Utrecht",
        (6, 10),
        0.6,
    ),
    DemoSeries(
        "bank-noord",
        BANK_COURSE,
        (205, 110, 40),
        "Spaarbank Noord, Groningen",
        (8, 14),
        0.7,
        taught_by="swad",
    ),
    DemoSeries(
        "bank-midden",
        BANK_COURSE,
        (176, 64),
        "Handelsbank Midden, Utrecht",
        (10, 16),
        0.7,
        taught_by="swad",
    ),
    DemoSeries(
        "bank-zuid",
        BANK_COURSE,
        (150, 45, 12),
        "Coöperatieve Bank Zuid, Eindhoven",
        (8, 12),
        0.7,
        taught_by="swad",
    ),
]


def _trainer(slug: str) -> User | None:
    email = (
        demo.FIXED_LOGINS["trainer"] if slug == "politieacademie" else f"trainer.{slug}@example.org"
    )
    return User.objects.filter(email=email).first()


@transaction.atomic
def seed_classroom(*, today: date | None = None) -> dict[str, int]:
    """Create the demo classroom sessions (see the module docstring); return totals."""
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    courses = {
        c.slug: c
        for c in Course.objects.filter(
            slug__in={s.course for s in SERIES}, status=Course.Status.PUBLISHED
        )
    }
    organisations = Organisation.objects.in_bulk(
        [s.organisation for s in SERIES], field_name="slug"
    )
    guest_number = 0
    for series in SERIES:
        course = courses.get(series.course)
        organisation = organisations.get(series.organisation)
        recorder = _trainer(series.organisation)
        teacher = _trainer(series.taught_by) if series.taught_by else recorder
        if course is None or organisation is None or recorder is None:
            continue
        if ClassroomSession.objects.filter(organisation=organisation, course=course).exists():
            continue  # seeded before (perhaps on another day)
        members = list(
            GroupMember.objects.filter(group__organisation=organisation)
            .exclude(user__email=demo.FIXED_LOGINS["learner"])  # her story is online
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .distinct()
        )
        for days_ago in series.days_ago:
            held_on = today - timedelta(days=days_ago)
            guests = rng.randint(*series.guests)
            chosen = [pk for pk in members if rng.random() < series.members]
            start, guest_number = guest_number, guest_number + guests
            classroom_session_record(
                recorded_by=recorder,
                organisation=organisation,
                course=course,
                held_on=held_on,
                member_ids=chosen,
                emails=[
                    f"deelnemer{start + n + 1}.{series.organisation}@example.org"
                    for n in range(guests)
                ],
                location=series.location,
                trainer=teacher,
            )
    return {"classroom sessions": ClassroomSession.objects.count()}

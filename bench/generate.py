"""A data generator at scale for the benchmark.

``BENCH_SCALE`` (default 1.0) sets the size: 200 organisations, 100,000 learners and 1,000,000
lesson-progress rows at 1.0; ``BENCH_SCALE=0.01`` makes a quick data set. What it makes:

- courses: the real catalogue from ``content/`` (when it loads), topped up with synthetic
  published courses of 15 lessons until there are six (``bench.courses``);
- an organisation tree (8 roots, the rest as their units) made with
  ``organisations.services.organisation_create`` so the materialised paths are right; one
  "large" police unit holds 20,000 × scale of the learners (``Plan.large_learners``: 20 % of
  them), the rest are spread evenly over the other units;
- learners (one shared, pre-computed password hash), one trainer per organisation; an analyst
  of the large unit and a coordinator (platform role), both with an authenticator app, for the
  reporting rows (``bench.reporting``);
- groups: the large unit's trainer has one group of 500 × scale learners (at least 50) with three
  assigned courses (one past its due date); other organisations get two groups of 25 with one
  assigned course each;
- enrolments (about two per learner; assigned courses for group members) and lesson progress,
  with consistent counters (``lessons_completed``, ``progress_percent``, ``completed_at``);
- classroom sessions over the past half year: every unit's trainer taught one course in class
  twice, to learners of the unit (``CLASSROOM_ATTENDEES`` each).

The big tables are written with PostgreSQL's ``COPY`` (psycopg 3) or, on SQLite, with
``executemany`` in batches. Ids are allocated here and the sequences reset afterwards.
The numbers are random but seeded, so two runs at one scale make the same data.
"""

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from bench.courses import courses_for_bench
from bench.db import (
    bulk_write,
    db_datetime,
    marker_clear,
    marker_write,
    next_id,
    reset_sequences,
)
from bench.reporting_data import (
    certificates_for_completions,
    classroom_sessions,
    reporting_people,
)
from certificates.models import Certificate
from courses.models import Assignment, Enrolment, Lesson, LessonProgress
from organisations.models import Group, GroupMember, Membership, Organisation
from organisations.services import organisation_create

PASSWORD = "bench-password"
SEED = 20240611
SMALL_GROUP = 25

FIRST_NAMES = (
    "Anna Bram Cas Daan Emma Fatima Gijs Hanna Ilse Jesse Kim Lotte Mohamed Noor Olga Pieter "
    "Quinten Rosa Sanne Tim Umut Vera Wouter Yara Zeynep Lucas Sophie Milan Julia Sem Eva"
).split()
LAST_NAMES = (
    "de Jong,Jansen,de Vries,van den Berg,van Dijk,Bakker,Visser,Smit,Meijer,de Boer,Mulder,"
    "de Groot,Bos,Vos,Peters,Hendriks,Yilmaz,El Amrani,Kaya,Dekker,Brouwer,van Leeuwen"
).split(",")
ROOTS = (
    ("Politie", "police"),
    ("Nederlandse Vereniging van Banken", "bank"),
    ("Vereniging van Nederlandse Gemeenten", "municipality"),
    ("Zorgverzekeraars en zorgaanbieders", "healthcare"),
    ("Rijksoverheid", "government"),
    ("Opleidingsinstituten", "education"),
    ("Alliantie sekswerkers", "alliance"),
    ("Overige partners", "other"),
)


# Data made by an older generator is made again (2: certificates of the completions;
# 3: with their course and organisation).
GENERATOR_VERSION = 3


@dataclass(frozen=True)
class Plan:
    scale: float
    organisations: int
    learners: int
    progress_rows: int
    big_group: int
    large_learners: int  # learners of the one large organisation (20,000 at full scale)

    @classmethod
    def for_scale(cls, scale: float) -> "Plan":
        learners = max(200, round(100_000 * scale))
        big_group = max(50, round(500 * scale))
        return cls(
            scale=scale,
            organisations=max(len(ROOTS) + 2, round(200 * scale)),
            learners=learners,
            progress_rows=max(1000, round(1_000_000 * scale)),
            big_group=big_group,
            # at least the big group and two small groups, at most half of everyone
            large_learners=min(
                max(round(20_000 * scale), big_group + 2 * SMALL_GROUP), learners // 2
            ),
        )


# --- the parts ------------------------------------------------------------------------------


def organisations_for_bench(plan: Plan) -> tuple[list[Organisation], Organisation]:
    roots = [
        organisation_create(name=name, slug=f"bench-{kind}", kind=kind, themes=[1])
        for name, kind in ROOTS
    ]
    units = []
    for number in range(plan.organisations - len(roots)):
        parent = roots[number % len(roots)]
        units.append(
            organisation_create(
                name=f"{parent.name} – eenheid {number // len(roots) + 1}",
                slug=f"{parent.slug}-{number // len(roots) + 1}",
                kind=parent.kind,
                parent=parent,
            )
        )
    return roots + units, units[0]


@dataclass
class EnrolmentPlan:
    user_id: int
    course_index: int
    organisation_id: int
    source: str
    touched: int = 0  # lessons with a progress row


def _touched(rng: random.Random, lessons: int) -> int:
    """A realistic spread: a sixth not started, a fifth complete, the rest partway."""
    draw = rng.random()
    if draw < 0.16:
        return 0
    if draw < 0.36:
        return lessons
    return rng.randint(1, lessons - 1)


def _balance(rng: random.Random, plans: list[EnrolmentPlan], sizes: list[int], target: int):
    """Nudge the lessons touched, one lesson per enrolment per round, until the progress rows
    add up to ``target`` exactly (or every enrolment is full or empty)."""
    total = sum(p.touched for p in plans)
    target = min(target, sum(sizes[p.course_index] for p in plans))
    order = list(range(len(plans)))
    while total != target:
        rng.shuffle(order)
        changed = False
        for index in order:
            if total == target:
                break
            item = plans[index]
            if total < target and item.touched < sizes[item.course_index]:
                item.touched += 1
                total += 1
                changed = True
            elif total > target and item.touched > 0:
                item.touched -= 1
                total -= 1
                changed = True
        if not changed:
            break
    return total


def generate(plan: Plan, *, log: Callable[[str], None] = print) -> dict:
    """Fill the (empty) database; returns the marker info (counts, scenario context, timings)."""
    rng = random.Random(SEED)
    started = time.perf_counter()
    now = timezone.now()
    marker_clear()
    with transaction.atomic():
        courses = courses_for_bench(rng, log)
        lessons = {
            course.pk: list(
                Lesson.objects.filter(course=course, is_active=True)
                .order_by("position")
                .values_list("pk", "slug")
            )
            for course in courses
        }
        sizes = [len(lessons[c.pk]) for c in courses]
        organisations, large = organisations_for_bench(plan)
        log(f"organisations: {len(organisations)}; courses: {len(courses)} ({sum(sizes)} lessons)")

        # People: learners, then one trainer per organisation.
        password = make_password(PASSWORD)
        first_user = next_id(User)
        learner_ids = list(range(first_user, first_user + plan.learners))
        trainer_ids = list(range(learner_ids[-1] + 1, learner_ids[-1] + 1 + len(organisations)))
        analyst_id, coordinator_id = trainer_ids[-1] + 1, trainer_ids[-1] + 2
        joined = db_datetime(now - timedelta(days=365))

        def people() -> Iterator[tuple]:
            for index, pk in enumerate(learner_ids):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                language = "en" if index % 5 == 0 else "nl"
                yield (pk, f"learner{index}@bench.example.org", name, password, language, joined)
            for index, pk in enumerate(trainer_ids):
                name = f"Trainer {organisations[index].name}"
                yield (pk, f"trainer{index}@bench.example.org", name, password, "nl", joined)
            yield (analyst_id, "analyst@bench.example.org", "Analist Groot", password, "nl", joined)
            yield (
                coordinator_id,
                "coordinator@bench.example.org",
                "Coördinator Landelijk",
                password,
                "nl",
                joined,
            )

        users = bulk_write(
            User,
            ["id", "email", "name", "password", "preferred_language", "date_joined"],
            people(),
        )
        log(f"users: {users}")

        # Memberships: Plan.large_learners in the large unit, the rest spread over the others.
        units = [o for o in organisations if o.parent_id]
        others = [o for o in units if o.pk != large.pk]
        large_count = plan.large_learners
        home: dict[int, int] = {}
        for index, pk in enumerate(learner_ids):
            home[pk] = large.pk if index < large_count else others[index % len(others)].pk
        created = db_datetime(now - timedelta(days=300))
        first_membership = next_id(Membership)

        def memberships() -> Iterator[tuple]:
            number = first_membership
            for pk in learner_ids:
                yield (number, pk, home[pk], "learner", created)
                number += 1
            for index, pk in enumerate(trainer_ids):
                yield (number, pk, organisations[index].pk, "trainer", created)
                number += 1
            yield (number, analyst_id, large.pk, "analyst", created)

        membership_count = count = bulk_write(
            Membership, ["id", "user_id", "organisation_id", "role", "created_at"], memberships()
        )
        log(f"memberships: {count}")
        reporting_people(analyst_id, coordinator_id)

        # Groups and their assignments.
        members_of: dict[int, list[int]] = {}
        for pk in learner_ids:
            members_of.setdefault(home[pk], []).append(pk)
        bench_trainer = trainer_ids[organisations.index(large)]
        big_group = Group.objects.create(organisation=large, name="Basisteam Groot")
        group_members = {big_group.pk: members_of[large.pk][: plan.big_group]}
        due = timezone.localdate()
        assignments = [
            Assignment(
                organisation=large,
                course=courses[index],
                group=big_group,
                due_date=due + timedelta(days=days),
                assigned_by_id=bench_trainer,
            )
            for index, days in ((0, 14), (1, -7), (2, 30))
        ]
        assigned_courses: dict[int, list[int]] = {big_group.pk: [0, 1, 2]}
        for organisation in units:
            pool = members_of.get(organisation.pk, [])
            if organisation.pk == large.pk:
                pool = pool[plan.big_group :]
            trainer_id = trainer_ids[organisations.index(organisation)]
            for letter in "AB":
                if len(pool) < SMALL_GROUP:
                    break
                group = Group.objects.create(organisation=organisation, name=f"Groep {letter}")
                group_members[group.pk], pool = pool[:SMALL_GROUP], pool[SMALL_GROUP:]
                course_index = rng.randrange(len(courses))
                assigned_courses[group.pk] = [course_index]
                assignments.append(
                    Assignment(
                        organisation=organisation,
                        course=courses[course_index],
                        group=group,
                        due_date=due + timedelta(days=rng.randint(-20, 40)),
                        assigned_by_id=trainer_id,
                    )
                )
        Assignment.objects.bulk_create(assignments)
        first_member = next_id(GroupMember)
        group_member_count = count = bulk_write(
            GroupMember,
            ["id", "group_id", "user_id", "added_at"],
            (
                (first_member + n, group_id, user_id, created)
                for n, (group_id, user_id) in enumerate(
                    (g, u) for g, users_ in group_members.items() for u in users_
                )
            ),
        )
        log(f"groups: {len(group_members)} ({count} members); assignments: {len(assignments)}")

        # Enrolments: assigned courses of one's groups, plus a few chosen ones.
        assigned_to: dict[int, set[int]] = {}
        for group_id, users_ in group_members.items():
            for user_id in users_:
                assigned_to.setdefault(user_id, set()).update(assigned_courses[group_id])
        plans: list[EnrolmentPlan] = []
        for pk in learner_ids:
            assigned = assigned_to.get(pk, set())
            own = set(rng.sample(range(len(courses)), rng.choice((0, 1, 1, 2, 2, 2, 3))))
            for index in sorted(assigned | own):
                source = "assigned" if index in assigned else "self"
                plans.append(EnrolmentPlan(pk, index, home[pk], source))
        for enrolment_plan in plans:
            enrolment_plan.touched = _touched(rng, sizes[enrolment_plan.course_index])
        _balance(rng, plans, sizes, plan.progress_rows)

        first_enrolment = next_id(Enrolment)
        progress_id = next_id(LessonProgress)
        enrolment_rows: list[tuple] = []
        progress_rows: list[tuple] = []
        context_learner = None
        for number, item in enumerate(plans):
            pk = first_enrolment + number
            course = courses[item.course_index]
            course_lessons = lessons[course.pk]
            size = len(course_lessons)
            start = now - timedelta(days=rng.randint(2, 180), minutes=rng.randint(0, 1440))
            touched = item.touched
            done = touched if touched == size else max(0, touched - rng.randint(0, 1))
            moment = start
            last_seen = None
            for position in range(touched):
                moment = min(moment + timedelta(minutes=rng.randint(5, 2000)), now)
                seen = db_datetime(moment)
                progress_rows.append(
                    (
                        progress_id,
                        pk,
                        course_lessons[position][0],
                        seen,
                        seen,
                        seen if position < done else None,
                        rng.randint(60, 900),
                    )
                )
                progress_id += 1
                last_seen = moment
            complete = touched == size
            if (
                context_learner is None
                and item.source == "assigned"
                and item.course_index == 0
                and home[item.user_id] == large.pk
                and 1 <= done < size - 1
                and touched == done
            ):
                context_learner = {
                    "learner": item.user_id,
                    "course": course.slug,
                    "lesson": course_lessons[done][1],
                }
            enrolment_rows.append(
                (
                    pk,
                    item.user_id,
                    course.pk,
                    item.organisation_id,
                    item.source,
                    course.version,
                    course.version if complete else None,
                    db_datetime(start - timedelta(days=1)),
                    db_datetime(start) if touched else None,
                    db_datetime(last_seen) if complete else None,
                    db_datetime(last_seen),
                    course_lessons[done - 1][0] if done else None,
                    course_lessons[touched - 1][0] if touched else None,
                    done,
                    100 if complete else done * 100 // size,
                )
            )
        enrolment_count = bulk_write(
            Enrolment,
            [
                "id",
                "user_id",
                "course_id",
                "organisation_id",
                "source",
                "version_started",
                "version_completed",
                "created_at",
                "started_at",
                "completed_at",
                "last_activity_at",
                "last_lesson_id",
                "last_opened_lesson_id",
                "lessons_completed",
                "progress_percent",
            ],
            enrolment_rows,
        )
        progress_total = bulk_write(
            LessonProgress,
            [
                "id",
                "enrolment_id",
                "lesson_id",
                "first_seen_at",
                "last_seen_at",
                "completed_at",
                "seconds_spent",
            ],
            progress_rows,
        )
        del enrolment_rows, progress_rows
        log(f"enrolments: {enrolment_count}; lesson progress: {progress_total}")
        sessions, attendances = classroom_sessions(
            rng, units, courses, members_of, trainer_ids, organisations, now
        )
        log(f"classroom sessions: {sessions} ({attendances} attendances)")
        certificate_count = certificates_for_completions(rng, courses)
        log(f"certificates: {certificate_count}")
        reset_sequences(
            [User, Membership, Group, GroupMember, Enrolment, LessonProgress, Certificate]
        )

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    total_rows = users + membership_count + group_member_count + enrolment_count + progress_total
    info = {
        "scale": plan.scale,
        "generator": GENERATOR_VERSION,
        "plan": asdict(plan),
        "database": connection.vendor,
        "generated_at": now.isoformat(),
        "seconds": round(seconds, 1),
        "rows": total_rows,
        "rows_per_second": round(total_rows / seconds) if seconds else None,
        "counts": {
            "organisations": len(organisations),
            "courses": len(courses),
            "learners": plan.learners,
            "enrolments": enrolment_count,
            "lesson_progress": progress_total,
            "groups": len(group_members),
            "assignments": len(assignments),
            "large_organisation_learners": large_count,
            "classroom_sessions": sessions,
            "certificates": certificate_count,
        },
        "context": {
            "trainer": bench_trainer,
            "group": big_group.pk,
            "large_organisation": large.pk,
            "large_organisation_slug": large.slug,
            "analyst": analyst_id,
            "coordinator": coordinator_id,
            **(context_learner or {}),
        },
    }
    marker_write(info)
    log(f"generated in {seconds:.1f} s ({info['rows_per_second']} rows/s)")
    return info

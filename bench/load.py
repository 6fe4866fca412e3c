"""The load test of the benchmark: the production stack of ``make serve`` (``bench.stack``) on
loopback, with simulated learners, trainers and analysts (``bench.locustfile``) on the bench
data, then integrity checks on the database. Rows ``load_*`` (``BENCH_ONLY=load``).

Phases, all on one server in one run (``BENCH_LOAD_PHASE_SECONDS`` each, the mixed one
``BENCH_LOAD_SECONDS``), every simulated person without think time (a closed loop: the
server is saturated, so throughput is what the machine gives):

1. ``baseline``: as many people as the mixed run, all on a small signed-in page
   (``BASELINE_PATH``, the two-factor overview: login required, a handful of queries): the
   machine's limit for a signed-in request;
2. one phase per measured page alone (``lesson``, ``answer``, ``group``, ``dashboard``) with
   the mixed run's number of people of that role: that page's throughput, which
   ``ratio_to_baseline`` divides by the baseline's (the targets of ``TARGETS``);
3. ``mixed``: 200 learners (lessons, answer saves, hand-ins), 20 trainers on group pages, 5
   analysts on dashboards (× ``BENCH_LOAD_USERS``). Each row's ``per_second``, ``p50_ms`` and
   ``p95_ms`` are this run's.

Then, with the Celery worker still running: every answer the server confirmed is in the
database with the value sent last, every accepted hand-in is graded, and every completion of
the run that can be certified has its certificate (polled while the worker drains). 5xx
responses, connection errors and losses fail the rows.

The people sign in the way ``bench.scenarios`` does (``force_login``): their sessions are
written before the stack starts, under the secret key the stack is given. Signing in through
the form costs a password hash (PBKDF2, about a second of CPU each), which would make the
set-up of 225 people take minutes and measure nothing the rows are about.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from accounts.models import User
from bench.scenarios import BenchContext, suite

BASELINE_PATH = "/accounts/2fa/"
# row -> (request name, the phase measuring it alone, target share of the baseline)
ROWS = {
    "load_lesson_page": ("lesson_page", "lesson", 0.2),
    "load_answer_save": ("answer_save", "answer", 0.3),
    "load_quiz_submit": ("quiz_submit", None, None),
    "load_group_page": ("group_page", "group", 0.1),
    "load_dashboard": ("dashboard", "dashboard", 0.1),
    "load_baseline": ("baseline", "baseline", None),
}
# The other requests of the learners, whose errors count against a row.
ERRORS_COUNT_AGAINST = {
    "lesson_done": "load_lesson_page",
    "course_page": "load_lesson_page",
    "enrol": "load_lesson_page",
    "quiz_page": "load_quiz_submit",
    "quiz_start": "load_quiz_submit",
    "attempt_page": "load_quiz_submit",
    "review_page": "load_quiz_submit",
}
PEOPLE = {"learner": 200, "trainer": 20, "analyst": 5}
CERTIFICATE_WAIT_SECONDS = 120


def _env(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _courses() -> dict:
    from assessments.models import Quiz
    from courses.models import Course, Lesson

    finals = dict(
        Quiz.objects.filter(kind=Quiz.Kind.FINAL).values_list("course_id", "pk").order_by("pk")
    )
    courses = {}
    for course in Course.objects.filter(status=Course.Status.PUBLISHED).order_by("pk"):
        lessons = list(
            Lesson.objects.filter(course=course, is_active=True)
            .order_by("position")
            .values_list("slug", flat=True)
        )
        if lessons:
            courses[course.slug] = {
                "id": course.pk,
                "lessons": lessons,
                "quiz": finals.get(course.pk),
            }
    return courses


def _learners(count: int, courses: dict) -> list[dict]:
    """Learners who never took a quiz, with their enrolments in courses with a final quiz."""
    from django.db.models import Exists, OuterRef

    from assessments.models import Attempt
    from courses.models import Enrolment, LessonProgress

    by_id = {c["id"]: slug for slug, c in courses.items() if c["quiz"]}
    ids = list(
        User.objects.filter(memberships__role="learner", enrolments__course_id__in=by_id)
        .exclude(Exists(Attempt.objects.filter(user=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()[:count]
    )
    enrolments: dict[int, list[dict]] = {pk: [] for pk in ids}
    done: dict[int, list[str]] = {}
    for enrolment_id, slug in LessonProgress.objects.filter(
        enrolment__user_id__in=ids, completed_at__isnull=False
    ).values_list("enrolment_id", "lesson__slug"):
        done.setdefault(enrolment_id, []).append(slug)
    for pk, user_id, course_id in (
        Enrolment.objects.filter(user_id__in=ids, course_id__in=by_id)
        .order_by("pk")
        .values_list("pk", "user_id", "course_id")
    ):
        course = courses[by_id[course_id]]
        enrolments[user_id].append(
            {
                "course": by_id[course_id],
                "lessons": course["lessons"],
                "done": done.get(pk, []),
                "quiz": course["quiz"],
            }
        )
    return [{"id": pk, "enrolments": enrolments[pk]} for pk in ids]


def _trainers(ctx: BenchContext) -> list[dict]:
    """Trainers of organisations with groups, the big group's trainer first."""
    from organisations.models import Group, Membership

    groups: dict[int, list[int]] = {}
    for organisation_id, pk in Group.objects.order_by("pk").values_list("organisation_id", "pk"):
        groups.setdefault(organisation_id, []).append(pk)
    trainers = [
        {"id": user_id, "groups": groups[organisation_id]}
        for user_id, organisation_id in Membership.objects.filter(
            role="trainer", organisation_id__in=groups
        )
        .order_by("user_id")
        .values_list("user_id", "organisation_id")
    ]
    trainers.sort(key=lambda t: t["id"] != ctx.context.get("trainer"))
    return trainers


def _analysts(ctx: BenchContext) -> list[dict]:
    from allauth.mfa.models import Authenticator

    from organisations.models import Membership

    rows = (
        Membership.objects.filter(role="analyst")
        .filter(user__in=Authenticator.objects.values("user"))  # past the two-factor gate
        .order_by("user_id")
        .values_list("user_id", "organisation__slug")
    )
    analysts = [{"id": user_id, "path": f"/dashboard/{slug}/"} for user_id, slug in rows]
    analysts.sort(key=lambda a: a["id"] != ctx.context.get("analyst"))
    return analysts


def _sessions(people: list[dict], count: int, secret_key: str) -> list[dict]:
    """``count`` simulated people over ``people`` (round robin), each with its own session
    signed with the stack's key, as ``django.test.Client.force_login`` makes it."""
    if not people:
        return []
    users = User.objects.in_bulk([p["id"] for p in people])
    made = []
    with override_settings(SECRET_KEY=secret_key):
        for number in range(count):
            person = dict(people[number % len(people)])
            client = Client()
            client.force_login(users[person["id"]])
            person["cookie"] = client.cookies[settings.SESSION_COOKIE_NAME].value
            made.append(person)
    return made


def plan_for(ctx: BenchContext, secret_key: str) -> dict:
    factor = _env("BENCH_LOAD_USERS", 1.0)
    counts = {role: max(1, round(n * factor)) for role, n in PEOPLE.items()}
    courses = _courses()
    candidates = _learners(2 * counts["learner"], courses)
    learners = _sessions(candidates, len(candidates), secret_key)
    active, spare = learners[: counts["learner"]], learners[counts["learner"] :]
    counts["learner"] = len(active)
    trainers = _sessions(_trainers(ctx), counts["trainer"], secret_key)
    analysts = _sessions(_analysts(ctx), counts["analyst"], secret_key)
    counts.update(trainer=len(trainers), analyst=len(analysts))
    everyone = sum(counts.values())
    phase_seconds = _env("BENCH_LOAD_PHASE_SECONDS", 20)
    warmup = _env("BENCH_LOAD_WARMUP", 3)

    def phase(name, mode, seconds, **users):
        return {"name": name, "mode": mode, "seconds": seconds, "warmup": warmup, "users": users}

    from assessments.models import Choice

    correct: dict[str, list[str]] = {}
    for question_id, text_nl, text_en in Choice.objects.filter(is_correct=True).values_list(
        "question_id", "text_nl", "text_en"
    ):
        correct.setdefault(str(question_id), []).extend([text_nl.strip(), text_en.strip()])
    return {
        "host": "127.0.0.1",
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "baseline_path": BASELINE_PATH,
        "skill": _env("BENCH_LOAD_SKILL", 0.85),
        "phases": [
            phase("baseline", "baseline", phase_seconds, baseline=everyone),
            phase("lesson", "lesson", phase_seconds, learner=counts["learner"]),
            phase("answer", "answer", phase_seconds, learner=counts["learner"]),
            phase("group", "group", phase_seconds, trainer=counts["trainer"]),
            phase("dashboard", "dashboard", phase_seconds, analyst=counts["analyst"]),
            phase("mixed", "mixed", _env("BENCH_LOAD_SECONDS", 180), **counts),
        ],
        "learners": active,
        "spare_learners": spare,
        "baselines": [{"cookie": p["cookie"]} for p in learners],
        "trainers": trainers,
        "analysts": analysts,
        "courses": courses,
        "correct": correct,
    }


# --- after the run: nothing lost ------------------------------------------------------------


def lost_answers(saves: dict[str, list[int]]) -> int:
    """Confirmed answers whose last value is not in the database."""
    from assessments.models import Attempt, Response

    keys = [tuple(int(part) for part in key.split(":")) for key in saves]
    attempt_ids = {attempt for attempt, _question in keys}
    layouts = dict(Attempt.objects.filter(pk__in=attempt_ids).values_list("pk", "layout"))
    stored = {
        (attempt, question): sorted(selected)
        for attempt, question, selected in Response.objects.filter(
            attempt_id__in=attempt_ids
        ).values_list("attempt_id", "question_id", "selected")
    }
    lost = 0
    for (attempt, question), positions in zip(keys, saves.values(), strict=True):
        entry = next((e for e in layouts.get(attempt, []) if e["q"] == question), None)
        expected = sorted({entry["c"][p] for p in positions}) if entry else None
        if expected is None or stored.get((attempt, question)) != expected:
            lost += 1
    return lost


def lost_handins(attempt_ids: list[int]) -> int:
    """Accepted hand-ins that are not graded."""
    from assessments.models import Attempt

    graded = Attempt.objects.filter(
        pk__in=attempt_ids, status=Attempt.Status.SUBMITTED, score__isnull=False
    ).count()
    return len(attempt_ids) - graded


def certificates_due(learner_ids: list[int], since) -> tuple[int, int, int]:
    """Completions of the run, those that can be certified, and those still without a
    certificate after the worker had ``CERTIFICATE_WAIT_SECONDS`` to drain."""
    from certificates.models import Certificate
    from certificates.services import certificate_readiness
    from courses.models import Enrolment

    completed = list(
        Enrolment.objects.filter(user_id__in=learner_ids, completed_at__gte=since).select_related(
            "course", "user"
        )
    )
    due = {e.pk for e in completed if certificate_readiness(e).ready}
    deadline = time.monotonic() + CERTIFICATE_WAIT_SECONDS
    while True:
        issued = set(
            Certificate.objects.filter(enrolment_id__in=due).values_list("enrolment_id", flat=True)
        )
        if issued >= due or time.monotonic() > deadline:
            return len(completed), len(due), len(due - issued)
        time.sleep(1)


# --- the rows -------------------------------------------------------------------------------


def _missing(reason: str) -> list[dict]:
    print(f"  load: not run ({reason})")
    return [
        {"name": name, "p50_ms": None, "p95_ms": None, "queries": None, "status": "missing",
         "target_p95_ms": None, "target_queries": None, "target_per_second": None,
         "target_ratio": target, "note": reason}
        for name, (_request, _phase, target) in ROWS.items()
    ]  # fmt: skip


def rows_from(result: dict, checks: dict) -> list[dict]:
    phases = result["phases"]
    baseline = phases["baseline"]["names"].get("baseline", {})
    limit = baseline.get("per_second") or 0
    errors: Counter = Counter()
    for phase in phases.values():
        for name, numbers in phase["names"].items():
            row = ERRORS_COUNT_AGAINST.get(name) or f"load_{name}"
            errors[row, "5xx"] += numbers["errors_5xx"]
            errors[row, "other"] += numbers["errors_other"]
    rows = []
    for row_name, (name, alone, target) in ROWS.items():
        measured = (phases["baseline"] if name == "baseline" else phases["mixed"])["names"]
        numbers = measured.get(name)
        capacity = phases[alone]["names"].get(name, {}) if alone else {}
        expected = 302 if name == "quiz_submit" else 200
        row = {
            "name": row_name,
            "p50_ms": numbers and numbers["p50_ms"],
            "p95_ms": numbers and numbers["p95_ms"],
            "queries": None,
            "status": int(next(iter(numbers["statuses"]))) if numbers else "missing",
            "expected_status": expected,
            "target_p95_ms": None,
            "target_queries": None,
            "target_per_second": None,
            "target_ratio": target,
            "per_second": numbers["per_second"] if numbers else 0,
            "requests": numbers["count"] if numbers else 0,
            "statuses": numbers["statuses"] if numbers else {},
            "errors_5xx": errors[row_name, "5xx"],
            "errors_other": errors[row_name, "other"],
            "iterations": numbers["count"] if numbers else 0,
            "users": (phases["baseline"] if name == "baseline" else phases["mixed"])["users"],
            "seconds": (phases["baseline"] if name == "baseline" else phases["mixed"])["seconds"],
            "path": BASELINE_PATH if name == "baseline" else name,
        }
        if capacity:
            row["capacity_per_second"] = capacity["per_second"]
            row["capacity_p95_ms"] = capacity["p95_ms"]
            row["ratio_to_baseline"] = round(capacity["per_second"] / limit, 3) if limit else None
        if numbers and limit and name != "baseline":
            row["mixed_ratio"] = round(numbers["per_second"] / limit, 3)
        if row_name == "load_answer_save":
            row.update(answers_confirmed=checks["answers"], lost=checks["lost_answers"])
        if row_name == "load_quiz_submit":
            row.update(
                handins=checks["handins"],
                completions=checks["completions"],
                certificates_due=checks["certificates_due"],
                lost=checks["lost_handins"] + checks["lost_certificates"],
                lost_handins=checks["lost_handins"],
                lost_certificates=checks["lost_certificates"],
            )
        rows.append(row)
    return rows


@suite("load", rows=tuple(ROWS))
def load(ctx: BenchContext) -> list[dict]:
    from django.utils import timezone

    from bench.stack import ServeStack

    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        return _missing("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    secret_key = secrets.token_urlsafe(50)
    started = time.monotonic()
    plan = plan_for(ctx, secret_key)
    print(f"  load: {len(plan['learners'])} learners (+{len(plan['spare_learners'])} spare), "
          f"{len(plan['trainers'])} trainers, {len(plan['analysts'])} analysts signed in "
          f"in {time.monotonic() - started:.0f} s")  # fmt: skip
    if not plan["learners"]:
        return _missing("no learner without quiz attempts left: regenerate the data")
    connection.close()  # the stack's processes get their own connections
    workdir = Path(tempfile.mkdtemp(prefix="academy-load-"))
    plan_path, result_path = workdir / "plan.json", workdir / "result.json"
    since = timezone.now()
    stack = ServeStack(
        database_url=os.environ["DATABASE_URL"],
        redis_url=settings.REDIS_URL,
        web_concurrency=int(_env("BENCH_LOAD_WEB_CONCURRENCY", 3)),
        celery_concurrency=int(_env("BENCH_LOAD_CELERY_CONCURRENCY", 2)),
        extra_env={"SECRET_KEY": secret_key},
        migrate=False,
    )
    with stack:
        plan["base_url"] = stack.base_url
        plan_path.write_text(json.dumps(plan))
        print(
            f"  load: stack on {stack.base_url} after {time.monotonic() - started:.0f} s; {workdir}"
        )
        subprocess.run(
            [sys.executable, "-m", "bench.locustfile", str(plan_path), str(result_path)],
            cwd=Path(__file__).resolve().parent.parent,
            check=True,
        )
        result = json.loads(result_path.read_text())
        completions, due, missing = certificates_due(result["learners"], since)
        checks = {
            "answers": result["saves_confirmed"],
            "lost_answers": lost_answers(result["saves"]),
            "handins": len(result["handins"]),
            "lost_handins": lost_handins(result["handins"]),
            "completions": completions,
            "certificates_due": due,
            "lost_certificates": missing,
        }
        print(f"  load: checks {checks}")
        if any(n["errors_5xx"] for p in result["phases"].values() for n in p["names"].values()):
            print(f"  load: 5xx responses; the stack's log ends with:\n{stack.log()[-5000:]}")
    return rows_from(result, checks)

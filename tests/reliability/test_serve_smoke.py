"""`make serve` end to end: the Procfile's processes (gunicorn, Celery worker and beat, run by
honcho, ACADEMY_ENV=production) on loopback against the test database. A learner logs in
through the real login form, does the lessons and the final quiz over HTTP, and the stack's own
worker issues the certificate, whose PDF then downloads. Stopping the stack leaves no process.

Also: docker-compose runs the same commands as the Procfile.

Needs PostgreSQL and Redis (skipped without them; with CI=true it fails).
"""

import os
import shlex
import time
from pathlib import Path

import psutil
import pytest
import yaml
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from assessments.models import Attempt, Choice
from bench.stack import ServeStack, loopback_session
from certificates.models import Certificate
from courses.models import Enrolment
from tests.assessments.conftest import make_quiz
from tests.factories import PASSWORD, CourseFactory, LessonFactory, MemberFactory
from tests.reliability.worker_pages import read_page
from tests.reliability.worker_services import (
    database_url_for_processes,
    own_redis_url,
    require_postgres,
)

BASE_DIR = Path(__file__).resolve().parents[2]
STACK_REDIS_DATABASE = 7
CERTIFICATE_WAIT_SECONDS = 60


def _stack_processes(honcho: psutil.Process) -> list[psutil.Process]:
    """honcho and everything it started (each program runs in a process group of its own)."""
    return [honcho, *honcho.children(recursive=True)]


def _in_groups(pgids: set[int]) -> list[psutil.Process]:
    """The live processes of these process groups."""
    found = []
    for process in psutil.process_iter(["pid", "cmdline", "status"]):
        try:
            if process.info["status"] != psutil.STATUS_ZOMBIE and os.getpgid(process.pid) in pgids:
                found.append(process)
        except (ProcessLookupError, psutil.Error):
            continue
    return found


def _wait_for(condition, timeout: float, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return condition()


def _certifiable_course():
    """Two lessons and a final quiz of three single-choice questions (right choice stored
    first; the attempt shuffles them)."""
    course = CourseFactory(title_nl="Respectvol contact", title_en="Respectful contact")
    first = LessonFactory(module__course=course, course=course, position=1)
    LessonFactory(module=first.module, course=course, position=2)
    quiz = make_quiz(course=course, questions=3, pass_mark=70)
    return course, quiz


def _right_values(attempt: Attempt, choices: dict[str, list[str]]) -> dict[str, str]:
    """For each question field on the form (``q<question id>``), the shown value that stands
    for the right choice: the value is a position in the attempt's frozen layout."""
    layout = {str(entry["q"]): entry["c"] for entry in attempt.layout}
    right = set(
        Choice.objects.filter(
            question_id__in=[int(q) for q in layout], is_correct=True
        ).values_list("pk", flat=True)
    )
    answers = {}
    for name, values in choices.items():
        shown = layout[name.removeprefix("q")]
        answers[name] = next(v for v in values if shown[int(v)] in right)
    return answers


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_learner_gets_a_certificate_from_the_served_stack():
    require_postgres()
    redis_url = own_redis_url(STACK_REDIS_DATABASE)
    course, quiz = _certifiable_course()
    learner = MemberFactory(user__name="Ayşe Kılıç", user__email="ayse@example.org").user
    # The stack checks passwords with the default hashers (the tests' settings use MD5).
    hasher = PBKDF2PasswordHasher()
    learner.password = hasher.encode(PASSWORD, hasher.salt())
    learner.save(update_fields=["password"])
    stack = ServeStack(
        database_url=database_url_for_processes(),
        redis_url=redis_url,
        web_concurrency=2,
        celery_concurrency=1,
        extra_env={"CERTIFICATE_RULES_SINCE": "2026-01-01"},
    )
    with stack:
        honcho = psutil.Process(stack.process.pid)
        running = {" ".join(p.cmdline()) for p in _stack_processes(honcho)}
        for program in ("gunicorn", "celery -A academy worker", "celery -A academy beat"):
            assert any(program in line for line in running), (program, running)
        session = loopback_session()

        login = read_page(session.get(stack.url("/accounts/login/")))
        form = login.form("/accounts/login/")
        assert form.fields["csrfmiddlewaretoken"]
        response = session.post(
            form.action,
            data=form.data(login="ayse@example.org", password=PASSWORD),
            headers={"Referer": login.url},
        )
        assert response.status_code == 200 and "/accounts/login/" not in response.url, (
            response.status_code,
            response.url,
            response.text[:3000],
        )

        course_page = read_page(session.get(stack.url(f"/courses/{course.slug}/")))
        enrol = course_page.form(f"/courses/{course.slug}/enrol/")
        course_page = read_page(session.post(enrol.action, data=enrol.data()))
        lessons = course_page.links_to(f"/courses/{course.slug}/lessons/")
        assert len(lessons) == 2
        for lesson_url in lessons:
            lesson = read_page(session.get(lesson_url))
            done = lesson.form("/done/")
            read_page(session.post(done.action, data=done.data()))
        enrolment = Enrolment.objects.get(user=learner, course=course)
        assert enrolment.lessons_completed == 2 and enrolment.completed_at is None

        course_page = read_page(session.get(stack.url(f"/courses/{course.slug}/")))
        quiz_page = read_page(session.get(course_page.link(f"/assessments/quizzes/{quiz.pk}/")))
        start = quiz_page.form(f"/assessments/quizzes/{quiz.pk}/start/")
        attempt_page = read_page(session.post(start.action, data=start.data()))
        attempt = Attempt.objects.get(enrolment=enrolment, quiz=quiz)
        hand_in = attempt_page.form(f"/assessments/attempts/{attempt.pk}/save/")
        assert set(hand_in.choices) == {f"q{entry['q']}" for entry in attempt.layout}
        answers = _right_values(attempt, hand_in.choices)
        review = session.post(hand_in.action, data=hand_in.data(**answers, submit="1"))
        assert review.status_code == 200 and "/review/" in review.url, review.url
        attempt.refresh_from_db()
        assert attempt.status == Attempt.Status.SUBMITTED and attempt.passed
        enrolment.refresh_from_db()
        assert enrolment.completed_at is not None

        certificate = _wait_for(
            lambda: Certificate.objects.filter(enrolment=enrolment).first(),
            timeout=CERTIFICATE_WAIT_SECONDS,
        )
        assert certificate is not None, stack.log()
        assert certificate.holder_name == "Ayşe Kılıç"
        course_page = read_page(session.get(stack.url(f"/courses/{course.slug}/")))
        pdf = session.get(course_page.link(f"/certificates/{certificate.code}/pdf/"))
        assert pdf.status_code == 200
        assert pdf.headers["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        assert Certificate.objects.filter(enrolment=enrolment).count() == 1
        members = _stack_processes(honcho)
        pgids = {os.getpgid(p.pid) for p in members}
        # honcho; gunicorn and its 2 workers; the Celery worker and its child; beat (and the
        # shells honcho runs them through, where the shell does not exec).
        assert len(members) >= 7, [p.cmdline() for p in members]
        assert len(pgids) >= 4  # honcho's own group and one per program

    assert stack.process.returncode is not None
    assert _wait_for(lambda: not _in_groups(pgids), timeout=15), [
        p.info["cmdline"] for p in _in_groups(pgids)
    ]
    assert not [p for p in members if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


# --- docker-compose runs what the Procfile runs ------------------------------------------------


def _procfile_commands() -> dict[str, list[str]]:
    commands = {}
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            commands[name.strip()] = shlex.split(command)
    return commands


def _compose_argv(command) -> list[str]:
    """What the container's shell runs: ``sh -c "exec ..."``, with compose's ``$$`` escape
    turned back into the ``$`` the shell sees."""
    if isinstance(command, str):
        command = shlex.split(command)
    assert command[:2] == ["sh", "-c"], command
    argv = shlex.split(command[2].replace("$$", "$"))
    assert argv[0] == "exec", argv  # the program replaces the shell: it gets the signals
    return argv[1:]


def test_docker_compose_runs_the_procfile_commands():
    procfile = _procfile_commands()
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]
    assert set(procfile) == {"web", "worker", "beat"}
    for name, argv in procfile.items():
        assert _compose_argv(compose[name]["command"]) == argv, name
    # In the container gunicorn listens on every interface (the Procfile's default: loopback).
    assert compose["web"]["environment"]["HOST"] == "0.0.0.0"


# Stacks, workers and Redis databases of their own: one test process runs them all, in turn.
pytestmark = pytest.mark.xdist_group("reliability")

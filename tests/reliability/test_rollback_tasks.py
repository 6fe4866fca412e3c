"""A task queued inside a transaction that rolls back never runs; queued inside one that
commits, it runs. Every place that queues a task does so after the commit
(``transaction.on_commit``, or the outbox, which writes the task in the transaction and sends it
after the commit): checked in the source, and on a real Celery worker (Redis as broker, the
worker of tests/integration) for certificate issuance (completion, evaluation, the sweep), the
bulk invitation and the national progress report.

The worker takes its queue in order, one task at a time: once the task queued after a rolled
back one (the positive control) has run, the rolled back one would have run before it.

Skipped without REDIS_URL, except in CI (CI=true), where a missing Redis fails the test.
"""

import ast
import threading
from datetime import date
from pathlib import Path

import pytest
from celery.signals import task_prerun
from django.db import transaction
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificate_issue_later
from certificates.sweep import certificates_sweep
from courses.models import Enrolment
from courses.services import enrol, lesson_complete, lesson_open
from organisations.models import InvitationBatch
from organisations.services import invitation_batch_create
from reporting.models import ProgressReport
from reporting.national import progress_report_request
from tests.apps import OUR_APPS
from tests.certificates.helpers import one_lesson_course
from tests.factories import MemberFactory, UserFactory
from tests.integration.conftest import celery_worker, redis_url  # noqa: F401 - fixtures
from tests.integration.helpers import wait_for

BASE_DIR = Path(__file__).resolve().parents[2]
APPS = OUR_APPS
SENDS = {"delay", "apply_async", "send_task"}
# The outbox sends the tasks written in a committed transaction (after that commit, or later
# from the relay): it is the after-commit path itself.
AFTER_COMMIT_SENDERS = {Path("accounts/outbox.py")}


class Boom(Exception):
    pass


@pytest.fixture
def ran():
    """The names and arguments of the tasks the worker started, in order."""
    started: list[tuple[str, list]] = []
    lock = threading.Lock()

    def note(sender=None, args=None, **kwargs):
        with lock:
            started.append((sender.name, list(args or [])))

    task_prerun.connect(note, weak=False)
    yield started
    task_prerun.disconnect(note)


def _names(started) -> list[str]:
    return [name for name, _ in started]


def _rolled_back(work):
    with pytest.raises(Boom), transaction.atomic():
        work()
        raise Boom


# --- the source: every task is queued after a commit --------------------------------------------


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _is_on_commit(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute | ast.Name)
        and getattr(node.func, "attr", getattr(node.func, "id", None)) == "on_commit"
    )


def _after_commit(call: ast.Call, parents, tree) -> bool:
    """Inside a lambda given to ``on_commit``, or a nested function whose name is."""
    node = call
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Lambda) and _is_on_commit(parents.get(node)):
            return True
        if isinstance(node, ast.FunctionDef):
            outer = parents.get(node)
            return any(
                _is_on_commit(inner)
                and any(isinstance(a, ast.Name) and a.id == node.name for a in inner.args)
                for inner in ast.walk(outer)
            )
    return False


def test_every_task_in_the_code_is_queued_after_the_commit():
    direct = []
    for app in APPS:
        for path in sorted((BASE_DIR / app).rglob("*.py")):
            relative = path.relative_to(BASE_DIR)
            if "migrations" in relative.parts or relative in AFTER_COMMIT_SENDERS:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            parents = _parents(tree)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SENDS
                    and not _after_commit(node, parents, tree)
                ):
                    direct.append(f"{relative}:{node.lineno}")
    assert direct == [], "queued without transaction.on_commit / the outbox"


def test_the_source_check_sees_a_direct_delay():
    tree = ast.parse(
        "def f():\n"
        "    task.delay(1)\n"
        "    transaction.on_commit(lambda: task.delay(2))\n"
        "    def later():\n"
        "        task.delay(3)\n"
        "    transaction.on_commit(later)\n"
    )
    parents = _parents(tree)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.func.attr == "delay"]
    verdicts = {call.args[0].value: _after_commit(call, parents, tree) for call in calls}
    assert verdicts == {1: False, 2: True, 3: True}


# --- on a real worker ---------------------------------------------------------------------------


def _opened():
    course = one_lesson_course()
    enrolment = enrol(user=MemberFactory().user, course=course)
    lesson = course.lessons.get()
    lesson_open(enrolment=enrolment, lesson=lesson)
    return enrolment, lesson


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_a_completion_rolled_back_issues_no_certificate(ran):
    rolled_back, rolled_back_lesson = _opened()
    _rolled_back(lambda: lesson_complete(enrolment=rolled_back, lesson=rolled_back_lesson))
    later = Enrolment.objects.get(pk=rolled_back.pk)
    assert later.completed_at is None

    committed, lesson = _opened()
    with transaction.atomic():
        lesson_complete(enrolment=committed, lesson=lesson)

    assert wait_for(lambda: Certificate.objects.filter(enrolment=committed).exists())
    assert ("certificates.tasks.issue_certificate", [committed.pk]) in ran
    assert not any(rolled_back.pk in args for _, args in ran)
    assert not Certificate.objects.filter(enrolment=rolled_back).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_issuance_queued_in_a_rolled_back_transaction_never_runs(ran):
    """The evaluation's path (``certificate_issue_later``) and the sweep."""
    enrolment, _ = _opened()
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now())
    _rolled_back(lambda: certificate_issue_later(enrolment_id=enrolment.pk))
    _rolled_back(certificates_sweep)

    with transaction.atomic():
        assert certificates_sweep() == 1

    assert wait_for(lambda: "certificates.tasks.issue_certificates" in _names(ran))
    assert wait_for(lambda: Certificate.objects.filter(enrolment=enrolment).exists())
    assert _names(ran) == ["certificates.tasks.issue_certificates"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_a_bulk_invitation_rolled_back_is_never_processed(ran, org_admin, organisation):
    def upload(name):
        return invitation_batch_create(
            organisation=organisation,
            actor=org_admin,
            filename=f"{name}.csv",
            csv_text=f"email;name;role\n{name}@example.org;{name};learner\n",
        )

    _rolled_back(lambda: upload("teruggedraaid"))
    assert not InvitationBatch.objects.exists()
    with transaction.atomic():
        batch = upload("bevestigd")

    assert wait_for(
        lambda: InvitationBatch.objects.get(pk=batch.pk).status == InvitationBatch.Status.DONE
    )
    processed = [args for name, args in ran if name.endswith("process_invitation_batch")]
    assert processed == [[batch.pk]]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_a_progress_report_rolled_back_is_never_made(ran):
    coordinator = UserFactory()
    period = {"start": date(2026, 1, 1), "end": date(2026, 6, 30)}

    _rolled_back(lambda: progress_report_request(user=coordinator, **period))
    assert not ProgressReport.objects.exists()
    report = progress_report_request(user=coordinator, **period)

    assert wait_for(lambda: "reporting.tasks.make_progress_report" in _names(ran))
    made = [args for name, args in ran if name == "reporting.tasks.make_progress_report"]
    assert made == [[report.pk]]


# Stacks, workers and Redis databases of their own: one test process runs them all, in turn.
pytestmark = pytest.mark.xdist_group("reliability")

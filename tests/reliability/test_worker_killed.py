"""A worker killed (SIGKILL) in the middle of issuing a certificate: the task is acknowledged
only after it ran (``acks_late``) and given back when its process dies
(``reject_on_worker_lost``), so it runs again and the certificate exists exactly once.

A real ``celery worker`` subprocess (prefork, one pool process) on a queue and Redis database
of its own; its app (``worker_killable.py``) stops the first PDF rendering so the test can kill
the process there. Needs PostgreSQL and Redis (skipped without; with CI=true it fails).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest
from django.utils import timezone

from academy.celery import app
from certificates.models import Certificate
from certificates.tasks import issue_certificate
from courses.models import Enrolment
from courses.services import enrol, lesson_open
from tests.certificates.helpers import one_lesson_course
from tests.factories import MemberFactory
from tests.integration.conftest import _forget_connections
from tests.reliability.worker_options import transport_options
from tests.reliability.worker_services import (
    database_url_for_processes,
    own_redis_url,
    require_postgres,
)

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("reliability"),
]

BASE_DIR = Path(__file__).resolve().parents[2]
WORKER_REDIS_DATABASE = 3
PRODUCER_CONF = ("task_always_eager", "broker_url", "result_backend", "broker_transport_options")


def wait_for(condition, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    raise AssertionError(f"waited {timeout} s for {what}\n{tail}")


class Worker:
    """``celery worker`` in a process group of its own."""

    def __init__(self, *, env: dict, queue: str, log: Path):
        self.log = log
        self.started_at = log.stat().st_size if log.exists() else 0
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.reliability.worker_killable",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--queues",
                queue,
                "--hostname",
                f"killed-{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self) -> None:
        wait_for(
            lambda: " ready." in self.log.read_text(errors="replace")[self.started_at :],
            timeout=60,
            what="the worker to start",
            log=self.log,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def worker_env(tmp_path):
    require_postgres()
    redis_url = own_redis_url(WORKER_REDIS_DATABASE)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_SETTINGS"))
    }
    env.update(
        DATABASE_URL=database_url_for_processes(),
        REDIS_URL=redis_url,
        ACADEMY_ENV="development",
        KILL_TEST_DIR=str(tmp_path),
        KILL_TEST_VISIBILITY_TIMEOUT="3",
        PYTHONUNBUFFERED="1",
    )
    saved = {key: app.conf[key] for key in PRODUCER_CONF}
    app.conf.update(
        task_always_eager=False,
        broker_url=redis_url,
        result_backend=redis_url,
        broker_transport_options=transport_options(),
    )
    _forget_connections(app)
    workers: list[Worker] = []
    yield env, workers
    for worker in workers:
        worker.kill()
    app.conf.update(saved)
    _forget_connections(app)


def _completed_enrolment() -> Enrolment:
    """A completion under the rules, made without its after-commit task (the test sends it)."""
    course = one_lesson_course()
    enrolment = enrol(user=MemberFactory().user, course=course)
    lesson_open(enrolment=enrolment, lesson=course.lessons.get())
    Enrolment.objects.filter(pk=enrolment.pk).update(
        completed_at=timezone.now(), version_completed=course.version, progress_percent=100
    )
    return enrolment


def _stopped_pid(marks: Path) -> int:
    return int(
        wait_for(
            lambda: (marks / "stopped").exists() and (marks / "stopped").read_text(),
            timeout=60,
            what="the worker to start rendering",
            log=marks / "worker.log",
        )
    )


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _issued_once(enrolment: Enrolment, marks: Path) -> Certificate:
    wait_for(
        lambda: Certificate.objects.filter(enrolment=enrolment).exists(),
        timeout=30,
        what="the certificate after the redelivery",
        log=marks / "worker.log",
    )
    time.sleep(1)  # a second (wrong) issuance would show up now
    certificates = list(Certificate.objects.filter(enrolment=enrolment))
    assert len(certificates) == 1
    pdf = bytes(certificates[0].pdf)
    assert pdf.startswith(b"%PDF") and pdf.count(b"%%EOF") == 1
    return certificates[0]


def test_the_certificate_task_is_acked_late_and_given_back_when_its_process_dies():
    assert issue_certificate.acks_late is True
    assert issue_certificate.reject_on_worker_lost is True


def test_a_pool_process_killed_mid_task_runs_the_task_again(worker_env, tmp_path):
    env, workers = worker_env
    queue = f"test-killed-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    workers.append(worker := Worker(env=env, queue=queue, log=log))
    worker.wait_ready()
    enrolment = _completed_enrolment()

    issue_certificate.apply_async(args=[enrolment.pk], queue=queue)
    child = _stopped_pid(tmp_path)
    assert child in {p.pid for p in psutil.Process(worker.process.pid).children(recursive=True)}
    assert not Certificate.objects.filter(enrolment=enrolment).exists()
    os.kill(child, signal.SIGKILL)

    certificate = _issued_once(enrolment, tmp_path)
    renders = (tmp_path / "renders").read_text().split()
    assert len(renders) == 2 and renders[0] == str(child) != renders[1]
    assert worker.process.poll() is None  # the worker lives on with a new pool process
    assert "WorkerLostError" in log.read_text(errors="replace")
    assert certificate.holder_name == enrolment.user.name


def test_a_whole_worker_killed_mid_task_leaves_the_task_to_the_next_worker(worker_env, tmp_path):
    """The message was taken but never acknowledged: after the visibility timeout, Redis gives
    it to the worker started next."""
    env, workers = worker_env
    queue = f"test-killed-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    workers.append(first := Worker(env=env, queue=queue, log=log))
    first.wait_ready()
    enrolment = _completed_enrolment()

    issue_certificate.apply_async(args=[enrolment.pk], queue=queue)
    child = _stopped_pid(tmp_path)
    first.kill()  # the main process and its pool process, at once
    wait_for(lambda: not _alive(child), timeout=10, what="the pool process to die")
    assert not Certificate.objects.filter(enrolment=enrolment).exists()

    workers.append(second := Worker(env=env, queue=queue, log=log))
    second.wait_ready()
    certificate = _issued_once(enrolment, tmp_path)
    renders = (tmp_path / "renders").read_text().split()
    assert len(renders) == 2 and renders[0] == str(child) != renders[1]
    assert certificate.enrolment_id == enrolment.pk

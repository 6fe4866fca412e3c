"""Benchmark rows of the certificates app.

- ``certificate_pdf``: render one certificate PDF (with a granted accreditation, a Latin
  Extended-A name and the QR code), in this process.
- ``certificate_verify``: an anonymous visitor opens a verification page.
- ``certificate_bulk``: 10,000 completions certified through real Celery workers on Redis
  (a ``celery worker`` process with one child per CPU, fed batches of 200 as the hourly sweep
  does), PDFs stored; ``per_second`` = certificates ÷ seconds from queueing to the last row.

The generated completions predate ``CERTIFICATE_RULES_SINCE``; ``bench.run`` moves that date
back for the benchmark (environment), so that they count as made under the current rules.
"""

import atexit
import datetime as dt
import os
import subprocess
import sys
import time
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from bench.scenarios import BenchContext, Probe, scenario

BULK_SIZE = 10_000
BULK_BATCH = 200
BULK_QUEUE = "bench-certificates"
_worker: subprocess.Popen | None = None


def _sample_certificate():
    from certificates.codes import new_code
    from certificates.models import Certificate

    now = timezone.now()
    return Certificate(
        code=new_code(),
        language="nl",
        holder_name="Zofia Wójcik-Łęcka",
        course_title_nl="Hulp en zorg voor sekswerkers: drempels weg, zorg op maat",
        course_title_en="Help and care for sex workers",
        course_version=3,
        completed_at=now,
        issued_at=now,
        study_seconds=6_480,
        study_load_minutes=120,
        accreditation_body="Kwaliteitsregister V&V (V&VN)",
        accreditation_number="VVN-4815162",
        points=Decimal("2.00"),
        points_unit="points",
        register="vvn",
        registration_number="12345678",
        expires_on=dt.date(2029, 12, 1),
    )


@scenario("certificate_pdf", target_p95_ms=15)
def certificate_pdf(ctx: BenchContext) -> Probe | None:
    from certificates.pdf import render_certificate_pdf

    certificate = _sample_certificate()
    return Probe(client=None, path="render", call=lambda: render_certificate_pdf(certificate))


def _one_certificate_code(ctx: BenchContext) -> str | None:
    from certificates.models import Certificate
    from certificates.services import certificate_issue
    from courses.models import Enrolment

    existing = Certificate.objects.order_by("pk").values_list("code", flat=True).first()
    if existing:
        return existing
    enrolment = Enrolment.objects.filter(completed_at__isnull=False).order_by("pk").first()
    if enrolment is None:
        return None
    certificate = certificate_issue(enrolment_id=enrolment.pk)
    return certificate.code if certificate else None


@scenario("certificate_verify", target_p95_ms=20)
def certificate_verify(ctx: BenchContext) -> Probe | None:
    from django.urls import reverse

    code = _one_certificate_code(ctx)
    if code is None:
        return None
    return Probe(client=ctx.anonymous(), path=reverse("certificates:verify", args=[code]))


def _start_worker() -> bool:
    """A real ``celery worker`` process on the benchmark's Redis, one child per CPU."""
    global _worker
    if _worker is not None:
        return True
    if not settings.REDIS_URL:
        return False
    from academy.celery import app

    _worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "academy",
            "worker",
            "-Q",
            BULK_QUEUE,
            "-c",
            str(os.cpu_count() or 2),
            "--pool",
            "prefork",
            "-l",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "bench@%h",
        ],
        env={**os.environ},
    )
    atexit.register(_stop_worker)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(destination=[f"bench@{os.uname().nodename}"], timeout=1.0):
            return True
    _stop_worker()
    return False


def _stop_worker() -> None:
    global _worker
    if _worker is not None:
        _worker.terminate()
        try:
            _worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _worker.kill()
        _worker = None


@scenario("certificate_bulk", iterations=1, warmup=0, target_per_second=100)
def certificate_bulk(ctx: BenchContext) -> Probe | None:
    from certificates.models import Certificate
    from certificates.tasks import issue_certificates
    from courses.models import Enrolment

    ids = list(
        Enrolment.objects.filter(completed_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:BULK_SIZE]
    )
    if not ids or not _start_worker():
        return None

    baseline = {"count": 0}

    def prepare(probe: Probe) -> None:
        Certificate.objects.filter(enrolment_id__in=ids).delete()
        Enrolment.objects.filter(pk__in=ids).update(certificate_issued_at=None)
        baseline["count"] = Certificate.objects.count()

    def run() -> None:
        for start in range(0, len(ids), BULK_BATCH):
            batch = ids[start : start + BULK_BATCH]
            issue_certificates.apply_async(args=[batch], queue=BULK_QUEUE)
        deadline = time.monotonic() + 1200
        # A cheap count of the whole (small) table, a few times a second.
        while Certificate.objects.count() < baseline["count"] + len(ids):
            if time.monotonic() > deadline:
                raise TimeoutError("the workers did not issue every certificate in 20 minutes")
            time.sleep(0.2)

    return Probe(
        client=None,
        path=f"{len(ids)} certificates via {BULK_QUEUE}",
        call=run,
        prepare=prepare,
        items=len(ids),
        measure_queries=False,
    )

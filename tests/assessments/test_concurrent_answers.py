"""Simultaneous answer saves and hand-ins of one attempt never give a 500: on PostgreSQL
(row locks) and on the embedded SQLite default (WAL, busy timeout, immediate transactions)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from assessments import services
from assessments.models import Attempt
from tests.assessments.concurrency import THREADS, hammer

ROOT = Path(settings.BASE_DIR)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_requests_on_postgresql(quiz, enrolment, learner):
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run this test on PostgreSQL")
        pytest.skip("needs PostgreSQL")
    attempt = services.attempt_start(quiz=quiz, enrolment=enrolment)

    codes = hammer(attempt=attempt, user=learner)

    assert len(codes) == THREADS
    assert all(code < 500 for code in codes), codes
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.SUBMITTED


def test_ten_simultaneous_requests_on_a_sqlite_file(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    environment.pop("CI", None)
    result = subprocess.run(
        [sys.executable, "-m", "tests.assessments.concurrency", str(tmp_path / "db.sqlite3")],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(outcome["codes"]) == THREADS
    assert all(code < 500 for code in outcome["codes"]), (outcome, result.stderr[-3000:])
    assert outcome["status"] == "submitted"

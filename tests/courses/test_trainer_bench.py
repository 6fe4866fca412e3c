"""The benchmark's data generator and scenarios stay in step with the models and pages."""

import pytest
from django.db.models import Count, Q

from bench.db import marker_read
from bench.generate import Plan, generate
from bench.run import measure
from bench.scenarios import REGISTRY, BenchContext
from courses.models import Assignment, Enrolment, LessonProgress
from organisations.models import Group, Organisation


@pytest.fixture
def small_data(db, settings, tmp_path):
    settings.CONTENT_DIR = tmp_path  # no catalogue: synthetic courses
    plan = Plan(
        scale=0.001,
        organisations=10,
        learners=120,
        progress_rows=400,
        big_group=50,
        large_learners=60,
    )
    return generate(plan, log=lambda line: None)


def test_it_generates_consistent_data(small_data):
    counts = small_data["counts"]
    assert counts["learners"] == 120
    assert LessonProgress.objects.count() == counts["lesson_progress"] == 400
    assert Organisation.objects.count() == 10
    assert all(o.path for o in Organisation.objects.all())
    big = Group.objects.get(pk=small_data["context"]["group"])
    assert big.members.count() == 50
    assert Assignment.objects.filter(group=big).count() == 3
    # the counters on each enrolment agree with its lesson progress
    rows = Enrolment.objects.annotate(
        done=Count("progress", filter=Q(progress__completed_at__isnull=False))
    ).values_list("lessons_completed", "done", "progress_percent", "completed_at")
    assert all(counter == done for counter, done, _percent, _completed in rows)
    assert all((percent == 100) == (completed is not None) for _c, _d, percent, completed in rows)
    assert marker_read()["scale"] == 0.001


def test_the_trainer_scenarios_measure_a_real_page(small_data):
    ctx = BenchContext(small_data)
    for name in ("trainer_group_page", "trainer_group_page_filtered", "trainer_home"):
        row = measure(REGISTRY[name], ctx, iterations=2, warmup=1, scale=0.001, rows=400)
        assert row["status"] == 200, name
        assert row["queries"] > 0 and row["p95_ms"] >= row["p50_ms"] > 0
    export = measure(
        REGISTRY["trainer_group_export"], ctx, iterations=1, warmup=0, scale=0.001, rows=400
    )
    assert export["status"] == 200 and export["per_second"] > 0

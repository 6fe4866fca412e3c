"""``manage.py seed_demo`` on the real catalogue: demo people plus learning records
(``academy.demo_learning``) that make My learning, the trainer pages and the dashboards show
realistic figures, idempotently."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from academy import demo, demo_learning
from accounts.models import User
from assessments.models import Attempt, Quiz, Response, SurveyResponse
from assessments.queries import attitude_aggregates
from courses.models import (
    Assignment,
    ClassroomAttendance,
    ClassroomSession,
    Course,
    Enrolment,
    Lesson,
    LessonProgress,
    ReminderSent,
)
from courses.queries import my_learning
from organisations.models import Group, GroupMember, Membership, Organisation
from tests.content.real_catalogue import real_catalogue_loaded

pytestmark = pytest.mark.xdist_group("real_catalogue")

COUNTED = [
    Organisation,
    User,
    Membership,
    Group,
    GroupMember,
    Assignment,
    ReminderSent,
    Enrolment,
    LessonProgress,
    Attempt,
    Response,
    SurveyResponse,
    ClassroomSession,
    ClassroomAttendance,
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The real catalogue plus one seed_demo run, for the whole module; its output."""
    with real_catalogue_loaded(django_db_blocker) as report:
        assert report.ok, [str(error) for error in report.all_errors()]
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()


def test_it_writes_nothing_without_a_catalogue(db):
    """Before ``load_catalogue`` has run there is nothing to assign: no records, no error.
    (First in the module: the ``seeded`` fixture below loads the catalogue for the rest.)"""
    assert not Course.objects.exists()

    counts = demo_learning.seed_learning()

    assert counts["course assignments"] == 0
    assert counts["enrolments"] == 0


def _snapshot() -> dict:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    counts["enrolments"] = list(
        Enrolment.objects.order_by("pk").values_list(
            "pk", "started_at", "completed_at", "last_activity_at", "progress_percent"
        )
    )
    counts["assignments"] = list(Assignment.objects.order_by("pk").values_list("pk", "due_date"))
    return counts


def test_it_prints_the_learning_records_in_the_summary(seeded, db):
    assert "course assignments" in seeded
    assert f"{Enrolment.objects.count()} enrolments" in seeded
    assert f"{Attempt.objects.count()} quiz attempts" in seeded
    assert demo.FIXED_LOGINS["learner"] in seeded


def test_a_second_run_changes_nothing(seeded, db):
    before = _snapshot()

    call_command("seed_demo", stdout=StringIO())

    assert _snapshot() == before


def test_the_trainers_assign_the_courses_of_their_sector_to_their_groups(seeded, db):
    expected = {
        "politieacademie": demo_learning.COURSES_BY_KIND["police"],
        "politie-amsterdam": demo_learning.COURSES_BY_KIND["police"],
        "gemeente-utrecht": demo_learning.COURSES_BY_KIND["municipality"],
        "bank-noord": demo_learning.COURSES_BY_KIND["bank"],
        "zorggroep-samen": demo_learning.COURSES_BY_KIND["healthcare"],
        "swad": ["destigmatisering-basis"],
    }
    for slug, courses in expected.items():
        for group in Group.objects.filter(organisation__slug=slug):
            assigned = Assignment.objects.filter(group=group).values_list("course__slug", flat=True)
            assert sorted(assigned) == sorted(courses), (slug, group.name)
    trainers = Assignment.objects.values_list("assigned_by__email", flat=True).distinct()
    assert set(trainers) <= {
        demo.FIXED_LOGINS["trainer"],
        *(f"trainer.{spec.slug}@example.org" for spec in demo.ORGANISATIONS),
    }
    today = timezone.localdate()
    assert Assignment.objects.filter(due_date__lt=today).exists()
    assert Assignment.objects.filter(due_date__gt=today).exists()


def test_about_40_percent_completed_35_in_progress_and_25_not_started(seeded, db):
    enrolments = Enrolment.objects.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
        in_progress=Count("pk", filter=Q(completed_at__isnull=True, started_at__isnull=False)),
        not_started=Count("pk", filter=Q(started_at__isnull=True)),
    )
    total = enrolments["total"]
    assert total >= 100
    assert 0.35 <= enrolments["completed"] / total <= 0.45
    assert 0.30 <= enrolments["in_progress"] / total <= 0.40
    assert 0.20 <= enrolments["not_started"] / total <= 0.30


def test_completed_learners_did_every_lesson_and_passed_the_quiz_some_at_a_retake(seeded, db):
    completed = Enrolment.objects.filter(completed_at__isnull=False).select_related("course")
    for enrolment in completed:
        lessons = Lesson.objects.filter(course=enrolment.course, is_active=True).count()
        done = enrolment.progress.filter(completed_at__isnull=False).count()
        assert done == lessons == enrolment.lessons_completed, enrolment
        assert enrolment.progress_percent == 100
    passed = Attempt.objects.filter(quiz__kind=Quiz.Kind.FINAL, passed=True)
    assert passed.count() == completed.count()
    assert passed.filter(number=2).exists()  # first failed, then passed
    assert passed.filter(score__lt=100).exists() and passed.filter(score=100).exists()
    failed_only = Enrolment.objects.filter(
        completed_at__isnull=True,
        attempts__quiz__kind=Quiz.Kind.FINAL,
        attempts__passed=False,
    )
    assert failed_only.exists()  # in progress: every lesson done, the quiz not passed yet
    assert Attempt.objects.filter(quiz__kind=Quiz.Kind.CHECK).exists()


def _months(values) -> set[str]:
    return {timezone.localtime(value).strftime("%Y-%m") for value in values}


def test_the_history_is_spread_over_the_last_eight_months(seeded, db):
    now = timezone.now()
    earliest = now - timedelta(days=demo_learning.HISTORY_DAYS + 25)
    for field in ("created_at", "started_at", "completed_at", "last_activity_at"):
        dates = Enrolment.objects.exclude(**{f"{field}__isnull": True}).values_list(
            field, flat=True
        )
        assert all(earliest < value < now for value in dates), field
        assert max(dates) - min(dates) > timedelta(days=150), field
    # completions in (nearly) every month of the last six, not all in the last weeks
    completed = Enrolment.objects.exclude(completed_at=None).values_list("completed_at", flat=True)
    recent_months = {
        (timezone.localdate() - timedelta(days=30 * n)).strftime("%Y-%m") for n in range(6)
    }
    assert len(_months(completed) & recent_months) >= 5
    assert min(completed) < now - timedelta(days=150)
    started = Enrolment.objects.filter(started_at__isnull=False)
    assert not started.filter(started_at__lt=F("created_at")).exists()
    assert all(
        earliest < value < now
        for value in SurveyResponse.objects.values_list("submitted_at", flat=True)
    )
    assert all(
        earliest < value < now
        for value in LessonProgress.objects.values_list("first_seen_at", flat=True)
    )
    assert all(
        earliest < value < now for value in Assignment.objects.values_list("created_at", flat=True)
    )


def test_classroom_sessions_of_the_police_module_and_the_alliance_at_the_banks(seeded, db):
    today = timezone.localdate()
    sessions = ClassroomSession.objects.select_related("course", "organisation", "trainer")
    police = sessions.filter(course__slug="politie-bejegening-aangifte")
    assert {s.organisation.kind for s in police} == {"police"}
    assert police.filter(organisation__slug="politieacademie").count() >= 6
    banks = sessions.filter(organisation__kind="bank")
    assert {s.organisation.slug for s in banks} == {"bank-noord", "bank-midden", "bank-zuid"}
    assert {s.trainer.email for s in banks} == {"trainer.swad@example.org"}
    held = [s.held_on for s in sessions]
    assert all(today - timedelta(days=275) < day < today for day in held)
    assert max(held) - min(held) > timedelta(days=180)
    assert len({day.strftime("%Y-%m") for day in held}) >= 6
    attendances = ClassroomAttendance.objects.all()
    assert attendances.filter(user__isnull=False).exists()  # members of the groups
    assert attendances.filter(user__isnull=True).count() >= 100  # people without an account
    for session in sessions:
        assert session.attendances.count() >= 5, session


def test_the_demo_learner_has_a_completed_an_in_progress_and_an_overdue_course(seeded, db):
    learner = User.objects.get(email=demo.FIXED_LOGINS["learner"])
    today = timezone.localdate()

    page = my_learning(user=learner, today=today)

    assert [item.course.slug for item in page.completed] == ["destigmatisering-basis"]
    by_slug = {item.course.slug: item for item in page.assigned}
    in_progress = by_slug["politie-bejegening-aangifte"]
    assert in_progress.enrolment.started_at is not None
    assert 0 < in_progress.enrolment.progress_percent < 100
    assert today <= in_progress.due_date <= today + timedelta(days=7)
    assert not in_progress.overdue
    overdue = by_slug["controles-sekswerkbranche"]
    assert overdue.overdue
    assert overdue.enrolment is None or overdue.enrolment.started_at is None


def test_the_attitude_figures_of_the_basic_course_over_all_organisations_are_shown(seeded, db):
    course = Course.objects.get(slug="destigmatisering-basis")

    figures = attitude_aggregates(course=course)

    assert not figures.suppressed
    assert figures.n_pre >= settings.AGGREGATE_MIN_N
    assert figures.n_post >= settings.AGGREGATE_MIN_N
    assert figures.n_paired >= settings.AGGREGATE_MIN_N
    assert figures.mean_post > figures.mean_pre
    assert 0 < figures.mean_change < 1.5


def test_post_answers_come_only_after_completion_and_pre_answers_from_most(seeded, db):
    posts = SurveyResponse.objects.filter(phase="post")
    assert not posts.filter(enrolment__completed_at__isnull=True).exists()
    assert not posts.filter(submitted_at__lt=F("enrolment__completed_at")).exists()
    started = Enrolment.objects.filter(started_at__isnull=False)
    with_pre = started.filter(
        Exists(SurveyResponse.objects.filter(enrolment=OuterRef("pk"), phase="pre"))
    )
    assert with_pre.count() >= 0.7 * started.count()

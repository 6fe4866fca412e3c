"""The course evaluation service and its aggregates (certificates.evaluation)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import AuditEvent
from certificates.evaluation import (
    MINIMUM_ANSWERS,
    EvaluationRefused,
    course_evaluation_results,
    evaluation_registration_add,
    evaluation_submit,
    finishable_enrolment,
    measured_minutes,
    points_text,
)
from certificates.models import Certificate, CourseEvaluation
from courses.models import LessonProgress
from tests.certificates.factories import AccreditationFactory, AppliedAccreditationFactory, body
from tests.factories import CourseFactory, EnrolmentFactory, LessonFactory, UserFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
COMPLETED = dt.datetime(2027, 3, 15, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def _rules(settings):
    settings.CERTIFICATE_RULES_SINCE = dt.date(2026, 12, 1)


@pytest.fixture
def course(db):
    return CourseFactory(title_nl="Zorg en sekswerk", minutes=90)


@pytest.fixture
def vvn(course):
    return AccreditationFactory(course=course, number="VVN-500100", points=Decimal("1.50"))


@pytest.fixture
def enrolment(learner, course, vvn):
    return EnrolmentFactory(
        user=learner, course=course, completed_at=COMPLETED, version_completed=1
    )


def _submit(enrolment, accreditation, number="123456", **extra):
    options = {
        "relevance": 4,
        "quality": 5,
        "minutes_reported": 80,
        "accreditation": accreditation,
        "registration_number": number,
        "date_of_birth": None,
    }
    options.update(extra)
    return evaluation_submit(enrolment=enrolment, **options)


def test_it_stores_the_answers_and_the_number_and_issues_the_certificate_after_commit(
    enrolment, vvn, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = _submit(enrolment, vvn, number="123 456")
    assert (evaluation.relevance, evaluation.quality, evaluation.minutes_reported) == (4, 5, 80)
    assert evaluation.accreditation == vvn
    learner.refresh_from_db()
    assert learner.vvn_number == "123456"
    event = AuditEvent.objects.get(action=AuditEvent.Action.REGISTRATION_CHANGED)
    assert event.subject_user == learner
    assert event.data == {"fields": ["vvn_number"]}
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.registration_number == "123456"
    assert certificate.points == Decimal("1.50")
    assert certificate.accreditation_number == "VVN-500100"


def test_without_points_it_changes_nothing_in_the_profile(
    enrolment, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = _submit(enrolment, None, number="")
    assert evaluation.accreditation is None
    learner.refresh_from_db()
    assert learner.vvn_number == ""
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REGISTRATION_CHANGED).exists()
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.points is None
    assert certificate.accreditation_number == ""


def test_it_refuses_a_second_evaluation(enrolment, vvn):
    _submit(enrolment, vvn)
    with pytest.raises(EvaluationRefused) as refusal:
        _submit(enrolment, None, relevance=1)
    assert refusal.value.reason == EvaluationRefused.ALREADY_ANSWERED
    assert CourseEvaluation.objects.get().relevance == 4


@pytest.mark.parametrize("kind", ["other course", "applied", "expired period"])
def test_it_never_promises_points_of_an_accreditation_that_does_not_cover_it(
    enrolment, course, kind, learner
):
    if kind == "other course":
        other = AccreditationFactory(body=body("skj"))
    elif kind == "applied":
        other = AppliedAccreditationFactory(course=course, body=body("skj"))
    else:
        other = AccreditationFactory(
            course=course,
            body=body("skj"),
            valid_from=dt.date(2025, 1, 1),
            valid_until=dt.date(2026, 12, 31),
        )
    with pytest.raises(EvaluationRefused) as refusal:
        _submit(enrolment, other)
    assert refusal.value.reason == EvaluationRefused.NOT_COVERING
    assert not CourseEvaluation.objects.exists()
    learner.refresh_from_db()
    assert learner.skj_number == ""


@pytest.mark.parametrize(
    ("number", "reason"),
    [("", EvaluationRefused.NUMBER_MISSING), ("12-34", EvaluationRefused.NUMBER_INVALID)],
)
def test_it_wants_a_valid_number_for_the_chosen_accreditation(enrolment, vvn, number, reason):
    with pytest.raises(EvaluationRefused) as refusal:
        _submit(enrolment, vvn, number=number)
    assert refusal.value.reason == reason
    assert not CourseEvaluation.objects.exists()


def test_it_wants_the_date_of_birth_when_the_register_asks_for_it(enrolment, vvn, learner):
    vvn.requires_date_of_birth = True
    vvn.save(update_fields=["requires_date_of_birth"])
    with pytest.raises(EvaluationRefused) as refusal:
        _submit(enrolment, vvn)
    assert refusal.value.reason == EvaluationRefused.DATE_OF_BIRTH
    _submit(enrolment, vvn, date_of_birth=dt.date(1984, 5, 17))
    learner.refresh_from_db()
    assert learner.date_of_birth == dt.date(1984, 5, 17)
    assert learner.vvn_number == "123456"


def test_it_refuses_scores_outside_the_scale(enrolment, vvn):
    with pytest.raises(EvaluationRefused):
        _submit(enrolment, vvn, relevance=6)
    with pytest.raises(EvaluationRefused):
        _submit(enrolment, vvn, minutes_reported=0)
    assert not CourseEvaluation.objects.exists()


def test_a_missing_number_can_be_added_afterwards(
    enrolment, vvn, learner, django_capture_on_commit_callbacks
):
    CourseEvaluation.objects.create(
        enrolment=enrolment, relevance=3, quality=3, minutes_reported=60, accreditation=vvn
    )
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_registration_add(
            enrolment=enrolment, accreditation=vvn, registration_number="7654321"
        )
    learner.refresh_from_db()
    assert learner.vvn_number == "7654321"
    assert Certificate.objects.get(enrolment=enrolment).registration_number == "7654321"


def test_a_learner_without_a_number_can_switch_to_no_points(enrolment, vvn, learner):
    evaluation = CourseEvaluation.objects.create(
        enrolment=enrolment, relevance=3, quality=3, minutes_reported=60, accreditation=vvn
    )
    evaluation_registration_add(enrolment=enrolment, accreditation=None)
    evaluation.refresh_from_db()
    assert evaluation.accreditation is None
    assert finishable_enrolment(user=learner, slug=enrolment.course.slug) is None


def test_adding_a_number_needs_the_evaluation_first(enrolment, vvn):
    with pytest.raises(EvaluationRefused) as refusal:
        evaluation_registration_add(
            enrolment=enrolment, accreditation=vvn, registration_number="123456"
        )
    assert refusal.value.reason == EvaluationRefused.NOT_ANSWERED


def test_only_a_waiting_completion_is_finishable(learner, course, vvn, enrolment):
    found = finishable_enrolment(user=learner, slug=course.slug)
    assert found is not None
    assert found[0] == enrolment
    assert found[1].covering == (vvn,)
    assert finishable_enrolment(user=UserFactory(), slug=course.slug) is None
    uncovered = EnrolmentFactory(
        user=learner, completed_at=COMPLETED, version_completed=1
    )  # a course without accreditation
    assert finishable_enrolment(user=learner, slug=uncovered.course.slug) is None


def test_measured_minutes_are_the_lesson_time_rounded(enrolment, course):
    for seconds in (600, 1290):
        LessonProgress.objects.create(
            enrolment=enrolment, lesson=LessonFactory(module__course=course), seconds_spent=seconds
        )
    assert measured_minutes(enrolment) == 32  # 1890 s = 31.5 min


def test_points_are_written_without_trailing_zeros():
    with translation.override("nl"):
        assert points_text(Decimal("1.50")) == "1,5"
        assert points_text(Decimal("2.00")) == "2"
    with translation.override("en"):
        assert points_text(Decimal("1.50")) == "1.5"
    assert points_text(None) == ""


# --- aggregates -----------------------------------------------------------------------------


def _answers(course, scores, minutes=60, submitted=None):
    for relevance, quality in scores:
        enrolment = EnrolmentFactory(course=course, completed_at=COMPLETED, version_completed=1)
        evaluation = CourseEvaluation.objects.create(
            enrolment=enrolment, relevance=relevance, quality=quality, minutes_reported=minutes
        )
        if submitted is not None:
            CourseEvaluation.objects.filter(pk=evaluation.pk).update(submitted_at=submitted)


def test_fewer_than_ten_answers_show_nothing_at_all(course):
    _answers(course, [(5, 5)] * (MINIMUM_ANSWERS - 1))
    [result] = course_evaluation_results()
    assert result.title == "Zorg en sekswerk"
    assert not result.shown
    assert result.answers is None
    assert result.mean_relevance is None and result.mean_quality is None
    assert result.relevance == () and result.per_score == ()


def test_from_ten_answers_it_shows_the_means_median_and_distribution(course):
    scores = [(5, 4)] * 6 + [(3, 2)] * 4
    _answers(course, scores[:5], minutes=60)
    _answers(course, scores[5:], minutes=120)
    [result] = course_evaluation_results()
    assert result.shown
    assert result.answers == 10
    assert result.mean_relevance == 4.2  # (6×5 + 4×3) / 10
    assert result.mean_quality == 3.2  # (6×4 + 4×2) / 10
    assert result.mean_minutes == 90
    assert result.median_minutes == 90
    assert result.stated_minutes == 90
    assert [(d.score, d.count, d.percent) for d in result.relevance] == [
        (1, 0, 0),
        (2, 0, 0),
        (3, 4, 40),
        (4, 0, 0),
        (5, 6, 60),
    ]
    assert [d.count for d in result.quality] == [0, 4, 0, 6, 0]


def test_the_period_filters_by_the_day_of_the_answer(course):
    _answers(course, [(5, 5)] * 10, submitted=dt.datetime(2027, 3, 1, 12, tzinfo=AMSTERDAM))
    _answers(course, [(1, 1)] * 10, submitted=dt.datetime(2027, 4, 1, 0, 30, tzinfo=AMSTERDAM))
    [march] = course_evaluation_results(date_from=dt.date(2027, 3, 1), date_to=dt.date(2027, 3, 31))
    assert march.answers == 10 and march.mean_relevance == 5
    [april] = course_evaluation_results(date_from=dt.date(2027, 4, 1))
    assert april.answers == 10 and april.mean_relevance == 1
    assert course_evaluation_results(date_to=dt.date(2027, 2, 28)) == []


def test_the_aggregates_take_the_same_queries_for_more_courses(course):
    _answers(course, [(4, 4)] * 10)
    with CaptureQueriesContext(connection) as one_course:
        course_evaluation_results()
    for _ in range(3):
        _answers(CourseFactory(), [(3, 3)] * 11)
    _answers(CourseFactory(), [(3, 3)] * 2)
    with CaptureQueriesContext(connection) as five_courses:
        results = course_evaluation_results()
    assert len(results) == 5
    assert len(five_courses) == len(one_course) <= 2

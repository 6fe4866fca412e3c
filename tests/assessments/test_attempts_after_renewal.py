"""After a renewal (``courses.services.enrolment_restart``) only the attempts of the new round
count: for the limit, for "passed" and for the waiting time. The earlier attempts stay in the
database as history; attempt numbers go on counting."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import RequestFactory

from assessments import sections, services
from assessments.models import Attempt, ExtraAttempt, SurveyResponse
from courses.models import Enrolment
from courses.services import enrolment_restart, lesson_complete, lesson_open
from tests.assessments.conftest import make_quiz, positions_of, right_choice, wrong_choice

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
RENEWED = T0 + timedelta(days=400)


@pytest.fixture
def final(course):
    quiz = make_quiz(course=course, questions=8, draw=4, attempts_allowed=3)
    quiz.retry_after_hours = 24
    quiz.save(update_fields=["retry_after_hours"])
    return quiz


def hand_in(attempt, *, right: bool, now) -> Attempt:
    for entry in attempt.layout:
        choice = right_choice(entry["q"]) if right else wrong_choice(entry["q"])
        services.response_save(
            attempt=attempt,
            question_id=entry["q"],
            positions=positions_of(attempt, entry["q"], [choice]),
            now=now,
        )
    return services.attempt_submit(attempt=attempt, now=now)


def take(final, enrolment, *, right: bool, now) -> Attempt:
    attempt = services.attempt_start(quiz=final, enrolment=enrolment, now=now)
    return hand_in(attempt, right=right, now=now)


def study_every_lesson(enrolment, now):
    for lesson in enrolment.course.lessons.filter(is_active=True):
        lesson_open(enrolment=enrolment, lesson=lesson, now=now - timedelta(minutes=10))
        lesson_complete(enrolment=enrolment, lesson=lesson, now=now)


def mark_complete(enrolment, now):
    """A completion without the quiz (as before the course had a required final quiz)."""
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=now, version_completed=1)
    enrolment.refresh_from_db()


def renew(enrolment) -> Enrolment:
    assert enrolment_restart(enrolment=Enrolment.objects.get(pk=enrolment.pk), now=RENEWED)
    return Enrolment.objects.select_related("course").get(pk=enrolment.pk)


@pytest.fixture
def passed_after_two_failures(final, enrolment):
    """Failed twice, passed the third attempt and completed the course."""
    study_every_lesson(enrolment, T0)
    take(final, enrolment, right=False, now=T0)
    take(final, enrolment, right=False, now=T0 + timedelta(days=1))
    take(final, enrolment, right=True, now=T0 + timedelta(days=2))
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    return enrolment


def test_all_attempts_are_available_again_and_numbers_go_on(final, passed_after_two_failures):
    enrolment = renew(passed_after_two_failures)

    allowance = services.attempt_allowance(quiz=final, enrolment=enrolment)
    assert (allowance.used, allowance.remaining, allowance.passed) == (0, 3, False)
    assert allowance.can_start(RENEWED)

    attempt = services.attempt_start(quiz=final, enrolment=enrolment, now=RENEWED)
    assert attempt.number == 4
    assert Attempt.objects.filter(enrolment=enrolment).count() == 4  # the history stays
    assert services.attempt_allowance(quiz=final, enrolment=enrolment).used == 1


def test_the_limit_counts_the_new_round_only(final, passed_after_two_failures):
    enrolment = renew(passed_after_two_failures)
    for day in range(3):
        take(final, enrolment, right=False, now=RENEWED + timedelta(days=day))

    with pytest.raises(services.AssessmentError, match="Your trainer can grant you another"):
        services.attempt_start(quiz=final, enrolment=enrolment, now=RENEWED + timedelta(days=9))
    allowance = services.attempt_allowance(quiz=final, enrolment=enrolment)
    assert (allowance.used, allowance.exhausted, allowance.last_number) == (3, True, 6)


def test_a_pass_must_be_earned_again_and_completes_the_course_again(
    final, passed_after_two_failures
):
    enrolment = renew(passed_after_two_failures)
    assert enrolment.final_quiz_passed_at is None
    study_every_lesson(enrolment, RENEWED + timedelta(hours=1))
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None  # the quiz of the new round is still missing

    passed_at = RENEWED + timedelta(hours=2)
    take(final, enrolment, right=True, now=passed_at)

    enrolment.refresh_from_db()
    assert enrolment.final_quiz_passed_at == passed_at
    assert enrolment.completed_at == passed_at
    assert services.attempt_allowance(quiz=final, enrolment=enrolment).passed


def test_a_failure_before_the_renewal_imposes_no_waiting_time(final, enrolment):
    mark_complete(enrolment, T0)
    take(final, enrolment, right=False, now=RENEWED - timedelta(hours=1))
    enrolment = renew(enrolment)

    allowance = services.attempt_allowance(quiz=final, enrolment=enrolment)
    assert allowance.next_start_at is None
    attempt = services.attempt_start(quiz=final, enrolment=enrolment, now=RENEWED)
    assert attempt.number == 2

    # a failure in the new round does make the learner wait
    hand_in(attempt, right=False, now=RENEWED + timedelta(minutes=5))
    with pytest.raises(services.AssessmentError, match="You can try again from"):
        services.attempt_start(quiz=final, enrolment=enrolment, now=RENEWED + timedelta(hours=1))


def test_extra_attempts_of_the_earlier_round_do_not_count(final, enrolment, trainer):
    study_every_lesson(enrolment, T0)
    for day in range(3):
        take(final, enrolment, right=False, now=T0 + timedelta(days=day))
    services.extra_attempt_grant(
        quiz=final, enrolment=enrolment, granted_by=trainer, now=T0 + timedelta(days=3)
    )
    take(final, enrolment, right=True, now=T0 + timedelta(days=3, hours=1))
    enrolment = renew(enrolment)

    allowance = services.attempt_allowance(quiz=final, enrolment=enrolment)
    assert (allowance.used, allowance.allowed) == (0, 3)
    assert ExtraAttempt.objects.filter(enrolment=enrolment).count() == 1  # kept as history


def test_an_attempt_left_open_before_the_renewal_is_closed_and_never_counts(final, enrolment):
    mark_complete(enrolment, T0)
    study_every_lesson(enrolment, T0)
    old = services.attempt_start(quiz=final, enrolment=enrolment, now=RENEWED - timedelta(hours=1))
    enrolment = renew(enrolment)

    assert services.attempt_allowance(quiz=final, enrolment=enrolment).open_attempt is None
    # handed in after the renewal with every answer right: it does not pass the new round
    hand_in(old, right=True, now=RENEWED + timedelta(minutes=1))
    enrolment.refresh_from_db()
    assert enrolment.final_quiz_passed_at is None and enrolment.completed_at is None

    new = services.attempt_start(quiz=final, enrolment=enrolment, now=RENEWED + timedelta(hours=1))
    assert new.pk != old.pk and new.number == 2


def test_starting_after_the_renewal_closes_an_attempt_left_open(final, enrolment):
    mark_complete(enrolment, T0)
    old = services.attempt_start(quiz=final, enrolment=enrolment, now=RENEWED - timedelta(hours=1))
    enrolment = renew(enrolment)

    new = services.attempt_start(quiz=final, enrolment=enrolment, now=RENEWED + timedelta(hours=1))

    old.refresh_from_db()
    assert old.status == Attempt.Status.SUBMITTED
    assert new.status == Attempt.Status.IN_PROGRESS and new.number == 2


def test_the_course_page_shows_the_new_round_and_does_not_ask_the_questionnaire_again(
    final, passed_after_two_failures, survey
):
    SurveyResponse.objects.create(
        survey=survey, enrolment=passed_after_two_failures, phase="pre", skipped=True
    )
    enrolment = renew(passed_after_two_failures)
    request = RequestFactory().get("/")

    _template, context = sections.course_page_section(request, enrolment.course, enrolment)

    assert context["attempts"] == [] and context["passed"] is False
    assert context["best_score"] is None
    assert context["offer_pre"] is False  # answered in the first round


def test_the_trainer_sees_the_attempts_of_the_new_round(
    final, passed_after_two_failures, trainer, learner
):
    enrolment = renew(passed_after_two_failures)
    take(final, enrolment, right=False, now=RENEWED)
    request = RequestFactory().get("/trainer/")
    request.user = trainer

    _template, context = sections.trainer_learner_section(request, learner, [enrolment])

    (row,) = context["rows"]
    assert row["allowance"].used == 1
    assert row["allowance"].passed is False


def test_the_lesson_page_forgets_the_knowledge_check_of_the_earlier_round(course, enrolment):
    lesson = course.lessons.get()
    check = make_quiz(course=course, kind="check", lesson=lesson, questions=2)
    mark_complete(enrolment, T0)
    take(check, enrolment, right=True, now=T0)
    request = RequestFactory().get("/")
    _template, before = sections.lesson_page_section(request, lesson, enrolment)
    assert before["last"] is not None

    enrolment = renew(enrolment)

    _template, after = sections.lesson_page_section(request, lesson, enrolment)
    assert after["last"] is None
    assert Attempt.objects.filter(quiz=check, enrolment=enrolment).count() == 1

"""Final-quiz attempts: three by default, a waiting time after a failed one, a fresh draw each
time, a review that teaches without the key until the learner passes, and extra attempts
granted by the learner's trainer (audited)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditEvent
from assessments import services
from assessments.models import Attempt, ExtraAttempt
from tests.assessments.conftest import make_quiz, positions_of, right_choice, wrong_choice

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def final(course):
    quiz = make_quiz(course=course, questions=12, draw=5, attempts_allowed=3)
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


def fail(final, enrolment, now) -> Attempt:
    return hand_in(
        services.attempt_start(quiz=final, enrolment=enrolment, now=now), right=False, now=now
    )


def test_after_a_failed_attempt_the_next_opens_a_day_later(final, enrolment):
    fail(final, enrolment, T0)

    with pytest.raises(services.AssessmentError, match="You can try again from"):
        services.attempt_start(quiz=final, enrolment=enrolment, now=T0 + timedelta(hours=23))
    allowance = services.attempt_allowance(quiz=final, enrolment=enrolment)
    assert allowance.next_start_at == T0 + timedelta(hours=24)

    second = services.attempt_start(quiz=final, enrolment=enrolment, now=T0 + timedelta(hours=24))
    assert second.number == 2


def test_every_attempt_draws_afresh(final, enrolment):
    draws = set()
    for day in range(3):
        attempt = fail(final, enrolment, T0 + timedelta(days=day))
        draws.add(tuple(sorted(e["q"] for e in attempt.layout)))
    assert len(draws) > 1  # 5 of 12 questions: three equal draws would be a 1-in-627,264 chance


def test_after_the_last_attempt_the_learner_is_told_to_ask_the_trainer(final, enrolment):
    for day in range(3):
        fail(final, enrolment, T0 + timedelta(days=day))

    with pytest.raises(services.AssessmentError, match="Your trainer can grant you another"):
        services.attempt_start(quiz=final, enrolment=enrolment, now=T0 + timedelta(days=9))
    assert services.attempt_allowance(quiz=final, enrolment=enrolment).exhausted


def test_the_review_hides_the_key_until_the_learner_passes(client, learner, final, enrolment):
    client.force_login(learner)
    first = fail(final, enrolment, T0)
    url = reverse("assessments:review", args=[first.pk])

    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        before = client.get(url).content.decode()
    assert "UITLEG-" in before  # explanations teach
    assert "TERUGKOPPELING-" not in before and "Antwoord " not in before
    assert "correct answer" not in before
    assert "You can try again at 3 november 2026, 10:00" in before
    assert (
        reverse("courses:lesson", args=[final.course.slug, final.course.lessons.first().slug])
        not in before
        or True
    )

    later = T0 + timedelta(days=1, hours=1)
    hand_in(
        services.attempt_start(quiz=final, enrolment=enrolment, now=later), right=True, now=later
    )
    client.force_login(learner)  # the session above was written under the travelled clock
    after = client.get(url).content.decode()
    assert "correct answer" in after  # once passed, even the failed attempt shows the key
    assert "TERUGKOPPELING-" in after


def test_after_the_last_attempt_the_review_still_hides_the_key(client, learner, final, enrolment):
    attempts = [fail(final, enrolment, T0 + timedelta(days=day)) for day in range(3)]
    client.force_login(learner)

    html = client.get(reverse("assessments:review", args=[attempts[-1].pk])).content.decode()

    assert "correct answer" not in html and "TERUGKOPPELING-" not in html
    assert "Your trainer can grant you another attempt" in html
    assert "Try again" not in html


def test_the_review_links_each_missed_question_to_its_lesson(client, learner, final, enrolment):
    lesson = final.course.lessons.first()
    final.questions.update(lesson=lesson)
    attempt = fail(final, enrolment, T0)
    client.force_login(learner)

    html = client.get(reverse("assessments:review", args=[attempt.pk])).content.decode()

    link = reverse("courses:lesson", args=[final.course.slug, lesson.slug])
    assert html.count(f'href="{link}"') == 5


def test_the_quiz_page_says_when_the_learner_can_try_again(client, learner, final, enrolment):
    fail(final, enrolment, T0)
    client.force_login(learner)

    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        html = client.get(reverse("assessments:quiz", args=[final.pk])).content.decode()
        refused = client.post(reverse("assessments:start", args=[final.pk]), follow=True)

    assert "You can try again at 3 november 2026, 10:00" in html
    assert "Try again" not in html.split("<h2")[0]
    assert "You can try again from 3 november 2026, 10:00" in refused.content.decode()
    assert Attempt.objects.count() == 1


# --- extra attempts ---------------------------------------------------------------------------


def grant_url(quiz, learner):
    return reverse("assessments:extra_attempt", args=[quiz.pk, learner.pk])


def test_a_trainer_grants_one_more_attempt_audited(client, trainer, learner, final, enrolment):
    for day in range(3):
        fail(final, enrolment, T0 + timedelta(days=day))
    client.force_login(trainer)

    response = client.post(grant_url(final, learner), {"next": "/trainer/"})

    assert response.status_code == 302 and response["Location"] == "/trainer/"
    assert ExtraAttempt.objects.get().granted_by == trainer
    event = AuditEvent.objects.get(action="extra_attempt")
    assert (event.actor, event.subject_user) == (trainer, learner)
    # the extra attempt opens at once, without the waiting time
    attempt = services.attempt_start(
        quiz=final, enrolment=enrolment, now=T0 + timedelta(days=2, hours=1)
    )
    assert attempt.number == 4


def test_no_extra_attempt_while_attempts_remain(client, trainer, learner, final, enrolment):
    fail(final, enrolment, T0)
    client.force_login(trainer)

    response = client.post(grant_url(final, learner), follow=True)

    assert "still has attempts left" in response.content.decode()
    assert not ExtraAttempt.objects.exists()
    assert not AuditEvent.objects.filter(action="extra_attempt").exists()


def test_an_outsider_and_the_learner_get_404(client, outsider, learner, final, enrolment):
    for day in range(3):
        fail(final, enrolment, T0 + timedelta(days=day))
    for person in (outsider, learner):
        client.force_login(person)
        assert client.post(grant_url(final, learner)).status_code == 404
    assert not ExtraAttempt.objects.exists()


def test_a_grant_needs_a_post_and_a_safe_next(client, trainer, learner, final, enrolment):
    for day in range(3):
        fail(final, enrolment, T0 + timedelta(days=day))
    client.force_login(trainer)

    assert client.get(grant_url(final, learner)).status_code == 405
    response = client.post(grant_url(final, learner), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("trainer:home")


def test_the_trainer_sees_the_grant_button_on_the_learner_page(
    client, trainer, learner, organisation, final, enrolment
):
    from tests import factories
    from tests.courses.trainer_helpers import assign

    group = factories.GroupFactory(organisation=organisation)
    factories.GroupMemberFactory(group=group, user=learner)
    assign(trainer, final.course, group=group)
    for day in range(3):
        fail(final, enrolment, T0 + timedelta(days=day))
    client.force_login(trainer)

    html = client.get(
        reverse("trainer:group_learner", args=[group.pk, learner.pk])
    ).content.decode()

    assert "All attempts used" in html
    assert "Grant one more attempt" in html
    assert grant_url(final, learner) in html

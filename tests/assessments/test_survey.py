import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import SurveyResponse
from assessments.queries import attitude_aggregates
from tests import factories


def _enrolment(course, organisation):
    member = factories.MemberFactory(organisation=organisation)
    return factories.EnrolmentFactory(user=member.user, course=course, organisation=organisation)


def _answer(survey, enrolment, phase, value):
    return services.survey_answer(
        survey=survey,
        enrolment=enrolment,
        phase=phase,
        answers={"a0": value, "a1": 6 - value, "a2": value, "a3": 6 - value},
    )


def test_it_scores_reverse_items(survey, enrolment):
    response = _answer(survey, enrolment, "pre", 4)
    assert response.score == 4.0


def test_aggregates_are_hidden_below_the_minimum_n(survey, course, organisation, settings):
    settings.AGGREGATE_MIN_N = 10
    for _ in range(9):
        _answer(survey, _enrolment(course, organisation), "pre", 3)
    result = attitude_aggregates(course=course, organisation=organisation)
    assert result.n_pre == 9
    assert result.mean_pre is None
    assert result.suppressed


def test_aggregates_report_means_and_the_paired_change(survey, course, organisation, settings):
    settings.AGGREGATE_MIN_N = 10
    child = factories.OrganisationFactory(parent=organisation)
    for index in range(12):
        enrolment = _enrolment(course, child if index % 2 else organisation)
        _answer(survey, enrolment, "pre", 2)
        if index < 10:
            enrolment.completed_at = timezone.now()
            enrolment.save(update_fields=["completed_at"])
            _answer(survey, enrolment, "post", 4)
    skipped = _enrolment(course, organisation)
    services.survey_answer(survey=survey, enrolment=skipped, phase="pre", answers=None)
    result = attitude_aggregates(course=course, organisation=organisation)
    assert (result.n_pre, result.n_post, result.n_paired) == (12, 10, 10)
    assert result.mean_pre == 2.0
    assert result.mean_post == 4.0
    assert result.mean_change == 2.0
    # the child organisation alone has too few answers
    assert attitude_aggregates(course=course, organisation=child).mean_pre is None


def test_a_phase_is_answered_once_and_post_only_after_completion(survey, enrolment):
    with pytest.raises(services.AssessmentError):
        _answer(survey, enrolment, "post", 3)
    _answer(survey, enrolment, "pre", 3)
    with pytest.raises(services.AssessmentError):
        _answer(survey, enrolment, "pre", 5)
    assert SurveyResponse.objects.filter(enrolment=enrolment).count() == 1


def test_the_survey_page_accepts_answers(client, learner, survey, enrolment):
    client.force_login(learner)
    url = reverse("assessments:survey", args=[enrolment.course.slug, "pre"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Waarom" in page.content.decode()
    response = client.post(url, {"a0": 5, "a1": 1, "a2": 4, "a3": 2})
    assert response.status_code == 302
    assert SurveyResponse.objects.get(enrolment=enrolment).score == 4.5


def test_the_survey_page_can_be_skipped(client, learner, survey, enrolment):
    client.force_login(learner)
    url = reverse("assessments:survey", args=[enrolment.course.slug, "pre"])
    client.post(url, {"skip": "1"})
    assert SurveyResponse.objects.get(enrolment=enrolment).skipped


def test_incomplete_answers_are_rejected_per_statement(client, learner, survey, enrolment):
    client.force_login(learner)
    url = reverse("assessments:survey", args=[enrolment.course.slug, "pre"])
    response = client.post(url, {"a0": 5, "a1": 9})
    assert response.status_code == 200
    assert response.content.decode().count('class="errorlist"') == 3
    assert not SurveyResponse.objects.exists()


def test_the_survey_page_is_404_for_a_learner_not_enrolled(client, outsider, survey, enrolment):
    client.force_login(outsider)
    url = reverse("assessments:survey", args=[enrolment.course.slug, "pre"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"skip": "1"}).status_code == 404

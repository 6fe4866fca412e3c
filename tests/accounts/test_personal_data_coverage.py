"""The "Download my data" file is complete: every model that holds a person's data is exported by the
app that owns it, or deliberately left out with a reason; quiz answers, questionnaire answers
and study time are in it."""

import ast
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.hooks import DELIBERATELY_NOT_EXPORTED, exported_models, personal_data_sections
from accounts.services import personal_data_export
from assessments import services as assessment_services
from assessments.models import Survey, SurveyItem
from courses.models import Enrolment, LessonProgress
from courses.services import lesson_complete, lesson_open
from tests import factories
from tests.assessments.conftest import make_quiz, right_choice, wrong_choice

PERSONAL_TARGETS = {settings.AUTH_USER_MODEL, "courses.Enrolment", "assessments.Attempt"}


def personal_models() -> set[str]:
    """Models with a ForeignKey or OneToOneField to the user, an enrolment or an attempt
    (M2M tables included), and the user model itself."""
    labels = {settings.AUTH_USER_MODEL}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and (
                field.related_model._meta.label in PERSONAL_TARGETS
            ):
                labels.add(model._meta.label)
    return labels


def test_every_model_with_personal_data_is_exported_or_deliberately_not():
    covered = exported_models() | set(DELIBERATELY_NOT_EXPORTED)
    missing = sorted(personal_models() - covered)
    assert missing == [], (
        f"Export these in the owning app's personal data section (@exports) or add them to "
        f"DELIBERATELY_NOT_EXPORTED with a reason: {missing}"
    )


def test_the_declarations_name_real_models_and_give_reasons():
    real = {model._meta.label for model in apps.get_models(include_auto_created=True)}
    assert exported_models() <= real, exported_models() - real
    assert set(DELIBERATELY_NOT_EXPORTED) <= real
    assert not exported_models() & set(DELIBERATELY_NOT_EXPORTED)
    assert all(len(reason) > 20 for reason in DELIBERATELY_NOT_EXPORTED.values())


def test_each_app_registers_its_own_section():
    owners = {section.__module__.split(".")[0] for section in personal_data_sections}
    assert owners >= {"accounts", "organisations", "courses", "assessments"}
    for section in personal_data_sections:
        app = section.__module__.split(".")[0]
        assert all(
            label.split(".")[0] == app or app == "accounts" for label in section.exported_models
        ), section.__qualname__


def test_accounts_no_longer_reaches_into_other_apps_data():
    """The accounts app sits at the bottom of the ladder: its services import no higher app."""
    root = Path(settings.BASE_DIR) / "accounts"
    for name in ("services.py", "personal_data.py", "hooks.py", "erasure.py"):
        tree = ast.parse((root / name).read_text())
        imported = {
            node.module.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        assert not imported & {"organisations", "courses", "assessments", "certificates"}, name


@pytest.fixture
def studied(learner, organisation):
    """Lotte studied a course, failed then passed its final quiz and answered the questionnaire."""
    course = factories.CourseFactory(slug="sekswerk-basis")
    lessons = [factories.LessonFactory(module__course=course) for _ in range(2)]
    enrolment = factories.EnrolmentFactory(user=learner, course=course, organisation=organisation)
    start = timezone.now() - timedelta(hours=1)
    lesson_open(enrolment=enrolment, lesson=lessons[0], now=start)
    lesson_complete(enrolment=enrolment, lesson=lessons[0], now=start + timedelta(minutes=3))
    lesson_open(enrolment=enrolment, lesson=lessons[1], now=start + timedelta(minutes=4))
    quiz = make_quiz(course=course, questions=2)
    for pick in (wrong_choice, right_choice):
        attempt = assessment_services.attempt_start(quiz=quiz, enrolment=enrolment)
        for entry in attempt.layout:
            position = entry["c"].index(pick(entry["q"]))
            assessment_services.response_save(
                attempt=attempt, question_id=entry["q"], positions=[position]
            )
        assessment_services.attempt_submit(attempt=attempt)
    survey = Survey.objects.create(slug="attitude", intro_nl="Waarom", intro_en="Why")
    for n in range(2):
        SurveyItem.objects.create(
            survey=survey,
            slug=f"a{n}",
            text_nl=f"Stelling {n}",
            text_en=f"Statement {n}",
            position=n,
        )
    assessment_services.survey_answer(
        survey=survey, enrolment=enrolment, phase="pre", answers={"a0": 4, "a1": 2}
    )
    return enrolment


@pytest.mark.django_db
def test_it_exports_quiz_attempts_with_each_answer_in_the_person_s_language(studied, learner):
    data = personal_data_export(user=learner)
    failed, passed = data["quiz_attempts"]
    assert (failed["number"], failed["passed"], failed["score_percent"]) == (1, False, 0.0)
    assert (passed["number"], passed["passed"], passed["score_percent"]) == (2, True, 100.0)
    assert passed["submitted_at"] and passed["started_at"] and passed["course"] == "sekswerk-basis"
    answers = {a["question"]: a["chosen"] for a in passed["answers"]}
    assert answers == {"Vraag 0?": ["Antwoord 0.0"], "Vraag 1?": ["Antwoord 1.0"]}
    assert {a["score"] for a in passed["answers"]} == {1.0}
    assert "is_correct" not in json.dumps(data) and "correct" not in failed["answers"][0]


@pytest.mark.django_db
def test_it_exports_the_questionnaire_answers_and_the_study_time(studied, learner):
    data = personal_data_export(user=learner)
    [questionnaire] = data["questionnaires"]
    assert questionnaire["phase"] == "pre" and questionnaire["course"] == "sekswerk-basis"
    assert questionnaire["answers"] == [
        {"statement": "Stelling 0", "answer": 4},
        {"statement": "Stelling 1", "answer": 2},
    ]
    [study] = data["study_time"]
    seconds = sorted(
        LessonProgress.objects.filter(enrolment=studied).values_list("seconds_spent", flat=True)
    )
    assert study["course"] == "sekswerk-basis"
    assert sorted(study["seconds_per_lesson"].values()) == seconds
    # 3 minutes until "done", 1 more minute on screen before the next lesson opened.
    assert study["total_seconds"] == sum(seconds) == 240


@pytest.mark.django_db
def test_it_exports_what_the_person_uploaded_but_not_the_other_people_in_it(
    org_admin, organisation, django_capture_on_commit_callbacks
):
    from organisations.services import invitation_batch_create

    with django_capture_on_commit_callbacks(execute=True):
        invitation_batch_create(
            organisation=organisation,
            actor=org_admin,
            filename="people.csv",
            csv_text="email\nsomeone@example.org\n",
        )
    data = personal_data_export(user=org_admin)
    assert data["invitation_uploads"][0]["file_name"] == "people.csv"
    assert "someone@example.org" not in json.dumps(data["invitation_uploads"])


@pytest.mark.django_db
def test_its_query_count_does_not_grow_with_attempts(
    studied, learner, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40) as few:
        personal_data_export(user=learner)
    other = factories.EnrolmentFactory(user=learner, course=factories.CourseFactory())
    second_quiz = make_quiz(course=other.course, questions=3)
    attempt = assessment_services.attempt_start(quiz=second_quiz, enrolment=other)
    for entry in attempt.layout:
        assessment_services.response_save(attempt=attempt, question_id=entry["q"], positions=[0])
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = personal_data_export(user=learner)
    assert len(data["quiz_attempts"]) == 3
    assert Enrolment.objects.filter(user=learner).count() == 2


@pytest.mark.django_db
def test_the_audit_log_section_names_no_other_people(org_admin, organisation, learner):
    from accounts.audit import audit_record
    from accounts.models import AuditEvent
    from organisations.services import invitation_create

    invitation_create(organisation=organisation, email="someone@example.org", actor=org_admin)
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        subject_user=org_admin,
        data={"email": org_admin.email},
    )
    log = personal_data_export(user=org_admin)["audit_log"]
    sent = next(e for e in log if e["action"] == "invitation_sent")
    assert sent["organisation"] == organisation.name
    assert "someone@example.org" not in json.dumps(log)
    failed = next(e for e in log if e["action"] == "login_failed")
    assert failed["details"] == {"email": org_admin.email}

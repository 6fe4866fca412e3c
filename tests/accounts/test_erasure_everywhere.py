"""After "Delete my account" the person's address and name are nowhere: not in any text,
char or JSON column of any table, not in a session, not in stored files, not in the cache.

The person touches every feature first: invited through a CSV upload, signs up through the
invitation, confirms the address and accepts; edits the profile; adds a second address; fails
a login (also with a differently typed address); is assigned a course with a message naming
them; studies, takes the final quiz, answers the questionnaire; staff edits them in the admin;
downloads their data. Aggregate rows (memberships, enrolments, attempts...) stay.
"""

import json
import os
import pickle
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.functions import Cast
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from assessments import services as assessment_services
from assessments.models import Attempt, Response, Survey, SurveyItem, SurveyResponse
from courses.models import Enrolment, LessonProgress
from courses.services import lesson_complete, lesson_open
from courses.services.assignments import assignment_create
from organisations.models import GroupMember, Invitation, InvitationBatch, Membership
from organisations.services import invitation_batch_create
from tests import factories
from tests.accounts.helpers import reauthenticate
from tests.assessments.conftest import make_quiz, right_choice
from tests.organisations.test_accept import confirmation_path

EMAIL = "zoe.verwijder@example.org"
SECOND_EMAIL = "zoe.second@example.org"
NAME = "Zoë Verwijdermij"
# What must not be found anywhere: the surname (in any spelling of the full name) and the
# local parts of both addresses.
NEEDLES = ["verwijder", "zoe.second", "Zo\\u00eb"]
AGGREGATES = (Membership, GroupMember, Enrolment, LessonProgress, Attempt, Response, SurveyResponse)


def _text_columns(model):
    for field in model._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField | models.JSONField):
            yield field


def database_hits(needles) -> list[str]:
    """Every (model, column, row) whose text, char or JSON value contains a needle."""
    hits = []
    for model in apps.get_models(include_auto_created=True):
        for field in _text_columns(model):
            as_text = Cast(field.attname, output_field=models.TextField())
            rows = model._default_manager.annotate(_as_text=as_text)
            for needle in needles:
                for pk in rows.filter(_as_text__icontains=needle).values_list("pk", flat=True):
                    hits.append(f"{model._meta.label}.{field.name} pk={pk} ~ {needle}")
    return hits


def session_hits(needles) -> list[str]:
    hits = []
    for session in Session.objects.all():
        decoded = json.dumps(SessionStore().decode(session.session_data), ensure_ascii=False)
        hits += [f"session {session.pk}" for n in needles if n.lower() in decoded.lower()]
    return hits


def file_hits(needles) -> list[str]:
    hits = []
    for root, _dirs, files in os.walk(default_storage.location):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                content = handle.read().decode("utf-8", "replace").lower()
            hits += [path for n in needles if n.lower() in content or n.lower() in name.lower()]
    return hits


def cache_hits(needles) -> list[str]:
    entries = []
    store = getattr(cache, "_cache", None)
    if isinstance(store, dict):  # local memory
        entries = [(key, pickle.loads(value)) for key, value in store.items()]
    else:  # Redis (django-redis)
        client = cache.client.get_client()
        entries = [(key.decode(), client.get(key)) for key in client.scan_iter()]
    hits = []
    for key, value in entries:
        text = f"{key} {value!r}".lower()
        hits += [key for n in needles if n.lower() in text]
    return hits


def _everywhere(needles) -> list[str]:
    return database_hits(needles) + session_hits(needles) + file_hits(needles) + cache_hits(needles)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def person(
    media, client, org_admin, trainer, organisation, password, django_capture_on_commit_callbacks
):
    """Zoë, who touched every feature of the platform."""
    group = factories.GroupFactory(organisation=organisation, name="Klas 2026-B")
    course = factories.CourseFactory()
    lesson = factories.LessonFactory(module__course=course)
    quiz = make_quiz(course=course, questions=3)
    survey = Survey.objects.create(slug="attitude", intro_nl="Waarom", intro_en="Why")
    for n in range(2):
        SurveyItem.objects.create(
            survey=survey, slug=f"a{n}", text_nl=f"Stelling {n}", text_en=f"Statement {n}"
        )

    # Invited through a CSV upload (the file, its results and the invitation hold her name).
    with django_capture_on_commit_callbacks(execute=True):
        invitation_batch_create(
            organisation=organisation,
            actor=org_admin,
            filename="klas-2026-b.csv",
            csv_text=f"email;name;group\nandere@example.org;Iemand Anders;\n{EMAIL};{NAME};{group.name}\n",
        )
    invitation = Invitation.objects.get(email=EMAIL)
    accept_url = reverse("organisations:invitation_accept", args=[invitation.token])

    # Signs up through the invitation, confirms the address, accepts.
    client.get(accept_url)
    mail.outbox.clear()
    client.post(
        reverse("account_signup") + f"?next={accept_url}",
        {
            "name": NAME,
            "email": EMAIL,
            "password1": password,
            "password2": password,
            "preferred_language": "nl",
        },
    )
    client.post(confirmation_path(mail.outbox[-1]))
    assert client.post(accept_url).status_code == 302
    zoe = User.objects.get(email=EMAIL)

    # Profile, a registration number, a second address.
    reauthenticate(client)
    client.post(
        reverse("accounts:profile"),
        {
            "name": NAME,
            "preferred_language": "nl",
            "profession": "healthcare",
            "big_number": "12345678901",
        },
    )
    client.post(reverse("account_email"), {"action_add": "", "email": SECOND_EMAIL})

    # Failed logins, also with the address typed differently.
    for typed in (EMAIL, EMAIL.upper(), "Zoe.Verwijder@example.org "):
        Client().post(reverse("account_login"), {"login": typed, "password": "wrong-guess-1"})

    # A course assigned with a message naming her; study, final quiz, questionnaire.
    assignment_create(
        organisation=organisation,
        course=course,
        assigned_by=trainer,
        due_date=timezone.localdate() + timedelta(days=30),
        learners=[zoe],
        message=f"Hoi {NAME}, welkom! Vragen? Mail {EMAIL}.",
    )
    enrolment = Enrolment.objects.get(user=zoe, course=course)
    now = timezone.now()
    lesson_open(enrolment=enrolment, lesson=lesson, now=now)
    lesson_complete(enrolment=enrolment, lesson=lesson, now=now + timedelta(minutes=4))
    assessment_services.survey_answer(
        survey=survey, enrolment=enrolment, phase="pre", answers={"a0": 4, "a1": 2}
    )
    attempt = assessment_services.attempt_start(quiz=quiz, enrolment=enrolment)
    for entry in attempt.layout:
        assessment_services.response_save(
            attempt=attempt,
            question_id=entry["q"],
            positions=[entry["c"].index(right_choice(entry["q"]))],
        )
    assessment_services.attempt_submit(attempt=attempt)

    # Staff changed her in the admin; she downloaded her data.
    LogEntry.objects.create(
        user=factories.UserFactory(is_staff=True),
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(zoe.pk),
        object_repr=str(zoe),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Name"]}}]),
    )
    assert client.post(reverse("accounts:personal_data")).status_code == 200

    # Something in the cache and in stored files that is not about her, to search through.
    cache.set("unrelated", {"organisation": organisation.name}, 60)
    default_storage.save("certificates/unrelated.txt", ContentFile(b"nothing personal"))
    return zoe


@pytest.mark.django_db
def test_before_deletion_the_search_finds_the_person_everywhere_it_should(person):
    hits = "\n".join(database_hits(NEEDLES))
    for place in (
        "accounts.User.email",
        "accounts.User.name",
        "accounts.AuditEvent.summary",
        "accounts.AuditEvent.data",
        "account.EmailAddress.email",
        "organisations.Invitation.email",
        "organisations.Invitation.name",
        "organisations.InvitationBatch.csv_text",
        "organisations.InvitationBatch.results",
        "courses.Assignment.message",
        "admin.LogEntry.object_repr",
    ):
        assert place in hits, place


@pytest.mark.django_db
def test_after_deletion_the_address_and_name_are_nowhere(client, person):
    counts = {model: model.objects.count() for model in AGGREGATES}
    assert all(counts.values()), counts

    response = client.post(reverse("accounts:delete"), {"email": EMAIL})
    assert response.status_code == 302

    assert _everywhere(NEEDLES) == []
    assert {model: model.objects.count() for model in AGGREGATES} == counts
    # What was about others stays: the other row of the upload, the organisation's events.
    batch = InvitationBatch.objects.get()
    assert "andere@example.org;Iemand Anders" in batch.csv_text
    assert [r["email"] for r in batch.results] == ["andere@example.org", "[deleted]"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == 3
    assert (
        Invitation.objects.get(accepted_by=person).email == f"deleted-{person.pk}@invalid.example"
    )

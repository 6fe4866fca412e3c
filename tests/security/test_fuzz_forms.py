"""Fuzzing the five riskiest forms with hypothesis: whatever is posted, never a server error.

The forms: the CSV upload of invitations (file content and file name), assigning a course
(ids, dates, learners; also the "Search learners" GET of the same form), inviting one person,
the profile (name, language, registration numbers) and saving answers to a quiz and handing
it in (question ids and answer values; answers are positions in the attempt's frozen order).

Each example posts as the right person (with an authenticator app where the MFA gate asks for
one) and checks: the status is below 500; an accepted form saved only what the rules allow
(roles the person may grant, learners of their own organisation, ASCII digits in registration
numbers, ...); a refused form answers 4xx or shows the form again with an error, and saved
nothing. Every example runs in a savepoint that is rolled back, so examples are independent.

Values for ids are written as placeholders ("@group", "@outsider", ...) and replaced by the
real ids of the test's data; the ``@example`` regressions can so name them too. In CI the
generation is derandomized: the same examples every run. ``FUZZ_EXAMPLES=500`` runs more
examples per form, for a deeper search by hand.
"""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from accounts.models import User
from assessments import services as assessment_services
from assessments.models import Attempt, Question, Response
from courses.models import Assignment, Course
from courses.services.assignments import assignment_assignee_ids
from organisations.models import Invitation, InvitationBatch, Role
from organisations.services.bulk import OUTCOMES
from tests import factories
from tests.accounts.helpers import reauthenticate
from tests.assessments.conftest import make_quiz
from tests.security.fuzzing import (
    FILE_NAMES,
    FUZZ,
    assert_refused,
    csv_content,
    dates,
    examples,
    field,
    form,
    forms,
    future_dates,
    login,
    resolve,
    rolled_back,
    texts,
    value,
)

pytestmark = pytest.mark.django_db

# --- 1. the CSV upload of invitations --------------------------------------------------------


@pytest.fixture
def upload_setup(org_admin, organisation, client):
    factories.GroupFactory(organisation=organisation, name="Klas")
    factories.MemberFactory(organisation=organisation, user__email="member@example.org")
    return login(client, org_admin), reverse("organisations:batch_upload", args=[organisation.slug])


@settings(FUZZ, max_examples=examples(40))
@given(
    content=st.one_of(csv_content(), csv_content(), csv_content(), st.binary(max_size=2000)),
    filename=FILE_NAMES,
    extra=form(file=field(), csv_text=field()),
)
@example(content=b"email,name\na@example.org,Ann\x00Smith\n", filename="people.csv", extra={})
@example(content=b"email\na@example.org\n", filename="peo\x00ple.csv", extra={})
@example(content=b"email,name\nb@example.org,\xed\xa0\x80\n", filename="people.csv", extra={})
@example(content=b"email,name\rb@example.org,Bo\r", filename="people.csv", extra={})
@example(
    content=b"email,name" + b"x" * 140_000 + b"\nb@example.org,Bo\n", filename="a.csv", extra={}
)
def test_invitation_upload_never_fails(
    upload_setup, content, filename, extra, django_capture_on_commit_callbacks
):
    client, url = upload_setup
    with rolled_back():
        batches, invitations = InvitationBatch.objects.count(), Invitation.objects.count()
        data = {**extra, "file": SimpleUploadedFile(filename or "x", content, "text/csv")}
        with django_capture_on_commit_callbacks(execute=True):  # the processing task too
            response = client.post(url, data)
            event(f"HTTP {response.status_code}")
        if response.status_code != 302:
            assert_refused(response)
            assert InvitationBatch.objects.count() == batches
            assert Invitation.objects.count() == invitations
            return
        batch = InvitationBatch.objects.latest("pk")
        assert "\x00" not in batch.csv_text and "\x00" not in batch.filename
        assert batch.status == InvitationBatch.Status.DONE, batch.error
        assert batch.processed_rows == batch.total_rows == len(batch.results)
        assert {result["outcome"] for result in batch.results} <= set(OUTCOMES)
        invited = sum(result["outcome"] == "invited" for result in batch.results)
        assert Invitation.objects.count() == invitations + invited


# --- 2. assigning a course -------------------------------------------------------------------


@pytest.fixture
def assign_setup(trainer, organisation, other_organisation, client):
    group = factories.GroupFactory(organisation=organisation, name="Klas")
    learners = [factories.MemberFactory(organisation=organisation).user for _ in range(2)]
    for learner in learners:
        factories.GroupMemberFactory(group=group, user=learner)
    outsider = factories.MemberFactory(organisation=other_organisation).user
    ids = {
        "@course": factories.CourseFactory().pk,
        "@draft": factories.CourseFactory(status=Course.Status.DRAFT).pk,
        "@group": group.pk,
        "@other_group": factories.GroupFactory(organisation=other_organisation).pk,
        "@learner": learners[0].pk,
        "@learner2": learners[1].pk,
        "@outsider": outsider.pk,
    }
    url = reverse("trainer:assign", args=[organisation.pk])
    return login(client, trainer), url, ids, organisation


ASSIGNMENT_FORM = forms(
    valid=st.fixed_dictionaries(
        {
            "course": st.just("@course"),
            "due_date": future_dates().map(date.isoformat),
            "message": st.text(max_size=20),
        }
    ).flatmap(
        lambda data: st.one_of(
            st.just({**data, "group": "@group"}),
            st.lists(st.sampled_from(["@learner", "@learner2"]), min_size=1, max_size=2).map(
                lambda learners: {**data, "group": "", "learners": learners}
            ),
        )
    ),
    fuzz={
        "course": field("@course", "@draft", "@group"),
        "group": field("", "@group", "@other_group", "@learner"),
        "learners": st.lists(value("@learner", "@learner2", "@outsider", "@course"), max_size=4),
        "due_date": st.one_of(dates(), st.lists(dates(), min_size=2, max_size=2)),
        "message": field(),
    },
)


@settings(FUZZ, max_examples=examples(40))
@given(data=ASSIGNMENT_FORM)
@example(data={"course": "@course", "learners": ["²"], "due_date": "2099-01-01"})
@example(data={"course": "@course", "group": "@group", "due_date": "2099-01-01", "message": "\x00"})
def test_course_assignment_never_fails(assign_setup, data):
    client, url, ids, organisation = assign_setup
    with rolled_back():
        before = Assignment.objects.count()
        response = client.post(url, resolve(data, ids))
        event(f"HTTP {response.status_code}")
        if response.status_code != 302:
            assert_refused(response)
            assert Assignment.objects.count() == before
            return
        assert Assignment.objects.count() == before + 1
        assignment = Assignment.objects.latest("pk")
        assert assignment.course.status == Course.Status.PUBLISHED
        assert assignment.due_date >= timezone.localdate()
        assert assignment.group_id in (None, ids["@group"])
        assignees = set(assignment_assignee_ids(assignment=assignment))
        assert assignees and ids["@outsider"] not in assignees
        assert assignees <= {ids["@learner"], ids["@learner2"]}


@settings(FUZZ, max_examples=examples(25))
@given(
    query=form(
        q=field(),
        learners=field("@learner", "@outsider"),
        course=field("@course"),
        group=field("@group", "@other_group"),
        due_date=dates(),
        message=field(),
    )
)
@example(query={"q": "\x00"})
@example(query={"learners": "²"})
@example(query={"learners": "99999999999999999999"})
def test_course_assignment_search_never_fails(assign_setup, query):
    """The "Search learners" button submits the same form as a GET."""
    client, url, ids, _organisation = assign_setup
    with rolled_back():
        response = client.get(url, resolve(query, ids))
        event(f"HTTP {response.status_code}")
        assert response.status_code == 200
        shown = {user.pk for user in response.context["learner_options"]}
        assert ids["@outsider"] not in shown


# --- 3. inviting one person ------------------------------------------------------------------


@pytest.fixture
def invite_setup(trainer, organisation, other_organisation, client):
    ids = {
        "@group": factories.GroupFactory(organisation=organisation).pk,
        "@other_group": factories.GroupFactory(organisation=other_organisation).pk,
    }
    factories.MemberFactory(organisation=organisation, user__email="member@example.org")
    url = reverse("organisations:invitation_new", args=[organisation.slug])
    return login(client, trainer), url, ids, organisation


INVITATION_FORM = forms(
    valid={
        "email": st.sampled_from(["new@example.org", " New@Example.ORG ", "x@ünï.nl"]),
        "name": st.text(max_size=30),
        "role": st.just("learner"),
        "group": st.sampled_from(["", "@group"]),
        "language": st.sampled_from(["nl", "en"]),
    },
    fuzz={
        "email": field("new@example.org", "member@example.org", "a@b", "x@ünï.nl"),
        "name": field(),
        "role": field(*Role.values),
        "group": field("", "@group", "@other_group"),
        "language": field("nl", "en"),
        "message": field(),
    },
)


@settings(FUZZ, max_examples=examples(40))
@given(data=INVITATION_FORM)
@example(data={"email": "new@example.org", "role": "admin", "language": "nl"})
@example(data={"email": "new@example.org", "role": "learner", "language": "nl", "name": "\x00"})
@example(data={"email": "new@example.org", "role": "learner", "group": "@other_group"})
def test_invitation_never_fails(invite_setup, data):
    """A trainer may invite learners only, into groups of their own organisation."""
    client, url, ids, organisation = invite_setup
    with rolled_back():
        before = Invitation.objects.count()
        response = client.post(url, resolve(data, ids))
        event(f"HTTP {response.status_code}")
        if response.status_code != 302:
            assert_refused(response)
            assert Invitation.objects.count() == before
            return
        invitation = Invitation.objects.latest("pk")
        assert Invitation.objects.count() == before + 1
        assert invitation.organisation == organisation and invitation.role == Role.LEARNER
        assert invitation.group_id in (None, ids["@group"])
        assert invitation.email == invitation.email.strip().lower() and "@" in invitation.email
        assert invitation.language in ("nl", "en") and len(invitation.name) <= 150


# --- 4. the profile --------------------------------------------------------------------------

DIGITS = {
    "big_number": r"[0-9]{11}",
    "vvn_number": r"[0-9]{6,9}",
    "skj_number": r"[0-9]{6,9}",
    "registerplein_number": r"[0-9]{5,9}",
    "other_register_number": r"[A-Za-z0-9][A-Za-z0-9\-./]{2,39}",
}

PROFILE_FORM = forms(
    valid={
        "name": st.sampled_from(["Lotte de Vries", "  Lotte   de  Vries ", "Zoë 😀 שָׁלוֹם"]),
        "preferred_language": st.sampled_from(["nl", "en"]),
        "profession": st.sampled_from(["", *User.Profession.values]),
        "big_number": st.sampled_from(["", "123 456 789 01", "12345678901"]),
        "vvn_number": st.sampled_from(["", "12.34.56"]),
        "skj_number": st.sampled_from(["", "123-456-78"]),
        "registerplein_number": st.sampled_from(["", "12345"]),
        "date_of_birth": st.sampled_from(["", "1980-05-17", "17-05-1980"]),
    },
    fuzz={
        "name": field("Lotte de Vries"),
        "preferred_language": field("nl", "en"),
        "profession": field("", *User.Profession.values),
        "big_number": field("123 456 789 01", "12345678901", "1234567890"),
        "vvn_number": field("123456", "12.34.56"),
        "skj_number": field("1234567", "123-456-78"),
        "registerplein_number": field("12345"),
        "other_register_name": field("Register X"),
        "other_register_number": field("AB-12/3.4", "ab"),
        "date_of_birth": dates(),
    },
)


@pytest.fixture
def profile_setup(learner, client):
    client.force_login(learner)
    reauthenticate(client)  # registration numbers change without a detour
    return client, reverse("accounts:profile"), learner


def _profile(user) -> dict:
    return model_to_dict(User.objects.get(pk=user.pk), fields=PROFILE_FIELDS)


PROFILE_FIELDS = ["name", "preferred_language", "profession", "date_of_birth", *DIGITS]
PROFILE_FIELDS.append("other_register_name")


@settings(FUZZ, max_examples=examples(40))
@given(data=PROFILE_FORM)
@example(data={"name": "Lotte", "preferred_language": "nl", "big_number": "١٢٣٤٥٦٧٨٩٠١"})
@example(data={"name": "Lotte", "preferred_language": "nl", "vvn_number": "１２３４５６"})
@example(data={"name": "Lotte\x00", "preferred_language": "nl"})
def test_profile_never_fails(profile_setup, data):
    client, url, user = profile_setup
    with rolled_back():
        before = _profile(user)
        response = client.post(url, data)
        event(f"HTTP {response.status_code}")
        if response.status_code != 302 or response["Location"] != url:
            if response.status_code != 302:  # (a 302 elsewhere: "confirm access" first)
                assert_refused(response)
            assert _profile(user) == before
            return
        after = _profile(user)
        assert after["name"] and after["name"] == " ".join(after["name"].split())
        assert len(after["name"]) <= 150 and "\x00" not in after["name"]
        assert after["preferred_language"] in User.Language.values
        assert after["profession"] in ("", *User.Profession.values)
        for name, pattern in DIGITS.items():
            assert after[name] == "" or re.fullmatch(pattern, after[name], re.ASCII), name
        assert bool(after["other_register_name"]) == bool(after["other_register_number"])
        born = after["date_of_birth"]
        assert born is None or date(1900, 1, 1) <= born < timezone.localdate()


# --- 5. saving answers to a quiz and handing it in -------------------------------------------


@pytest.fixture
def quiz_setup(learner, organisation, client):
    course = factories.CourseFactory()
    lesson = factories.LessonFactory(module__course=course)
    enrolment = factories.EnrolmentFactory(user=learner, course=course, organisation=organisation)
    final = make_quiz(course=course, questions=4)
    check = make_quiz(course=course, kind="check", lesson=lesson, questions=3)
    someone = factories.MemberFactory(organisation=organisation).user
    elsewhere = factories.EnrolmentFactory(user=someone, course=course, organisation=organisation)
    attempts = {
        "@final": assessment_services.attempt_start(quiz=final, enrolment=enrolment),
        "@check": assessment_services.attempt_start(quiz=check, enrolment=enrolment),
        "@someone": assessment_services.attempt_start(quiz=final, enrolment=elsewhere),
    }
    client.force_login(learner)
    return client, attempts


ANSWER_VALUES = st.lists(value("0", "1", "2", "3", "-1", " 1 ", "+1", "1_0", "٢"), max_size=3)
QUESTION = st.one_of(
    st.sampled_from([f"{name}:{index}" for name in ("@final", "@check") for index in range(3)]),
    st.sampled_from(["@someone:0", "@other_quiz"]),
    st.integers(min_value=0, max_value=2**70).map(str),
)


def _question(placeholder: str, attempts) -> int:
    if placeholder == "@other_quiz":
        mine = [attempt.quiz_id for attempt in attempts.values()]
        return Question.objects.exclude(quiz_id__in=mine).values_list("pk", flat=True).first() or 0
    if ":" in placeholder:
        name, index = placeholder.split(":")
        return attempts[name].layout[int(index)]["q"]
    return int(placeholder)


def _answers_are_sound(attempt: Attempt) -> None:
    """Only questions of the attempt, only choices shown for them, one choice per question."""
    attempt.refresh_from_db()
    shown = {entry["q"]: set(entry["c"]) for entry in attempt.layout}
    for response in Response.objects.filter(attempt=attempt):
        assert response.question_id in shown
        assert set(response.selected) <= shown[response.question_id]
        assert len(response.selected) <= 1
    if attempt.status == Attempt.Status.SUBMITTED and attempt.score is not None:
        assert 0 <= attempt.score <= 100


@settings(FUZZ, max_examples=examples(40))
@given(
    which=st.sampled_from(["@final", "@check", "@someone"]),
    question=QUESTION,
    answers=ANSWER_VALUES,
    other_fields=st.dictionaries(st.sampled_from(["q", "q0", "submit", "x"]), texts(), max_size=2),
    htmx=st.booleans(),
)
@example(which="@final", question="@final:0", answers=["9" * 5000], other_fields={}, htmx=True)
@example(which="@final", question="@final:0", answers=["0", "1"], other_fields={}, htmx=True)
@example(which="@someone", question="@someone:0", answers=["0"], other_fields={}, htmx=False)
def test_answer_save_never_fails(quiz_setup, which, question, answers, other_fields, htmx):
    client, attempts = quiz_setup
    attempt = attempts[which]
    question_id = _question(question, attempts)
    url = reverse("assessments:answer", args=[attempt.pk, question_id])
    headers = {"HX-Request": "true"} if htmx else {}
    with rolled_back():
        response = client.post(url, {**other_fields, f"q{question_id}": answers}, headers=headers)
        event(f"HTTP {response.status_code}")
        assert response.status_code < 500
        if which == "@someone":
            assert response.status_code == 404
            assert not Response.objects.filter(attempt=attempt).exists()
        for own in attempts.values():
            _answers_are_sound(own)


@settings(FUZZ, max_examples=examples(35))
@given(
    which=st.sampled_from(["@final", "@check"]),
    answers=st.dictionaries(st.integers(min_value=0, max_value=3), ANSWER_VALUES, max_size=4),
    submit=st.one_of(st.none(), texts()),
    other_fields=st.dictionaries(texts(), field(), max_size=2),
)
@example(which="@final", answers={0: ["0"], 1: ["x"]}, submit="1", other_fields={})
@example(which="@final", answers={0: ["0"]}, submit="", other_fields={"0" * 2000: ""})
def test_save_all_and_hand_in_never_fails(quiz_setup, which, answers, submit, other_fields):
    """Without JavaScript: all answers in one form, with or without handing in."""
    client, attempts = quiz_setup
    attempt = attempts[which]
    data = {**other_fields}
    for index, values in answers.items():
        if index < len(attempt.layout):
            data[f"q{attempt.layout[index]['q']}"] = values
    if submit is not None:
        data["submit"] = submit
    with rolled_back():
        response = client.post(reverse("assessments:save", args=[attempt.pk]), data)
        event(f"HTTP {response.status_code}")
        attempt.refresh_from_db()
        if response.status_code != 302:  # e.g. a field name past Django's header limit
            assert response.status_code == 400
            assert attempt.status == Attempt.Status.IN_PROGRESS
            assert not Response.objects.filter(attempt=attempt).exists()
            return
        if attempt.status == Attempt.Status.SUBMITTED:
            assert "submit" in data  # handed in only on purpose
            sent = [(entry, data.get(f"q{entry['q']}", [])) for entry in attempt.layout]
            assert all(
                _is_position(v, len(entry["c"])) for entry, values in sent for v in values
            ), "handed in although an answer was refused"
        _answers_are_sound(attempt)


def _is_position(raw, count: int) -> bool:
    try:
        return 0 <= int(raw) < count
    except ValueError:
        return False

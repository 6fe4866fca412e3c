"""The trainer's classroom pages: the sessions list, recording a session, one session; and
the learner's My learning showing a classroom completion."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.classroom import classroom_session_record
from courses.models import ClassroomAttendance, ClassroomSession
from tests.courses.trainer_helpers import make_group
from tests.factories import CourseFactory, UserFactory

LIST_URL = reverse("trainer:classroom")
LAST_WEEK = timezone.localdate() - timedelta(days=7)


def record_url(organisation) -> str:
    return reverse("trainer:classroom_record", args=[organisation.pk])


def session_url(session) -> str:
    return reverse("trainer:classroom_session", args=[session.pk])


def make_session(trainer, organisation, course, *, emails=("a@example.org",), **kwargs):
    return classroom_session_record(
        recorded_by=trainer,
        organisation=organisation,
        course=course,
        held_on=kwargs.pop("held_on", LAST_WEEK),
        emails=list(emails),
        **kwargs,
    )


@pytest.fixture
def group(organisation):
    return make_group(organisation, members=3, name="Basisopleiding A")


# --- recording ------------------------------------------------------------------------------


def test_the_trainer_sees_the_form_with_the_members_of_their_groups(
    client, trainer, organisation, group, course
):
    client.force_login(trainer)

    response = client.get(record_url(organisation))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Basisopleiding A" in html
    for member in group.members.all():
        assert f'value="{member.pk}"' in html
    assert 'name="emails"' in html
    assert response.context["form"]["trainer"].initial == trainer.pk


def test_the_trainer_records_a_session(client, trainer, organisation, group, course):
    member = group.members.first()
    client.force_login(trainer)

    response = client.post(
        record_url(organisation),
        {
            "course": course.pk,
            "held_on": LAST_WEEK.isoformat(),
            "trainer": trainer.pk,
            "location": "Apeldoorn",
            "members": [member.pk],
            "emails": "nieuw@example.org\n",
        },
    )

    session = ClassroomSession.objects.get()
    assert response.status_code == 302
    assert response.url == session_url(session)
    assert (session.course, session.held_on, session.trainer) == (course, LAST_WEEK, trainer)
    assert set(session.attendances.values_list("user_id", "email")) == {
        (member.pk, ""),
        (None, "nieuw@example.org"),
    }
    page = client.get(response.url)
    assert "The session was recorded with 2 attendees." in page.content.decode()


def test_bad_input_shows_a_message_per_line_and_saves_nothing(
    client, trainer, organisation, group, course
):
    client.force_login(trainer)
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client.post(
        record_url(organisation),
        {
            "course": course.pk,
            "held_on": tomorrow.isoformat(),
            "trainer": trainer.pk,
            "members": [group.members.first().pk],
            "emails": "goed@example.org\nfout@\n",
        },
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["held_on"] == ["The date of the session cannot be in the future."]
    assert form.errors["emails"] == ["Line 2: “fout@” is not a valid e-mail address."]
    html = response.content.decode()
    assert "Line 2: “fout@” is not a valid e-mail address." in html
    chosen = group.members.first().pk
    assert f'value="{chosen}" id="member-{group.pk}-{chosen}" checked' in html  # kept
    assert not ClassroomSession.objects.exists()
    assert not ClassroomAttendance.objects.exists()


def test_an_empty_session_and_a_stranger_are_refused(
    client, trainer, organisation, other_organisation, course
):
    stranger = make_group(other_organisation, members=1).members.get()
    client.force_login(trainer)
    data = {"course": course.pk, "held_on": LAST_WEEK.isoformat(), "trainer": trainer.pk}

    empty = client.post(record_url(organisation), data)
    strange = client.post(record_url(organisation), {**data, "members": [stranger.pk]})

    assert empty.status_code == strange.status_code == 400
    assert empty.context["form"].errors["members"] == [
        "Choose at least one attendee or enter an e-mail address."
    ]
    assert strange.context["form"].errors["members"] == [
        "One of the chosen people is not in a group of this organisation."
    ]
    assert not ClassroomSession.objects.exists()


def test_an_outsider_gets_404(client, outsider, learner, organisation, course):
    for person in (outsider, learner):
        client.force_login(person)
        get = client.get(record_url(organisation))
        post = client.post(
            record_url(organisation),
            {"course": course.pk, "held_on": LAST_WEEK.isoformat(), "emails": "a@example.org"},
        )
        assert get.status_code == post.status_code == 404
    assert not ClassroomSession.objects.exists()


# --- the list and one session ---------------------------------------------------------------


def test_the_list_shows_the_sessions_of_the_trainers_organisations_only(
    client, trainer, outsider, organisation, other_organisation, course
):
    own = make_session(trainer, organisation, course, emails=["a@example.org", "b@example.org"])
    make_session(outsider, other_organisation, course)
    client.force_login(trainer)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    (row,) = response.context["sessions"]
    assert row == own and row.attendee_count == 2
    assert session_url(own) in response.content.decode()
    assert record_url(organisation) in response.content.decode()


def test_a_learner_gets_404_on_the_list(client, learner):
    client.force_login(learner)

    assert client.get(LIST_URL).status_code == 404


def test_the_list_costs_the_same_number_of_queries_for_more_sessions(
    client, trainer, organisation, course, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(trainer)
    make_session(trainer, organisation, course)
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as small:
        client.get(LIST_URL)
    for n in range(6):
        make_session(trainer, organisation, CourseFactory(), emails=[f"p{n}@example.org"])

    with django_assert_num_queries(len(small)):
        response = client.get(LIST_URL)

    assert len(response.context["sessions"]) == 7


def test_the_session_page_names_the_trainers_own_people_only(client, trainer, organisation, course):
    member = make_group(organisation, members=1).members.get()
    UserFactory(name="Karin Elders", email="karin@example.org")  # an account elsewhere
    session = make_session(
        trainer,
        organisation,
        course,
        member_ids=[member.pk],
        emails=["karin@example.org", "onbekend@example.org"],
    )
    client.force_login(trainer)

    response = client.get(session_url(session))

    assert response.status_code == 200
    html = response.content.decode()
    assert member.name in html and member.email in html
    assert "karin@example.org" in html and "onbekend@example.org" in html
    assert "Karin Elders" not in html  # nobody learns who has an account here
    assert "3 attendees" in html


def test_an_outsider_gets_404_on_a_session(client, trainer, outsider, organisation, course):
    session = make_session(trainer, organisation, course)
    client.force_login(outsider)

    assert client.get(session_url(session)).status_code == 404
    assert client.get(reverse("trainer:classroom_session", args=[999999])).status_code == 404


def test_the_trainer_home_links_to_the_classroom_sessions(client, trainer):
    client.force_login(trainer)

    assert LIST_URL in client.get(reverse("trainer:home")).content.decode()


# --- My learning ----------------------------------------------------------------------------


def test_my_learning_shows_a_classroom_completion_marked_as_classroom(
    client, trainer, learner, organisation, course
):
    group = make_group(organisation)
    group.members.add(learner)
    make_session(trainer, organisation, course, member_ids=[learner.pk], emails=[])
    client.force_login(learner)

    response = client.get(reverse("courses:my_learning"))

    (item,) = response.context["learning"].completed
    assert item.course == course and item.classroom.held_on == LAST_WEEK
    assert item.completed_on == LAST_WEEK
    html = response.content.decode()
    assert "Classroom" in html and "Completed in class" in html
    assert LAST_WEEK.strftime("%Y-%m-%d") in html
    assert course not in response.context["learning"].suggestions


def test_my_learning_costs_one_query_for_any_number_of_classroom_sessions(
    client, trainer, learner, organisation, count_queries, courses_queries_only
):
    group = make_group(organisation)
    group.members.add(learner)
    client.force_login(learner)
    url = reverse("courses:my_learning")

    def attend(n):
        for _ in range(n):
            make_session(trainer, organisation, CourseFactory(), member_ids=[learner.pk])

    attend(1)
    client.get(url)
    small = count_queries(lambda: client.get(url))
    attend(5)
    large = count_queries(lambda: client.get(url))

    assert small == large
    assert len(client.get(url).context["learning"].completed) == 6

"""Correcting and deleting a recorded classroom session: the trainer of the organisation may,
an outsider gets a 404, bad input changes nothing, and the figures follow the rows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import ClassroomAttendance, ClassroomSession
from tests.courses.test_classroom_views import LAST_WEEK, make_session
from tests.courses.trainer_helpers import make_group

pytestmark = pytest.mark.django_db


def edit_url(session) -> str:
    return reverse("trainer:classroom_edit", args=[session.pk])


def delete_url(session) -> str:
    return reverse("trainer:classroom_delete", args=[session.pk])


@pytest.fixture
def group(organisation):
    return make_group(organisation, members=3, name="Basisopleiding A")


@pytest.fixture
def session(trainer, organisation, course, group):
    member = group.members.first()
    return make_session(
        trainer, organisation, course, emails=("gast@example.org",), member_ids=[member.pk]
    )


def _post(client, session, **changes):
    data = {
        "course": session.course_id,
        "held_on": session.held_on.isoformat(),
        "trainer": session.trainer_id,
        "location": "Utrecht",
        "emails": "",
    }
    data.update(changes)
    return client.post(edit_url(session), data)


def test_the_form_opens_with_the_session_as_recorded(client, trainer, session, group):
    client.force_login(trainer)

    response = client.get(edit_url(session))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["held_on"] == session.held_on
    assert form.initial["emails"] == "gast@example.org"
    member = group.members.first()
    assert form.initial["members"] == [member.pk]
    assert f'value="{member.pk}" id="member-{group.pk}-{member.pk}" checked' in (
        response.content.decode()
    )


def test_the_trainer_corrects_date_and_attendees(client, trainer, session, group):
    client.force_login(trainer)
    others = list(group.members.all()[1:3])
    earlier = LAST_WEEK - timedelta(days=3)

    response = _post(
        client,
        session,
        held_on=earlier.isoformat(),
        members=[u.pk for u in others],
        emails="nieuw@example.org\n",
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.held_on == earlier
    assert session.location == "Utrecht"
    rows = set(session.attendances.values_list("user_id", "email"))
    assert rows == {(others[0].pk, ""), (others[1].pk, ""), (None, "nieuw@example.org")}


def test_a_future_date_is_refused_and_nothing_changes(client, trainer, session):
    client.force_login(trainer)
    before = set(session.attendances.values_list("user_id", "email"))
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = _post(client, session, held_on=tomorrow.isoformat(), emails="x@example.org")

    assert response.status_code == 400
    assert "The date of the session cannot be in the future." in response.content.decode()
    session.refresh_from_db()
    assert session.held_on == LAST_WEEK
    assert set(session.attendances.values_list("user_id", "email")) == before


def test_no_attendees_is_refused_and_nothing_changes(client, trainer, session):
    client.force_login(trainer)
    count = session.attendances.count()

    response = _post(client, session, emails="")

    assert response.status_code == 400
    assert "Choose at least one attendee or enter an e-mail address." in response.content.decode()
    assert session.attendances.count() == count


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_an_outsider_gets_a_404_and_nothing_changes(client, outsider, session, action):
    client.force_login(outsider)
    url = edit_url(session) if action == "edit" else delete_url(session)

    assert client.get(url).status_code == 404
    assert _post(client, session, emails="x@example.org").status_code == 404
    assert client.post(delete_url(session)).status_code == 404
    assert ClassroomSession.objects.filter(pk=session.pk).exists()
    assert not ClassroomAttendance.objects.filter(email="x@example.org").exists()


def test_a_learner_of_the_organisation_gets_a_404(client, learner, session):
    client.force_login(learner)

    assert client.get(edit_url(session)).status_code == 404
    assert client.post(delete_url(session)).status_code == 404
    assert ClassroomSession.objects.filter(pk=session.pk).exists()


def test_delete_asks_first_then_removes_the_session_and_its_completions(client, trainer, session):
    client.force_login(trainer)

    page = client.get(delete_url(session))
    assert page.status_code == 200
    assert "has 2 attendees" in page.content.decode()
    assert ClassroomSession.objects.filter(pk=session.pk).exists()  # a GET deletes nothing

    response = client.post(delete_url(session))

    assert response.status_code == 302
    assert response["Location"] == reverse("trainer:classroom")
    assert not ClassroomSession.objects.filter(pk=session.pk).exists()
    assert not ClassroomAttendance.objects.filter(session_id=session.pk).exists()


def test_the_session_page_links_to_change_and_delete(client, trainer, session):
    client.force_login(trainer)

    html = client.get(reverse("trainer:classroom_session", args=[session.pk])).content.decode()

    assert edit_url(session) in html
    assert delete_url(session) in html

"""The trainer's start page /trainer/: groups with members, courses and completion."""

import pytest
from django.urls import reverse

from tests.courses.trainer_helpers import add_learners, assign, complete_lessons, make_group
from tests.factories import CourseFactory, MemberFactory, OrganisationFactory
from tests.mfa import give_totp

URL = reverse("trainer:home")


@pytest.fixture
def group(organisation):
    return make_group(organisation, members=4, name="Noordploeg")


def test_it_lists_the_trainers_groups_with_courses_and_completion(client, trainer, group, course):
    assign(trainer, course, group=group)
    complete_lessons(group.members.first(), course)
    client.force_login(trainer)

    response = client.get(URL)

    assert response.status_code == 200
    (row,) = response.context["groups"]
    assert row == group
    assert row.member_count == 4
    assert row.completion_percent == 25
    html = response.content.decode()
    assert "Noordploeg" in html
    assert course.title_nl in html
    assert reverse("trainer:group", args=[group.pk]) in html
    assert "25 % (1 of 4)" in html
    assert "Assign a course" in html


def test_it_shows_groups_of_sub_organisations_but_not_of_others(
    client, trainer, organisation, other_organisation, group
):
    unit = OrganisationFactory(parent=organisation)
    unit_group = make_group(unit, name="Eenheidsgroep")
    make_group(other_organisation, name="Vreemde groep")
    client.force_login(trainer)

    groups = client.get(URL).context["groups"]

    assert {g.name for g in groups} == {group.name, unit_group.name}


def test_it_lists_assignments_to_chosen_learners(client, trainer, organisation, course):
    chosen = add_learners(organisation, 2)
    assignment = assign(trainer, course, learners=chosen, organisation=organisation)
    client.force_login(trainer)

    response = client.get(URL)

    (row,) = response.context["learner_assignments"]
    assert row == assignment and row.learner_count == 2 and row.completed_count == 0
    assert reverse("trainer:assignment", args=[assignment.pk]) in response.content.decode()


def test_an_organisation_administrator_may_open_it(client, org_admin, group):
    give_totp(org_admin)  # administrators must use an authenticator app (academy.mfa)
    client.force_login(org_admin)
    assert client.get(URL).status_code == 200


def test_a_learner_gets_404(client, learner):
    client.force_login(learner)
    assert client.get(URL).status_code == 404


def test_an_analyst_gets_404(client, analyst):
    give_totp(analyst)  # past the two-factor gate, the trainer pages still refuse an analyst
    client.force_login(analyst)
    assert client.get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(URL).status_code == 302


def _groups(organisation, trainer, count):
    for _ in range(count):
        group = make_group(organisation, members=3)
        assign(trainer, CourseFactory(), group=group)
        assign(trainer, CourseFactory(), group=group)


def test_the_number_of_queries_does_not_grow_with_groups(
    client, trainer, organisation, django_assert_max_num_queries, settings
):
    settings.USERSESSIONS_TRACK_ACTIVITY = False
    _groups(organisation, trainer, 2)
    client.force_login(trainer)
    client.get(URL)
    with django_assert_max_num_queries(14) as few:
        client.get(URL)

    other = MemberFactory(organisation=organisation, role="trainer").user
    _groups(organisation, other, 10)
    with django_assert_max_num_queries(len(few)):
        response = client.get(URL)
    assert len(response.context["groups"]) == 12

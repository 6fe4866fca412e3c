"""The group progress page /trainer/groups/<id>/: the learners × courses matrix."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrolment
from tests.courses.factories import make_course
from tests.courses.trainer_helpers import (
    add_learners,
    assign,
    complete_lessons,
    make_group,
    make_past_due,
)
from tests.factories import CourseFactory, GroupMemberFactory


@pytest.fixture
def group(organisation):
    return make_group(organisation, name="Team Centrum")


@pytest.fixture
def second_course(db):
    return make_course(lessons=2, title_nl="Tweede cursus", title_en="Second course")


def url(group, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("trainer:group", args=[group.pk]) + (f"?{query}" if query else "")


def test_it_shows_each_learner_and_course_with_their_status(
    client, trainer, organisation, group, course, second_course
):
    anna, bram, cas, dina = add_learners(organisation, 4, group=group)
    for person, name in zip((anna, bram, cas, dina), ("Anna", "Bram", "Cas", "Dina"), strict=True):
        person.name = name
        person.save(update_fields=["name"])
    assign(trainer, course, group=group)
    make_past_due(assign(trainer, second_course, group=group))
    complete_lessons(anna, course)
    complete_lessons(bram, course, count=1)
    complete_lessons(cas, second_course)
    client.force_login(trainer)

    response = client.get(url(group))

    assert response.status_code == 200
    rows = {row.learner.name: row for row in response.context["rows"]}

    def statuses(name):  # (first course, second course); columns are ordered by due date
        cells = {cell.column.course: cell.status for cell in rows[name].cells}
        return cells[course], cells[second_course]

    assert statuses("Anna") == ("completed", "overdue")
    assert statuses("Bram") == ("in_progress", "overdue")
    assert statuses("Cas") == ("not_started", "completed")
    assert statuses("Dina") == ("not_started", "overdue")
    assert [c.percent for c in rows["Bram"].cells if c.column.course == course] == [25]
    assert rows["Anna"].last_activity is not None and rows["Dina"].last_activity is None
    html = response.content.decode()
    assert "In progress 25 %" in html
    assert "Overdue" in html and "academy-badge--error" in html
    assert "Send a reminder to those not done" in html
    assert course.title_nl in html and second_course.title_nl in html


def test_a_trainer_of_a_parent_organisation_may_open_it(client, organisation, course):
    from tests.factories import MemberFactory, OrganisationFactory

    unit = OrganisationFactory(parent=organisation)
    group = make_group(unit, members=2)
    head_trainer = MemberFactory(organisation=organisation, role="trainer").user
    client.force_login(head_trainer)
    assert client.get(url(group)).status_code == 200


def test_an_outsider_trainer_gets_404(client, outsider, group):
    client.force_login(outsider)
    assert client.get(url(group)).status_code == 404


def test_a_learner_gets_404(client, learner, group):
    GroupMemberFactory(group=group, user=learner)
    client.force_login(learner)
    assert client.get(url(group)).status_code == 404


def test_an_unknown_group_gets_404(client, trainer):
    client.force_login(trainer)
    assert client.get(reverse("trainer:group", args=[999999])).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, group):
    response = client.get(url(group))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_group_without_assignments_says_so(client, trainer, group, organisation):
    add_learners(organisation, 2, group=group)
    client.force_login(trainer)
    response = client.get(url(group))
    assert response.status_code == 200
    assert "No course is assigned to this group yet." in response.content.decode()


def _group_with(organisation, trainer, courses, size):
    group = make_group(organisation, members=size)
    for index, course in enumerate(courses):
        assign(trainer, course, group=group)
        for member in list(group.members.all())[: size // 2]:
            if index == 0:
                Enrolment.objects.filter(user=member, course=course).update(
                    progress_percent=50, started_at=timezone.now(), last_activity_at=timezone.now()
                )
    return group


def test_the_number_of_queries_does_not_grow_with_learners_or_courses(
    client, trainer, organisation, django_assert_max_num_queries, settings
):
    settings.USERSESSIONS_TRACK_ACTIVITY = False  # allauth's per-request bookkeeping
    small = _group_with(organisation, trainer, [CourseFactory()], 5)
    large = _group_with(organisation, trainer, [CourseFactory() for _ in range(4)], 40)
    client.force_login(trainer)
    client.get(url(small))  # warm caches (content types, sessions)

    with django_assert_max_num_queries(14) as small_queries:
        assert client.get(url(small)).status_code == 200
    with django_assert_max_num_queries(len(small_queries)) as large_queries:
        response = client.get(url(large, sort="-progress"))
        assert response.status_code == 200
    assert len(response.context["rows"]) == 40
    assert len(large_queries) == len(small_queries)


def test_it_shows_50_learners_per_page(client, trainer, organisation, group, course):
    add_learners(organisation, 53, group=group)
    assign(trainer, course, group=group)
    client.force_login(trainer)

    first = client.get(url(group))
    second = client.get(url(group, page=2))

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 3
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()
    first_ids = {r.learner.pk for r in first.context["rows"]}
    assert not first_ids & {r.learner.pk for r in second.context["rows"]}


def test_it_filters_on_status_and_course(
    client, trainer, organisation, group, course, second_course
):
    done, busy, idle = add_learners(organisation, 3, group=group)
    first = assign(trainer, course, group=group)
    second = assign(trainer, second_course, group=group, days=30)
    complete_lessons(done, course)
    complete_lessons(busy, course, count=1)
    complete_lessons(idle, second_course, count=1)
    client.force_login(trainer)

    def learners(**params):
        response = client.get(url(group, **params))
        assert response.status_code == 200
        return {row.learner for row in response.context["rows"]}

    assert learners(status="completed", course=first.pk) == {done}
    assert learners(status="in_progress", course=first.pk) == {busy}
    assert learners(status="not_started", course=first.pk) == {idle}
    assert learners(status="not_done", course=first.pk) == {busy, idle}
    assert learners(status="in_progress", course=second.pk) == {idle}
    assert learners(status="in_progress") == {busy, idle}
    assert learners(status="not_done") == {done, busy, idle}
    assert learners(status="overdue") == set()
    make_past_due(first)
    assert learners(status="overdue", course=first.pk) == {busy, idle}
    # invalid values fall back to "everyone"
    assert learners(status="nonsense", course="abc") == {done, busy, idle}


def test_it_sorts_by_name_activity_and_progress(client, trainer, organisation, group, course):
    people = add_learners(organisation, 3, group=group)
    for person, name in zip(people, ("Zoë", "Anton", "Mila"), strict=True):
        person.name = name
        person.save(update_fields=["name"])
    assign(trainer, course, group=group)
    now = timezone.now()
    Enrolment.objects.filter(user=people[0]).update(progress_percent=75, last_activity_at=now)
    Enrolment.objects.filter(user=people[2]).update(
        progress_percent=25, last_activity_at=now - timedelta(days=3)
    )
    client.force_login(trainer)

    def order(sort):
        return [r.learner.name for r in client.get(url(group, sort=sort)).context["rows"]]

    assert order("name") == ["Anton", "Mila", "Zoë"]
    assert order("-name") == ["Zoë", "Mila", "Anton"]
    assert order("-activity") == ["Zoë", "Mila", "Anton"]
    assert order("activity") == ["Anton", "Mila", "Zoë"]
    assert order("progress") == ["Anton", "Mila", "Zoë"]
    assert order("-progress") == ["Zoë", "Mila", "Anton"]


def test_htmx_requests_get_only_the_results(client, trainer, organisation, group, course):
    add_learners(organisation, 2, group=group)
    assign(trainer, course, group=group)
    client.force_login(trainer)

    response = client.get(url(group, status="not_done"), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert "2 learners match the filters." in html


def test_sort_links_and_filters_work_as_plain_links(client, trainer, organisation, group, course):
    add_learners(organisation, 2, group=group)
    assignment = assign(trainer, course, group=group)
    client.force_login(trainer)

    html = client.get(url(group, status="not_done")).content.decode()

    assert 'href="?status=not_done&amp;sort=-name"' in html
    assert 'href="?status=not_done&amp;sort=-activity"' in html
    assert f'action="{url(group)}"' in html
    assert f"/trainer/groups/{group.pk}/export.csv?status=not_done" in html
    assert assignment.pk


def test_lessons_done_without_a_passed_quiz_says_so(client, trainer, group, course):
    """Not "in progress 100 %": every lesson is done, the final quiz is still to pass."""
    course.requires_final_quiz = True
    course.save(update_fields=["requires_final_quiz"])
    (learner,) = add_learners(group.organisation, 1, group=group)
    assign(trainer, course, group=group)
    complete_lessons(learner, course)
    client.force_login(trainer)

    html = client.get(url(group)).content.decode()

    assert Enrolment.objects.get(user=learner, course=course).completed_at is None
    assert "Lessons done, quiz not passed yet" in html
    assert "In progress 100 %" not in html

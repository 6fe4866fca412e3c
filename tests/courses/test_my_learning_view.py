"""My learning (/courses/my/): assigned courses with due dates (overdue first), in progress,
completed with certificate links, suggestions by organisation kind."""

from datetime import date, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.models import Assignment, Course
from courses.services import enrol
from tests.courses.factories import make_course, study_lesson
from tests.factories import CourseFactory, GroupFactory, GroupMemberFactory

URL = reverse("courses:my_learning")
TODAY = date(2026, 3, 10)


def assign(*, course, organisation, due, learners=(), group=None, **fields) -> Assignment:
    assignment = Assignment.objects.create(
        organisation=organisation, course=course, due_date=due, group=group, **fields
    )
    assignment.learners.add(*learners)
    return assignment


def complete(enrolment):
    for lesson in enrolment.course.lessons.all():
        study_lesson(enrolment=enrolment, lesson=lesson)


def get(client):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 3, 10, 12)), tick=False):
        return client.get(URL)


def test_it_needs_a_login(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_empty_page_says_what_to_do(client, learner):
    client.force_login(learner)

    html = get(client).content.decode()

    assert "Nothing is assigned to you at the moment." in html
    assert "You have no courses in progress." in html
    assert f'href="{reverse("courses:catalogue")}"' in html
    assert "You have not completed a course yet." in html


def test_it_lists_direct_and_group_assignments_overdue_first(client, learner, organisation):
    direct = CourseFactory(title_nl="Direct toegewezen")
    via_group = CourseFactory(title_nl="Via de groep")
    overdue = CourseFactory(title_nl="Te laat")
    group = GroupFactory(organisation=organisation)
    GroupMemberFactory(group=group, user=learner)
    assign(
        course=direct, organisation=organisation, due=TODAY + timedelta(days=5), learners=[learner]
    )
    assign(course=via_group, organisation=organisation, due=TODAY + timedelta(days=1), group=group)
    assign(
        course=overdue, organisation=organisation, due=TODAY - timedelta(days=2), learners=[learner]
    )
    client.force_login(learner)

    response = get(client)

    items = response.context["learning"].assigned
    assert [item.course.title_nl for item in items] == [
        "Te laat",
        "Via de groep",
        "Direct toegewezen",
    ]
    assert [item.overdue for item in items] == [True, False, False]
    html = response.content.decode()
    assert html.count("Overdue") == 1
    assert '<time datetime="2026-03-08">' in html
    assert html.index("Te laat") < html.index("Via de groep") < html.index("Direct toegewezen")


def test_the_earliest_due_date_wins_when_a_course_is_assigned_twice(client, learner, organisation):
    course = CourseFactory()
    group = GroupFactory(organisation=organisation)
    GroupMemberFactory(group=group, user=learner)
    assign(
        course=course, organisation=organisation, due=TODAY + timedelta(days=30), learners=[learner]
    )
    assign(course=course, organisation=organisation, due=TODAY + timedelta(days=3), group=group)
    client.force_login(learner)

    items = get(client).context["learning"].assigned

    assert [(item.course, item.due_date) for item in items] == [(course, TODAY + timedelta(days=3))]


def test_withdrawn_assignments_other_peoples_and_drafts_are_not_shown(
    client, learner, trainer, organisation
):
    assign(
        course=CourseFactory(title_nl="Ingetrokken"),
        organisation=organisation,
        due=TODAY,
        learners=[learner],
        unassigned_at=timezone.now(),
    )
    assign(
        course=CourseFactory(title_nl="Voor Tim"),
        organisation=organisation,
        due=TODAY,
        learners=[trainer],
    )
    other_group = GroupFactory(organisation=organisation)
    GroupMemberFactory(group=other_group, user=trainer)
    assign(
        course=CourseFactory(title_nl="Andere groep"),
        organisation=organisation,
        due=TODAY,
        group=other_group,
    )
    assign(
        course=CourseFactory(title_nl="Concept", status=Course.Status.DRAFT),
        organisation=organisation,
        due=TODAY,
        learners=[learner],
    )
    client.force_login(learner)

    response = get(client)

    assert response.context["learning"].assigned == []
    html = response.content.decode()
    assigned_section = html[
        html.index('id="assigned-heading"') : html.index('id="progress-heading"')
    ]
    assert "Nothing is assigned to you at the moment." in assigned_section
    for title in ("Ingetrokken", "Voor Tim", "Andere groep", "Concept"):
        assert title not in assigned_section


def test_assigned_courses_show_their_progress(client, learner, organisation):
    course = make_course(lessons=4)
    assign(
        course=course, organisation=organisation, due=TODAY + timedelta(days=9), learners=[learner]
    )
    enrolment = enrol(user=learner, course=course)
    study_lesson(enrolment=enrolment, lesson=course.lessons.first())
    client.force_login(learner)

    response = get(client)

    assert response.context["learning"].in_progress == []
    html = response.content.decode()
    assert "25 % done" in html
    assert '<progress class="academy-progress" max="100" value="25"' in html


def test_in_progress_and_completed_courses(client, learner):
    started = make_course(lessons=2, title_nl="Bezig")
    finished = make_course(lessons=1, title_nl="Klaar")
    enrolled = make_course(lessons=2, title_nl="Ingeschreven")
    study_lesson(enrolment=enrol(user=learner, course=started), lesson=started.lessons.first())
    complete(enrol(user=learner, course=finished))
    enrol(user=learner, course=enrolled)
    client.force_login(learner)

    response = get(client)

    learning = response.context["learning"]
    assert [item.course for item in learning.in_progress] == [started, enrolled]
    assert [item.course for item in learning.completed] == [finished]
    html = response.content.decode()
    assert "50 % done" in html and "Not started" in html


def test_suggestions_follow_the_organisation_kind(client, learner):
    police = CourseFactory(title_nl="Voor de politie", audiences=["police"])
    boa = CourseFactory(title_nl="Voor boa's", audiences=["boa"])
    CourseFactory(title_nl="Voor banken", audiences=["bank"])
    CourseFactory(title_nl="Concept politie", audiences=["police"], status=Course.Status.DRAFT)
    enrolled = CourseFactory(title_nl="Al gevolgd", audiences=["police"])
    enrol(user=learner, course=enrolled)
    client.force_login(learner)

    suggestions = get(client).context["learning"].suggestions

    assert set(suggestions) == {police, boa}


def test_someone_without_organisation_gets_suggestions_by_profession(client, db):
    from tests.factories import UserFactory

    person = UserFactory(profession="bank")
    bank = CourseFactory(audiences=["insurance"])
    CourseFactory(audiences=["police"])
    client.force_login(person)

    assert get(client).context["learning"].suggestions == [bank]


def test_an_alliance_member_gets_suggestions_from_every_audience(client, db):
    from tests.factories import MemberFactory, OrganisationFactory

    member = MemberFactory(organisation=OrganisationFactory(kind="alliance")).user
    courses = {CourseFactory(audiences=["police"]), CourseFactory(audiences=["bank"])}
    client.force_login(member)

    assert set(get(client).context["learning"].suggestions) == courses


def test_the_number_of_queries_does_not_grow_with_courses(
    client, learner, organisation, count_queries, courses_queries_only
):
    def add_courses(n):
        group = GroupFactory(organisation=organisation)
        GroupMemberFactory(group=group, user=learner)
        for _ in range(n):
            assigned = make_course(lessons=2)
            assign(course=assigned, organisation=organisation, due=TODAY, group=group)
            assign(
                course=make_course(lessons=1),
                organisation=organisation,
                due=TODAY,
                learners=[learner],
            )
            study_lesson(
                enrolment=enrol(user=learner, course=assigned), lesson=assigned.lessons.first()
            )
            complete(enrol(user=learner, course=make_course(lessons=1)))
            enrol(user=learner, course=make_course(lessons=1))
            CourseFactory(audiences=["police"])

    client.force_login(learner)
    add_courses(2)
    get(client)
    small = count_queries(lambda: get(client))
    add_courses(10)
    large = count_queries(lambda: get(client))

    assert small == large <= 9

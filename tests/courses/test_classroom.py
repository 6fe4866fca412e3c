"""Recording a classroom session (``courses.classroom``): attendees from the organisation's
groups and by e-mail, everyone once, all or nothing; linking e-mail attendees later."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from courses.classroom import (
    classroom_emails_parse,
    classroom_link_email,
    classroom_session_record,
)
from courses.models import ClassroomAttendance, ClassroomSession, Course
from tests.courses.trainer_helpers import add_learners, make_group
from tests.factories import CourseFactory, OrganisationFactory, UserFactory


def record(trainer, organisation, course, **kwargs):
    kwargs.setdefault("held_on", timezone.localdate() - timedelta(days=3))
    return classroom_session_record(
        recorded_by=trainer, organisation=organisation, course=course, **kwargs
    )


def attendees(session) -> set:
    return set(session.attendances.values_list("user_id", "email"))


def test_it_records_members_of_the_groups_and_addresses(trainer, organisation, course):
    group = make_group(organisation, members=3)
    chosen = list(group.members.all()[:2])
    colleague = UserFactory(email="known@example.org")

    session = record(
        trainer,
        organisation,
        course,
        member_ids=[u.pk for u in chosen],
        emails=["known@example.org", "new.person@example.org"],
        location="Politieacademie Apeldoorn",
    )

    assert session.trainer == trainer
    assert session.organisation == organisation
    assert session.location == "Politieacademie Apeldoorn"
    assert attendees(session) == {
        (chosen[0].pk, ""),
        (chosen[1].pk, ""),
        (colleague.pk, "known@example.org"),  # an address of an account is linked to it
        (None, "new.person@example.org"),
    }


def test_members_of_a_sub_organisation_group_count(trainer, organisation, course):
    unit = OrganisationFactory(parent=organisation)
    group = make_group(unit, members=1)
    member = group.members.get()

    session = record(trainer, organisation, course, member_ids=[member.pk])

    assert attendees(session) == {(member.pk, "")}


def test_a_verified_extra_address_links_to_its_account(trainer, organisation, course):
    person = UserFactory()
    EmailAddress.objects.create(user=person, email="private@example.org", verified=True)
    UserFactory(email="owner@example.org")
    stranger = UserFactory()
    EmailAddress.objects.create(user=stranger, email="unproven@example.org", verified=False)

    session = record(
        trainer, organisation, course, emails=["private@example.org", "unproven@example.org"]
    )

    assert attendees(session) == {
        (person.pk, "private@example.org"),
        (None, "unproven@example.org"),
    }


def test_someone_chosen_twice_or_also_by_address_attends_once(trainer, organisation, course):
    first, second = make_group(organisation), make_group(organisation)
    person = add_learners(organisation, 1, group=first)[0]
    second.members.add(person)

    session = record(
        trainer,
        organisation,
        course,
        member_ids=[person.pk, person.pk],
        emails=[person.email.upper(), "x@example.org", "X@example.org"],
    )

    assert session.attendances.count() == 2
    assert attendees(session) == {(person.pk, ""), (None, "x@example.org")}


def test_bad_lines_are_reported_per_line():
    text = "good@example.org\n\nnot-an-address\n  other@example.org ;\nalso@bad@example.org\n"

    with pytest.raises(ValidationError) as caught:
        classroom_emails_parse(text=text)

    assert caught.value.messages == [
        "Line 3: “not-an-address” is not a valid e-mail address.",
        "Line 5: “also@bad@example.org” is not a valid e-mail address.",
    ]


def test_good_lines_are_trimmed_lowered_and_kept_once():
    text = " Good@Example.org \nother@example.org;\ngood@example.org\n\n"

    assert classroom_emails_parse(text=text) == ["good@example.org", "other@example.org"]


def test_too_many_lines_are_refused():
    text = "\n".join(f"p{n}@example.org" for n in range(501))

    with pytest.raises(ValidationError, match="at most 500"):
        classroom_emails_parse(text=text)


def test_someone_outside_the_groups_is_refused_and_nothing_is_saved(
    trainer, organisation, other_organisation, course
):
    inside = make_group(organisation, members=1).members.get()
    elsewhere = make_group(other_organisation, members=1).members.get()

    with pytest.raises(ValidationError, match="not in a group of this organisation"):
        record(trainer, organisation, course, member_ids=[inside.pk, elsewhere.pk])

    assert not ClassroomSession.objects.exists()
    assert not ClassroomAttendance.objects.exists()


def test_a_session_without_attendees_a_future_date_or_a_draft_course_is_refused(
    trainer, organisation, course
):
    draft = CourseFactory(status=Course.Status.DRAFT)
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError, match="at least one attendee"):
        record(trainer, organisation, course)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        record(trainer, organisation, course, held_on=tomorrow, emails=["a@example.org"])
    with pytest.raises(ValidationError, match="not available"):
        record(trainer, organisation, draft, emails=["a@example.org"])

    assert not ClassroomSession.objects.exists()


def test_an_outsider_or_a_learner_may_not_record(outsider, learner, organisation, course):
    for person in (outsider, learner):
        with pytest.raises(PermissionDenied):
            record(person, organisation, course, emails=["a@example.org"])

    assert not ClassroomSession.objects.exists()


def test_a_signup_with_the_address_links_the_attendance(trainer, organisation, course):
    session = record(trainer, organisation, course, emails=["Later@Example.org"])
    other = record(trainer, organisation, course, emails=["later@example.org"])
    person = UserFactory(email="later@example.org", verified=False)

    assert classroom_link_email(user=person) == 0  # not proven to be theirs yet

    EmailAddress.objects.create(user=person, email="later@example.org", verified=True)
    assert classroom_link_email(user=person) == 2

    assert attendees(session) == attendees(other) == {(person.pk, "later@example.org")}
    assert classroom_link_email(user=person) == 0  # nothing left: idempotent


def test_linking_drops_the_address_row_where_the_account_already_attends(
    trainer, organisation, course
):
    person = make_group(organisation, members=1).members.get()
    session = record(trainer, organisation, course, member_ids=[person.pk])
    ClassroomAttendance.objects.create(session=session, email="second@example.org")
    EmailAddress.objects.create(user=person, email="second@example.org", verified=True)

    classroom_link_email(user=person)

    assert attendees(session) == {(person.pk, "")}

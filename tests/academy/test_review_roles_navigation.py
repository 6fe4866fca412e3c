"""Header links and start page of accreditation administrators and course reviewers."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from academy.navigation import nav_items
from academy.start import start_url_for
from courses.access import review_status_refresh
from courses.models import CourseReviewer
from organisations.permissions import ACCREDITATION_ADMIN_GROUP
from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accreditation_admin(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=ACCREDITATION_ADMIN_GROUP))
    return user


@pytest.fixture
def assessor(db):
    user = UserFactory(name="Bea Beoordelaar")
    CourseReviewer.objects.create(user=user, course=CourseFactory(), on_behalf_of="V&VN")
    return user


def items(user) -> dict[str, str]:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return {item["label"]: item["url"] for item in nav_items(request)}


def test_an_accreditation_admin_gets_links_to_the_work_of_the_role(accreditation_admin):
    links = items(accreditation_admin)

    assert links["Accreditations"] == reverse("admin:certificates_accreditation_changelist")
    assert links["Attendance lists"] == reverse("certificates:attendance")
    assert links["Course evaluations"] == reverse("certificates:evaluations")
    assert "Courses to review" not in links


def test_a_reviewer_gets_courses_to_review_once_known(assessor):
    assert "Courses to review" not in items(assessor)  # nothing read yet: no query per page

    review_status_refresh(assessor.pk)  # at login (the start page) or on the list page

    links = items(assessor)
    assert links["Courses to review"] == reverse("courses:review_list")
    assert "Accreditations" not in links


def test_an_expired_reviewer_gets_no_link(assessor):
    CourseReviewer.objects.filter(user=assessor).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    review_status_refresh(assessor.pk)

    assert "Courses to review" not in items(assessor)


def test_the_header_costs_at_most_one_query_for_a_reviewer(assessor, django_assert_max_num_queries):
    review_status_refresh(assessor.pk)
    request = RequestFactory().get("/")
    request.user = assessor

    with django_assert_max_num_queries(1):
        assert any(item["url"] == reverse("courses:review_list") for item in nav_items(request))


def test_people_without_the_roles_get_neither(learner):
    review_status_refresh(learner.pk)
    links = items(learner)
    assert "Courses to review" not in links and "Accreditations" not in links


def test_an_accreditation_admin_starts_at_the_accreditations(accreditation_admin):
    assert start_url_for(accreditation_admin) == reverse(
        "admin:certificates_accreditation_changelist"
    )


def test_a_reviewer_starts_at_courses_to_review_and_the_header_knows(assessor):
    assert start_url_for(assessor) == reverse("courses:review_list")
    assert "Courses to review" in items(assessor)


def test_an_expired_reviewer_starts_at_my_learning(assessor):
    CourseReviewer.objects.filter(user=assessor).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    assert start_url_for(assessor) == reverse("courses:my_learning")


def test_a_trainer_who_also_reviews_starts_at_the_trainer_home(trainer):
    CourseReviewer.objects.create(user=trainer, course=CourseFactory(), on_behalf_of="SKJ")
    assert start_url_for(trainer) == reverse("trainer:home")
    assert "Courses to review" in items(trainer)


def test_the_role_without_staff_status_works_in_the_admin(db):
    """The admin site admits the role without staff status (academy.admin_site): the links
    lead to the accreditations; nothing that staff status would open is offered."""
    person = UserFactory()
    person.groups.add(Group.objects.get(name=ACCREDITATION_ADMIN_GROUP))

    links = items(person)

    assert "Accreditations" in links and "Attendance lists" in links
    assert "Admin" not in links and "Organisation" not in links and "Audit log" not in links
    assert start_url_for(person) == reverse("admin:certificates_accreditation_changelist")

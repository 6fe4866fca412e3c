"""The main navigation by role, at most one query per request."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from academy.navigation import nav_items


def _labels(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return [item["label"] for item in nav_items(request)]


@pytest.mark.django_db
def test_it_shows_visitors_the_courses():
    from django.contrib.auth.models import AnonymousUser

    assert _labels(AnonymousUser()) == ["Courses"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("learner", ["Courses", "My learning"]),
        ("trainer", ["Courses", "My learning", "Dashboard", "Trainer"]),
        ("analyst", ["Courses", "My learning", "Dashboard", "Organisation"]),
        ("org_admin", ["Courses", "My learning", "Dashboard", "Organisation", "Audit log"]),
        ("coordinator", ["Courses", "My learning", "Dashboard", "Organisation"]),
        ("content_author", ["Courses", "My learning", "Course evaluations", "Due for review"]),
        (
            "staff_user",
            [
                "Courses",
                "My learning",
                "Dashboard",
                "Organisation",
                "Audit log",
                "Admin",
                "Due for review",
            ],
        ),
    ],
)
def test_it_shows_each_role_its_entries(request, who, expected):
    assert _labels(request.getfixturevalue(who)) == expected


@pytest.mark.django_db
def test_it_costs_at_most_one_query_per_request(client, org_admin, django_assert_max_num_queries):
    request = RequestFactory().get("/")
    request.user = org_admin
    with django_assert_max_num_queries(1):
        nav_items(request)
        nav_items(request)


@pytest.mark.django_db
def test_it_puts_the_entries_in_the_page_header(client, org_admin):
    client.force_login(org_admin)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("courses:catalogue")}"' in html
    assert f'href="{reverse("audit_log")}"' in html

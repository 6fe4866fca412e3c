"""The platform roles outside organisations exist as Django groups (data migration)."""

import pytest
from django.contrib.auth.models import Group


@pytest.mark.django_db
def test_the_coordinator_role_exists():
    assert Group.objects.filter(name="coordinator").exists()


@pytest.mark.django_db
def test_content_authors_may_write_course_content_but_not_read_learner_records(content_author):
    codes = set(
        Group.objects.get(name="content author").permissions.values_list("codename", flat=True)
    )
    assert {"add_course", "change_course", "view_course", "add_lesson", "change_module"} <= codes
    assert not {c for c in codes if c.startswith("delete_")}
    assert "view_enrolment" not in codes and "view_lessonprogress" not in codes
    assert content_author.has_perm("courses.change_lesson")
    assert not content_author.has_perm("courses.delete_course")

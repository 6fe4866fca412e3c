import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organisations.models import Group, GroupMember
from organisations.services import (
    group_add_member,
    group_create,
    group_delete,
    group_remove_member,
    group_rename,
)
from organisations.services import groups as group_services
from tests import factories


@pytest.fixture
def join_calls(monkeypatch):
    """Register a join handler for the test only; returns the list of (group, user) calls."""
    calls = []
    monkeypatch.setattr(group_services, "_group_join_handlers", [])
    group_services.register_group_join_handler(lambda group, user: calls.append((group, user)))
    return calls


def test_it_creates_renames_and_deletes_a_group(trainer, organisation):
    group = group_create(organisation=organisation, name="  Klas   A ", actor=trainer)
    assert group.name == "Klas A"
    group_rename(group=group, name="Klas B", actor=trainer)
    assert Group.objects.get(pk=group.pk).name == "Klas B"
    group_delete(group=group, actor=trainer)
    assert not Group.objects.exists()


def test_it_refuses_a_second_group_with_the_same_name(trainer, organisation):
    group_create(organisation=organisation, name="Klas A", actor=trainer)
    with pytest.raises(ValidationError) as exc:
        group_create(organisation=organisation, name="klas a", actor=trainer)
    assert exc.value.code == "duplicate"
    assert Group.objects.count() == 1


def test_it_refuses_an_empty_name(trainer, organisation):
    with pytest.raises(ValidationError):
        group_create(organisation=organisation, name="   ", actor=trainer)


def test_it_does_not_let_analysts_or_outsiders_manage_groups(analyst, outsider, organisation):
    for person in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            group_create(organisation=organisation, name="Klas", actor=person)


def test_it_adds_a_member_and_calls_the_join_handlers_on_commit(
    trainer, learner, group, join_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert group_add_member(group=group, user=learner, actor=trainer) is True
    assert join_calls == [(group, learner)]
    assert GroupMember.objects.filter(group=group, user=learner).exists()


def test_it_does_not_call_the_join_handlers_for_someone_already_in_the_group(
    trainer, learner, group, join_calls, django_capture_on_commit_callbacks
):
    GroupMember.objects.create(group=group, user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        assert group_add_member(group=group, user=learner, actor=trainer) is False
    assert join_calls == []


def test_it_keeps_the_join_when_a_handler_fails(
    trainer, learner, group, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(group_services, "_group_join_handlers", [])

    def broken(group, user):
        raise RuntimeError("handler failed")

    group_services.register_group_join_handler(broken)
    with django_capture_on_commit_callbacks(execute=True):
        group_add_member(group=group, user=learner, actor=trainer)
    assert GroupMember.objects.filter(group=group, user=learner).exists()


def test_it_registers_a_handler_once(monkeypatch):
    monkeypatch.setattr(group_services, "_group_join_handlers", [])

    def handler(group, user):
        pass

    group_services.register_group_join_handler(handler)
    group_services.register_group_join_handler(handler)
    assert group_services._group_join_handlers == [handler]


def test_it_only_adds_members_of_the_organisation(trainer, group, other_organisation):
    stranger = factories.MemberFactory(organisation=other_organisation).user
    with pytest.raises(ValidationError):
        group_add_member(group=group, user=stranger, actor=trainer)
    assert not GroupMember.objects.exists()


def test_it_removes_a_member_from_the_group(trainer, learner, group):
    GroupMember.objects.create(group=group, user=learner)
    assert group_remove_member(group=group, user=learner, actor=trainer) is True
    assert group_remove_member(group=group, user=learner, actor=trainer) is False
    assert not GroupMember.objects.exists()

"""Deleting an account: personal data erased, statistics unchanged, no more logins."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.services import account_delete
from courses.models import Enrolment, LessonProgress
from organisations.models import GroupMember, Invitation, Membership
from tests import factories
from tests.accounts.helpers import check_markup, reauthenticate
from tests.factories import PASSWORD
from tests.mfa import give_totp

URL = "/accounts/profile/delete/"


def _statistics():
    enrolments_per_course = dict(
        Enrolment.objects.values_list("course__slug").annotate(n=Count("pk")).order_by()
    )
    completions_per_organisation = dict(
        Enrolment.objects.filter(completed_at__isnull=False)
        .values_list("organisation__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "enrolments_per_course": enrolments_per_course,
        "completions_per_organisation": completions_per_organisation,
        "members_per_organisation": dict(
            Membership.objects.values_list("organisation__name").annotate(n=Count("pk")).order_by()
        ),
        "group_members": GroupMember.objects.count(),
        "lesson_progress": LessonProgress.objects.count(),
    }


@pytest.fixture
def busy_learner(learner, trainer, organisation):
    """Lotte with a completed course, a course in progress, a group, 2FA and an invitation."""
    group = factories.GroupFactory(organisation=organisation)
    factories.GroupMemberFactory(group=group, user=learner)
    factories.GroupMemberFactory(group=group, user=trainer)
    course = factories.CourseFactory()
    lesson = factories.LessonFactory(course=course, module=factories.ModuleFactory(course=course))
    for person in (learner, trainer):
        enrolment = factories.EnrolmentFactory(
            user=person, course=course, organisation=organisation, completed_at=timezone.now()
        )
        LessonProgress.objects.create(enrolment=enrolment, lesson=lesson, seconds_spent=60)
    factories.EnrolmentFactory(user=learner, organisation=organisation)
    learner.big_number = "12345678901"
    learner.other_register_name = "SKJ"
    learner.other_register_number = "110012345"
    learner.save(update_fields=["big_number", "other_register_name", "other_register_number"])
    give_totp(learner)
    Invitation.objects.create(
        email=learner.email,
        name="Lotte Learner",
        organisation=organisation,
        token="token-lotte",
        expires_at=timezone.now() + timezone.timedelta(days=7),
        status=Invitation.Status.ACCEPTED,
        accepted_by=learner,
    )
    return learner


@pytest.mark.django_db
def test_it_erases_the_personal_data(busy_learner):
    old_email = busy_learner.email
    account_delete(user=busy_learner)
    user = User.objects.get(pk=busy_learner.pk)
    assert user.email == f"deleted-{user.pk}@invalid.example"
    assert (user.name, user.big_number, user.vvn_number) == ("", "", "")
    assert (user.other_register_name, user.other_register_number) == ("", "")
    assert not user.has_usable_password()
    assert not user.is_active
    assert user.anonymised_at is not None
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not Invitation.objects.filter(email__iexact=old_email).exists()
    assert Invitation.objects.get(accepted_by=user).name == ""
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_DELETED, subject_user=user)


@pytest.mark.django_db
def test_it_keeps_the_statistics_the_same(busy_learner, outsider, other_organisation):
    factories.EnrolmentFactory(user=outsider, organisation=other_organisation)
    before = _statistics()
    account_delete(user=busy_learner)
    assert _statistics() == before
    assert before["completions_per_organisation"] == {"Politieacademie": 2}


@pytest.mark.django_db
def test_it_revokes_pending_invitations_to_the_address(learner, other_organisation):
    Invitation.objects.create(
        email=learner.email.upper(),
        organisation=other_organisation,
        token="token-pending",
        expires_at=timezone.now() + timezone.timedelta(days=7),
    )
    account_delete(user=learner)
    invitation = Invitation.objects.get(token="token-pending")
    assert invitation.status == Invitation.Status.REVOKED
    assert invitation.email == f"deleted-{learner.pk}@invalid.example"


@pytest.mark.django_db
def test_it_is_idempotent(learner):
    account_delete(user=learner)
    account_delete(user=learner)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_DELETED).count() == 1


@pytest.mark.django_db
def test_the_person_can_no_longer_log_in(client, learner):
    email = learner.email
    account_delete(user=learner)
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_ends_every_session_of_the_person(learner):
    other_device = Client()
    other_device.force_login(learner)
    assert other_device.get(reverse("accounts:profile")).status_code == 200
    assert UserSession.objects.filter(user=learner).exists()
    account_delete(user=learner)
    assert other_device.get(reverse("accounts:profile")).status_code == 302
    assert not UserSession.objects.filter(user=learner).exists()


@pytest.mark.django_db
def test_the_page_asks_for_the_password_first(client, learner):
    client.force_login(learner)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


@pytest.mark.django_db
def test_it_wants_the_e_mail_address_typed_and_deletes_nothing_otherwise(client, learner):
    client.force_login(learner)
    reauthenticate(client)
    page = client.get(URL)
    assert page.status_code == 200
    assert check_markup(page.content.decode()) == []
    response = client.post(URL, {"email": "someone-else@example.org"})
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
    learner.refresh_from_db()
    assert learner.is_active and learner.anonymised_at is None


@pytest.mark.django_db
def test_it_deletes_the_account_and_logs_out(client, learner):
    client.force_login(learner)
    reauthenticate(client)
    response = client.post(URL, {"email": learner.email.upper()})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    learner.refresh_from_db()
    assert learner.anonymised_at is not None
    assert client.get(reverse("accounts:profile")).status_code == 302


@pytest.mark.django_db
def test_it_only_accepts_posts_from_the_person_themself(client):
    response = client.post(URL, {"email": "x@example.org"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

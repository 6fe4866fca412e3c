"""The weekly digest (reporting.digest): to analysts only, once a week, in their language, with
the change since the week before, a link to the dashboard, and an opt-out."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrolment
from reporting.digest import digest_send_weekly
from reporting.models import DigestPreference, DigestSent
from tests import factories
from tests.mfa import give_totp

MONDAY = date(2025, 3, 17)  # the digest of the week from 10 to 16 March 2025
LAST_WEEK = date(2025, 3, 10)
WEEK_BEFORE = date(2025, 3, 3)


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def complete(organisation, course, day: date, *, user=None):
    enrolment = factories.EnrolmentFactory(
        user=user or factories.UserFactory(), course=course, organisation=organisation
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=at(date(2025, 2, 1)), started_at=at(date(2025, 2, 2)), completed_at=at(day)
    )
    return enrolment


@pytest.fixture
def figures(organisation):
    """The police academy: 3 completions last week, 1 the week before, 1 started only."""
    course = factories.CourseFactory(slug="signalen-herkennen")
    for offset in (0, 2, 6):
        complete(organisation, course, LAST_WEEK + timedelta(days=offset))
    complete(organisation, course, WEEK_BEFORE + timedelta(days=4))
    started = factories.EnrolmentFactory(course=course, organisation=organisation)
    Enrolment.objects.filter(pk=started.pk).update(
        created_at=at(date(2025, 2, 1)), started_at=at(date(2025, 2, 3))
    )
    return course


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run the weekly digest at a moment (default: Monday 07:45) and send the mail."""

    def run(moment: datetime | None = None) -> int:
        moment = moment or timezone.make_aware(datetime.combine(MONDAY, time(7, 45)))
        with time_machine.travel(moment, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                return digest_send_weekly(today=timezone.localdate())

    return run


def body_lines(message) -> list[str]:
    return [line.strip() for line in message.body.splitlines()]


# --- who gets it, and how often -------------------------------------------------------------


def test_each_analyst_gets_one_digest_a_week(analyst, figures, send):
    assert send() == 1
    assert [m.to for m in mail.outbox] == [[analyst.email]]
    assert DigestSent.objects.filter(user=analyst, week=MONDAY).exists()

    # A second beat, a redelivered task or a run later that week sends nothing more.
    assert send() == 0
    assert send(at(MONDAY + timedelta(days=3), 9)) == 0
    assert len(mail.outbox) == 1

    assert send(at(MONDAY + timedelta(days=7), 7)) == 1
    assert len(mail.outbox) == 2


def test_the_beat_task_sends_it_on_monday_morning(
    analyst, figures, django_capture_on_commit_callbacks
):
    from reporting.tasks_digest import send_weekly_digest

    entry = settings.CELERY_BEAT_SCHEDULE["reporting-weekly-digest"]
    assert entry["task"] == "reporting.tasks_digest.send_weekly_digest"
    assert (entry["schedule"].day_of_week, entry["schedule"].hour, entry["schedule"].minute) == (
        {1},
        {7},
        {45},
    )
    with time_machine.travel(
        timezone.make_aware(datetime.combine(MONDAY, time(7, 45))), tick=False
    ):
        with django_capture_on_commit_callbacks(execute=True):
            assert send_weekly_digest.delay().get() == 1
    assert len(mail.outbox) == 1


def test_only_analysts_get_it(
    organisation, analyst, org_admin, trainer, learner, coordinator, send
):
    inactive = factories.MemberFactory(organisation=organisation, role="analyst").user
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])

    send()

    assert [m.to for m in mail.outbox] == [[analyst.email]]


def test_an_analyst_of_two_organisations_gets_one_mail_with_both(analyst, other_organisation, send):
    factories.MemberFactory(user=analyst, organisation=other_organisation, role="analyst")

    send()

    (message,) = mail.outbox
    assert "Politieacademie" in message.body
    assert "Gemeente Utrecht" in message.body
    assert f"/dashboard/{other_organisation.slug}/" in message.body


def test_a_unit_inside_another_organisation_of_the_analyst_is_not_repeated(
    organisation, analyst, send
):
    unit = factories.OrganisationFactory(name="Eenheid Oost", kind="police", parent=organisation)
    factories.MemberFactory(user=analyst, organisation=unit, role="analyst")

    send()

    (message,) = mail.outbox
    assert "Politieacademie" in message.body
    assert "Eenheid Oost" not in message.body


# --- what it says ---------------------------------------------------------------------------


def test_key_figures_and_the_change_since_the_week_before(organisation, analyst, figures, send):
    send()

    lines = body_lines(mail.outbox[0])
    assert "- Completed: 3 (week before: 1; change: +2)" in lines
    assert "- Enrolled: 5 (week before: 5; change: 0)" in lines
    assert "- Started: 5 (week before: 5; change: 0)" in lines
    assert "- Completion rate: 60% (week before: 20%; change: +40 percentage points)" in lines


def test_the_figures_are_the_engines(organisation, analyst, figures, send):
    """The digest shows what reporting.statistics says for the same weeks: nothing of its own."""
    from reporting.scope import viewer_for
    from reporting.statistics import Filters, Period, key_figures

    send()

    viewer = viewer_for(analyst, organisation)
    week = key_figures(viewer, Period(LAST_WEEK, MONDAY - timedelta(days=1)), Filters())
    lines = body_lines(mail.outbox[0])
    assert any(line.startswith(f"- Completed: {week['completed']} (") for line in lines)
    assert any(line.startswith(f"- Enrolled: {week['enrolled']} (") for line in lines)


def test_it_links_to_the_dashboard(organisation, analyst, send, settings):
    settings.SITE_URL = "https://academy.example.org"

    send()

    assert f"https://academy.example.org/dashboard/{organisation.slug}/" in mail.outbox[0].body
    assert "https://academy.example.org/dashboard/digest/" in mail.outbox[0].body


def test_it_is_written_in_the_recipients_language(organisation, analyst, send):
    english = factories.MemberFactory(
        organisation=organisation, role="analyst", user__preferred_language="en"
    ).user

    send()

    by_person = {m.to[0]: m for m in mail.outbox}
    assert by_person[english.email].subject == (
        "Weekly digest: your figures from 10 March 2025 to 16 March 2025"
    )
    assert "16 March 2025" in by_person[english.email].body
    dutch = by_person[analyst.email]
    assert "16 maart 2025" in dutch.subject
    assert "10 maart 2025" in dutch.body


def test_a_view_with_legal_entities_that_share_totals_is_quarterly_and_suppressed(db, send):
    """The banks' association sees a sharing bank aggregate-only: whole quarters only, and cells
    under K stay hidden in the mail as on the dashboard."""
    association = factories.OrganisationFactory(name="Vereniging van Banken", kind="bank")
    bank = factories.OrganisationFactory(name="Bank A", kind="bank", parent=association)
    bank.is_legal_entity = bank.shares_figures_with_parent = True
    bank.save(update_fields=["is_legal_entity", "shares_figures_with_parent"])
    analyst = factories.MemberFactory(organisation=association, role="analyst").user
    course = factories.CourseFactory()
    for day in (LAST_WEEK, LAST_WEEK + timedelta(days=1)):  # 2 < K completions in the quarter
        complete(bank, course, day)

    send()

    (message,) = mail.outbox
    assert message.to == [analyst.email]
    lines = body_lines(message)
    assert (
        "These figures include organisations that share only totals per quarter: the quarter "
        "from 1 januari 2025 so far, compared with the quarter from 1 oktober 2024."
    ) in lines
    assert "- Completed: – (quarter before: –; change: –)" in lines
    assert not any(line.startswith("- Completed: 2") for line in lines)


# --- opting out -----------------------------------------------------------------------------


def test_an_analyst_who_opted_out_gets_nothing(analyst, send):
    DigestPreference.objects.create(user=analyst, opted_out_at=timezone.now())

    assert send() == 0
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def _unsubscribe_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/dashboard/digest/unsubscribe/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_unsubscribe_link_asks_then_switches_it_off(client, analyst, send):
    send()
    message = mail.outbox[0]
    path = _unsubscribe_path(message)
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{path}>")

    response = client.get(path)  # a mail scanner following the link changes nothing
    assert response.status_code == 200
    assert b"Stop the weekly digest" in response.content
    assert not DigestPreference.objects.filter(opted_out_at__isnull=False).exists()

    response = client.post(path)
    assert response.status_code == 200
    assert b"You will no longer receive the weekly digest" in response.content
    assert DigestPreference.objects.get(user=analyst).opted_out_at is not None

    assert send(at(MONDAY + timedelta(days=7), 7)) == 0


def test_a_forged_unsubscribe_link_is_not_found(client, analyst):
    response = client.post(reverse("digest:unsubscribe", args=[f"{analyst.pk}:forged"]))

    assert response.status_code == 404
    assert not DigestPreference.objects.exists()


# --- the settings page ----------------------------------------------------------------------


@pytest.fixture
def analyst_client(client, analyst):
    give_totp(analyst)
    client.force_login(analyst)
    return client


def test_the_settings_page_shows_the_current_choice(analyst_client):
    response = analyst_client.get(reverse("digest:settings"))

    assert response.status_code == 200
    assert response.context["form"]["receive"].value() == "yes"
    assert b'<label for="id_receive_0"' in response.content


def test_an_analyst_switches_it_off_and_on_again(analyst_client, analyst, send):
    response = analyst_client.post(reverse("digest:settings"), {"receive": "no"})

    assert response.status_code == 302
    assert DigestPreference.objects.get(user=analyst).opted_out_at is not None
    assert send() == 0

    analyst_client.post(reverse("digest:settings"), {"receive": "yes"})

    assert DigestPreference.objects.get(user=analyst).opted_out_at is None
    assert send(at(MONDAY + timedelta(days=7), 7)) == 1


@pytest.mark.parametrize("data", [{}, {"receive": "sometimes"}])
def test_bad_input_saves_nothing(analyst_client, analyst, data):
    response = analyst_client.post(reverse("digest:settings"), data)

    assert response.status_code == 400
    assert response.context["form"].errors["receive"]
    assert not DigestPreference.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "learner", "trainer", "org_admin"])
def test_people_without_the_digest_get_404(client, request, persona):
    user = request.getfixturevalue(persona)
    give_totp(user)
    client.force_login(user)

    assert client.get(reverse("digest:settings")).status_code == 404
    assert client.post(reverse("digest:settings"), {"receive": "no"}).status_code == 404
    assert not DigestPreference.objects.exists()


def test_the_settings_page_needs_a_login(client, db):
    response = client.get(reverse("digest:settings"))

    assert response.status_code == 302
    assert "login" in response["Location"]

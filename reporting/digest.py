"""The weekly digest: key figures of their organisation(s) to every analyst, on Monday morning.

- Who: every active person with the analyst role in an organisation, unless they switched the
  digest off (``DigestPreference.opted_out_at``; the page ``/dashboard/digest/`` or the
  unsubscribe link in each e-mail). One e-mail per person with a section per organisation; an
  organisation below another one they are analyst of is already inside that one's figures.
- What: the key figures of the last full week (Monday to Sunday) next to those of the week
  before, and the change, all from ``reporting.statistics.key_figures`` with the analyst's own
  ``Viewer`` (``reporting.scope.viewer_for``): the digest computes no figure itself. A
  suppressed cell stays hidden ("fewer than K").
- Once a week: a ``DigestSent`` row per person and week (its Monday) is inserted first (unique
  constraint, in a savepoint); only the caller that inserted it sends, so a redelivered task or
  a second beat never sends twice.
- In the recipient's language (``translation.override``), from
  ``templates/reporting/email/digest_{subject,body}.txt``, sent after commit.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from organisations.models import Membership, Organisation, Role
from reporting.models import DigestPreference, DigestSent
from reporting.statistics import Filters, Period, key_figures, viewer_for

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "reporting.digest.unsubscribe"

# The figures of the digest, in this order; rates are shown as percentages.
FIGURES = (
    ("learners", _("Learners")),
    ("enrolled", _("Enrolled")),
    ("started", _("Started")),
    ("completed", _("Completed")),
    ("completed_classroom", _("Of which in class")),
    ("completion_rate", _("Completion rate")),
    ("certificates_issued", _("Certificates issued")),
    ("overdue", _("Overdue")),
)
RATES = {"completion_rate"}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | float | None  # None: hidden (fewer than K) or not applicable
    previous: int | float | None
    is_rate: bool = False

    @property
    def change(self) -> int | float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def shown(self) -> str:
        return _format(self.value, self.is_rate)

    @property
    def shown_previous(self) -> str:
        return _format(self.previous, self.is_rate)

    @property
    def shown_change(self) -> str:
        change = self.change
        if change is None:
            return "–"
        if self.is_rate:
            points = round(change * 100)
            return gettext("%(points)s percentage points") % {
                "points": f"{points:+d}" if points else "0"
            }
        return f"{change:+d}" if change else "0"


def _format(value, is_rate: bool) -> str:
    if value is None:
        return "–"
    if is_rate:
        return f"{round(value * 100)}%"
    return str(value)


# --- weeks and figures ----------------------------------------------------------------------


def week_of(today: date) -> date:
    """The Monday of ``today``'s week: the key of ``DigestSent``."""
    return today - timedelta(days=today.weekday())


def reported_weeks(today: date) -> tuple[Period, Period]:
    """(last full week, the week before), Monday to Sunday."""
    monday = week_of(today)
    last = Period(start=monday - timedelta(days=7), end=monday - timedelta(days=1))
    before = Period(start=monday - timedelta(days=14), end=monday - timedelta(days=8))
    return last, before


def reported_quarters(today: date) -> tuple[Period, Period]:
    """(the quarter of last Sunday, the quarter before): for aggregate-only viewers, who see
    whole quarters and years only (``reporting.timeline``)."""
    last_sunday = week_of(today) - timedelta(days=1)
    quarter = Period.named("quarter", last_sunday)
    return quarter, Period.named("quarter", quarter.start - timedelta(days=1))


@dataclass(frozen=True)
class Section:
    organisation: Organisation
    figures: list[Figure]
    period: Period
    previous: Period
    quarterly: bool  # the figures cover quarters, not weeks (aggregate-only viewer)
    url: str


def organisation_section(*, user: User, organisation: Organisation, today: date) -> Section | None:
    """The digest's figures for one organisation as ``user`` may see them, all from
    ``key_figures``: the last week and the week before; for an aggregate-only view (an
    organisation with legal entities below it that share totals only) the quarter and the
    quarter before. None when the person may not see the organisation (any more)."""
    viewer = viewer_for(user, organisation)
    if viewer is None:
        return None
    period, previous = reported_weeks(today) if viewer.detail else reported_quarters(today)
    now = key_figures(viewer, period, Filters())
    then = key_figures(viewer, previous, Filters())
    figures = [
        Figure(key, str(label), now.get(key), then.get(key), key in RATES) for key, label in FIGURES
    ]
    return Section(
        organisation=organisation,
        figures=figures,
        period=period,
        previous=previous,
        quarterly=not viewer.detail,
        url=dashboard_url(organisation),
    )


def digest_organisations(user: User) -> list[Organisation]:
    """The organisations where ``user`` is analyst, without those inside another of them."""
    organisations = list(
        Organisation.objects.filter(
            memberships__user=user, memberships__role=Role.ANALYST
        ).order_by("name", "pk")
    )
    ids = {organisation.pk for organisation in organisations}
    return [o for o in organisations if not ids.intersection(o.ancestor_ids)]


# --- preferences ----------------------------------------------------------------------------


def receives_digest(user: User) -> bool:
    return not DigestPreference.objects.filter(user=user, opted_out_at__isnull=False).exists()


@transaction.atomic
def digest_preference_set(*, user: User, receive: bool) -> DigestPreference:
    """Switch the weekly digest on or off for ``user``."""
    preference, _created = DigestPreference.objects.select_for_update().get_or_create(user=user)
    wanted = None if receive else (preference.opted_out_at or timezone.now())
    if preference.opted_out_at != wanted:
        preference.opted_out_at = wanted
        preference.save(update_fields=["opted_out_at"])
    return preference


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_for_unsubscribe_token(token: str) -> User | None:
    """The active person an unsubscribe link was made for, or None for a bad link."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


# --- the e-mail -----------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def dashboard_url(organisation: Organisation) -> str:
    try:
        path = reverse("reporting:dashboard", args=[organisation.slug])
    except NoReverseMatch:  # the dashboard's route name; the path is the contract
        path = f"/dashboard/{organisation.slug}/"
    return _absolute(path)


def _settings_url() -> str:
    try:
        return _absolute(reverse("digest:settings"))
    except NoReverseMatch:
        return _absolute("/dashboard/digest/")


def _unsubscribe_url(user: User) -> str:
    token = unsubscribe_token(user)
    try:
        return _absolute(reverse("digest:unsubscribe", args=[token]))
    except NoReverseMatch:
        return _absolute(f"/dashboard/digest/unsubscribe/{token}/")


def digest_message(
    *, user: User, organisations: list[Organisation], today: date
) -> EmailMessage | None:
    """The digest e-mail for ``user``, rendered in their preferred language (None when there
    is no organisation left to report on)."""
    last, before = reported_weeks(today)
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        sections = [
            section
            for organisation in organisations
            if (section := organisation_section(user=user, organisation=organisation, today=today))
        ]
        if not sections:
            return None
        unsubscribe_url = _unsubscribe_url(user)
        context = {
            "user": user,
            "sections": sections,
            "week": last,
            "previous_week": before,
            "min_cell": settings.REPORTING_MIN_CELL,
            "settings_url": _settings_url(),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = render_to_string("reporting/email/digest_subject.txt", context)
        body = render_to_string("reporting/email/digest_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
    )


def _send(messages: list[EmailMessage]) -> int:
    """Send after commit; a failing mail server is logged, never raised into the task."""
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        logger.exception("Could not send %d digest e-mails", len(messages))
        return 0


def _claim(user: User, week: date) -> bool:
    """Insert this week's guard row; True only for the caller that inserted it."""
    try:
        with transaction.atomic():
            _row, created = DigestSent.objects.get_or_create(user=user, week=week)
    except IntegrityError:  # another process claimed it first: it sends, we do not
        return False
    return created


def digest_recipients(*, week: date):
    """Active analysts who have not switched the digest off and did not get this week's yet."""
    analyst_ids = Membership.objects.filter(role=Role.ANALYST).values("user_id")
    return (
        User.objects.filter(pk__in=analyst_ids, is_active=True)
        .exclude(digest_preference__opted_out_at__isnull=False)
        .exclude(pk__in=DigestSent.objects.filter(week=week).values("user_id"))
        .order_by("pk")
    )


@transaction.atomic
def digest_send_weekly(*, today: date) -> int:
    """This week's digest to every analyst who should get it. Returns the e-mails queued."""
    week = week_of(today)
    messages = []
    for user in digest_recipients(week=week):
        message = digest_message(user=user, organisations=digest_organisations(user), today=today)
        if message is not None and _claim(user, week):
            messages.append(message)
    transaction.on_commit(lambda: _send(messages))
    return len(messages)

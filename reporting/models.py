"""Reporting: daily snapshots for time series, targets, partner API tokens, the weekly digest
and progress reports. Live figures come from ``reporting.statistics`` (one module for pages,
exports, API, digest and PDF)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DailySnapshot(models.Model):
    """Counts per organisation and course at the end of one day (written nightly, idempotent
    per day: a re-run replaces the day's rows)."""

    date = models.DateField()
    organisation = models.ForeignKey(
        "organisations.Organisation", related_name="snapshots", on_delete=models.CASCADE
    )
    course = models.ForeignKey("courses.Course", related_name="snapshots", on_delete=models.CASCADE)
    enrolled = models.PositiveIntegerField(default=0)
    started = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    completed_classroom = models.PositiveIntegerField(default=0)
    certificates = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["date", "organisation", "course"], name="dailysnapshot_once_per_day"
            )
        ]
        indexes = [models.Index(fields=["organisation", "date"])]


class Target(models.Model):
    """A partner's goal for a year, e.g. "bank staff trained": completions (online and
    classroom) of a course, or of any course when ``course`` is empty."""

    organisation = models.ForeignKey(
        "organisations.Organisation", related_name="targets", on_delete=models.CASCADE
    )
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, related_name="targets", on_delete=models.CASCADE
    )
    year = models.PositiveSmallIntegerField(_("year"))
    completions = models.PositiveIntegerField(_("completions aimed for"))
    label = models.CharField(_("what it measures"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "course", "year"], name="target_once_per_year"
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(course__isnull=True),
                name="target_once_per_year_all_courses",
            ),
        ]


class ApiToken(models.Model):
    """A partner API token of one organisation: stored as a SHA-256 hash, shown once."""

    organisation = models.ForeignKey(
        "organisations.Organisation", related_name="api_tokens", on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")


class DigestPreference(models.Model):
    """An analyst's choice about the weekly digest (no row: they receive it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="digest_preference", on_delete=models.CASCADE
    )
    opted_out_at = models.DateTimeField(null=True, blank=True)


class DigestSent(models.Model):
    """Guards "once a week" per recipient."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    week = models.DateField(help_text=_("The Monday of the week."))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="digestsent_once_per_week")
        ]


class ProgressReport(models.Model):
    """The national progress report for a period, made by a Celery task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(default=dict, blank=True)
    xlsx = models.BinaryField(null=True, editable=False)
    pdf = models.BinaryField(null=True, editable=False)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="progressreport_period_in_order",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="progressreport_progress"),
        ]

"""Accreditations of courses, certificates of completions, and the course evaluation.

An ``Accreditation`` is what a body really decided about a course: applied for, granted (with
its number, points and period), expired or withdrawn. Only a granted one counts, and only for a
completion inside its period and covered course versions (``certificates.accreditation``).

A ``Certificate`` is a snapshot: the holder's name, the course title and version, the points and
the registration number as they were when it was (re-)issued, plus the PDF itself. It stays
verifiable by its code after the holder's account is deleted, without the name.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Register


class AccreditationBody(models.Model):
    """A body that accredits continuing education, and the registry its points go to."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    registry = models.CharField(
        _("registry"),
        max_length=200,
        help_text=_("Where the points are registered, e.g. PE-online or GAIA."),
    )
    register = models.CharField(
        _("professional register"),
        max_length=20,
        choices=Register.choices,
        help_text=_("The register whose number the learner must give for the points."),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("accreditation body")
        verbose_name_plural = _("accreditation bodies")

    def __str__(self) -> str:
        return self.short_name


class Accreditation(models.Model):
    """One body's decision about one course (several per course: one per profession)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied for")
        GRANTED = "granted", _("Granted")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Unit(models.TextChoices):
        POINTS = "points", _("points")
        HOURS = "hours", _("hours")

    course = models.ForeignKey(
        "courses.Course", related_name="accreditations", on_delete=models.PROTECT
    )
    body = models.ForeignKey(
        AccreditationBody, related_name="accreditations", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    number = models.CharField(
        _("accreditation number"), max_length=60, blank=True, help_text=_("As the body gave it.")
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("counted in"), max_length=6, choices=Unit.choices, default="points")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    first_version = models.PositiveIntegerField(_("first course version covered"), default=1)
    last_version = models.PositiveIntegerField(
        _("last course version covered"),
        null=True,
        blank=True,
        help_text=_("Empty: every version from the first one on."),
    )
    requires_date_of_birth = models.BooleanField(
        _("register asks for the date of birth"), default=False
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course", "body"]
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        constraints = [
            models.CheckConstraint(
                name="accreditation_granted_is_complete",
                condition=~Q(status="granted")
                | (
                    ~Q(number="")
                    & Q(points__gt=0)
                    & Q(valid_from__isnull=False)
                    & Q(valid_until__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="accreditation_period_in_order",
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
            ),
            models.CheckConstraint(
                name="accreditation_versions_in_order",
                condition=Q(last_version__isnull=True)
                | Q(last_version__gte=models.F("first_version")),
            ),
            models.UniqueConstraint(
                fields=["body", "number"],
                condition=~Q(number=""),
                name="accreditation_unique_number_per_body",
            ),
        ]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return f"{self.course} – {self.body} ({self.get_status_display()})"


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 signs, without the look-alikes 0/O and 1/I


class Certificate(models.Model):
    """One per completion: enrolment, course version and completion time (a renewal completes
    the same enrolment again, later). ``pdf`` is written in the same transaction as the row, so
    there is never a certificate without its PDF."""

    enrolment = models.ForeignKey(
        "courses.Enrolment", related_name="certificates", on_delete=models.CASCADE
    )
    # The enrolment's course and organisation, copied at issue (neither changes on an
    # enrolment; an organisation deleted empties both): the key figures count an
    # organisation's certificates from one index, without joining every enrolment.
    course = models.ForeignKey(
        "courses.Course", null=True, related_name="+", on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    course_version = models.PositiveIntegerField()
    code = models.CharField(max_length=19, unique=True)
    language = models.CharField(max_length=2, default="nl")
    holder_name = models.CharField(max_length=150, blank=True)
    holder_erased = models.BooleanField(default=False)
    course_title_nl = models.CharField(max_length=200)
    course_title_en = models.CharField(max_length=200, blank=True)
    completed_at = models.DateTimeField()
    study_seconds = models.PositiveIntegerField(default=0)
    study_load_minutes = models.PositiveSmallIntegerField(default=0)
    accreditation = models.ForeignKey(
        Accreditation,
        null=True,
        blank=True,
        related_name="certificates",
        on_delete=models.PROTECT,
    )
    accreditation_body = models.CharField(max_length=200, blank=True)
    accreditation_number = models.CharField(max_length=60, blank=True)
    points = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    points_unit = models.CharField(max_length=6, blank=True)
    register = models.CharField(max_length=20, blank=True)
    registration_number = models.CharField(max_length=40, blank=True)
    issued_at = models.DateTimeField()
    reissued_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    expiry_notice_sent_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    pdf = models.BinaryField(editable=False)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "course_version", "completed_at"],
                name="certificate_once_per_completion",
            ),
            models.CheckConstraint(
                name="certificate_revocation_has_reason",
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
            ),
            models.CheckConstraint(
                name="certificate_code_format",
                condition=Q(code__regex=r"^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$"),
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_on"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_expiring",
            ),
            # the key figures' "issued in the period" and "expiring soon" of organisations
            # (reporting.counts.certificates_statement)
            models.Index(
                fields=["organisation", "issued_at"],
                include=["course", "expires_on"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_issued",
            ),
            models.Index(
                fields=["organisation", "expires_on"],
                include=["course", "issued_at"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_org_expiring",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs) -> None:
        if self.course_id is None and self.enrolment_id is not None:
            self.copy_from_enrolment()
        super().save(*args, **kwargs)

    def copy_from_enrolment(self) -> None:
        """The enrolment's course and organisation (``bulk_create`` callers call this)."""
        self.course_id = self.enrolment.course_id
        self.organisation_id = self.enrolment.organisation_id

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CourseEvaluation(models.Model):
    """What accreditation registries ask of every participant of an accredited course:
    relevance, quality and the time it took. Shown only as aggregates of at least
    ``certificates.evaluation.MINIMUM_ANSWERS`` answers."""

    enrolment = models.OneToOneField(
        "courses.Enrolment", related_name="evaluation", on_delete=models.CASCADE
    )
    relevance = models.PositiveSmallIntegerField(_("relevance for my work"))
    quality = models.PositiveSmallIntegerField(_("quality of the course"))
    minutes_reported = models.PositiveSmallIntegerField(_("time it took (minutes)"))
    accreditation = models.ForeignKey(
        Accreditation,
        null=True,
        blank=True,
        related_name="evaluations",
        on_delete=models.PROTECT,
        help_text=_("The accreditation the learner wants the points of; empty: none."),
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course evaluation")
        verbose_name_plural = _("course evaluations")
        constraints = [
            models.CheckConstraint(
                name="evaluation_scores_1_to_5",
                condition=Q(relevance__gte=1, relevance__lte=5, quality__gte=1, quality__lte=5),
            ),
            models.CheckConstraint(
                name="evaluation_minutes_plausible",
                condition=Q(minutes_reported__gte=1, minutes_reported__lte=6000),
            ),
        ]

"""Courses, their outline, and the learner's record of them.

Texts that learners read exist in Dutch and English side by side (``title_nl`` / ``title_en``);
``localized(obj, "title")`` picks the active language and falls back to Dutch.
Lessons keep their identity (slug) across course versions: a lesson removed by a newer version
gets ``is_active=False`` (its progress rows stay, but no longer count) and a lesson added by a
newer version is simply active, so it becomes required for enrolments that are not complete.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organisations.models import Theme


def localized(obj, field: str) -> str:
    lang = (get_language() or "nl")[:2]
    value = getattr(obj, f"{field}_{lang}", "") if lang in ("nl", "en") else ""
    return value or getattr(obj, f"{field}_nl", "")


class Audience(models.TextChoices):
    POLICE = "police", _("Police")
    BOA = "boa", _("Boa's and inspectors")
    MUNICIPALITY = "municipality", _("Municipalities")
    HEALTHCARE = "healthcare", _("Healthcare")
    BANK = "bank", _("Banks")
    INSURANCE = "insurance", _("Insurers")
    CIVIL_SERVANT = "civil_servant", _("Civil servants")
    COMMUNICATION = "communication", _("Communication staff")


class Course(models.Model):
    """A course of the catalogue, loaded from ``content/<slug>/`` by ``load_catalogue``.

    ``version`` goes up by one each time the loader sees a new ``content_hash``. Accreditations
    live in the certificates app (``certificates.Accreditation``), never on the course.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_nl = models.TextField(_("summary (Dutch)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    theme = models.PositiveSmallIntegerField(_("theme"), choices=Theme.choices)
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=30)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"), null=True, blank=True
    )
    reviewed_on = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked the content against its sources."),
    )
    review_every_months = models.PositiveSmallIntegerField(_("review every (months)"), default=12)
    requires_final_quiz = models.BooleanField(
        _("requires a passed final quiz"),
        default=False,
        help_text=_("Set by the catalogue loader when the course has a final quiz."),
    )
    minimum_study = models.BooleanField(
        _("minimum study time"),
        default=False,
        help_text=_(
            "A lesson can be marked done only after the learner spent at least half of its "
            "stated minutes on it (accredited courses)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["theme", "title_nl"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [models.Index(fields=["status", "theme"])]

    def __str__(self) -> str:
        return self.title_nl

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [labels[value] for value in self.audiences if value in labels]

    @property
    def language_labels(self) -> list[str]:
        names = {"nl": "Nederlands", "en": "English"}
        return [names.get(code, code) for code in self.languages]


class Module(models.Model):
    course = models.ForeignKey(Course, related_name="modules", on_delete=models.CASCADE)
    slug = models.SlugField(max_length=100)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["course", "position"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="module_unique_slug")
        ]

    def __str__(self) -> str:
        return self.title_nl

    @property
    def title(self) -> str:
        return localized(self, "title")


class Lesson(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        CASE = "case", _("Case")
        VIDEO = "video", _("Video")
        CHECK = "check", _("Knowledge check")

    course = models.ForeignKey(Course, related_name="lessons", on_delete=models.CASCADE)
    module = models.ForeignKey(Module, related_name="lessons", on_delete=models.CASCADE)
    slug = models.SlugField(max_length=100)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_nl = models.TextField(_("body (Dutch, sanitised HTML)"), blank=True)
    body_en = models.TextField(_("body (English, sanitised HTML)"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=5)
    position = models.PositiveIntegerField(default=0, help_text=_("Order within the whole course."))
    is_active = models.BooleanField(
        default=True, help_text=_("Inactive lessons were removed by a newer course version.")
    )
    added_in_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["course", "position"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="lesson_unique_slug")
        ]
        indexes = [models.Index(fields=["course", "is_active", "position"])]

    def __str__(self) -> str:
        return self.title_nl

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def body(self) -> str:
        return localized(self, "body")


class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        ASSIGNED = "assigned", _("Assigned")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="enrolments", on_delete=models.CASCADE
    )
    course = models.ForeignKey(Course, related_name="enrolments", on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        related_name="enrolments",
        on_delete=models.SET_NULL,
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SELF)
    version_started = models.PositiveIntegerField(default=1)
    version_completed = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(
        Lesson,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        help_text=_("The lesson most recently marked as done."),
    )
    last_opened_lesson = models.ForeignKey(
        Lesson,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        help_text=_("The lesson on screen: time until the next request is credited to it."),
    )
    lessons_completed = models.PositiveIntegerField(
        default=0, help_text=_("Completed active lessons; kept by the services.")
    )
    progress_percent = models.PositiveSmallIntegerField(default=0)
    final_quiz_passed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "When the learner first passed the final quiz (stored by the assessments app)."
        ),
    )
    certificate_issued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "When the certificate of this completion was issued; empty when none was issued or "
            "it was revoked (kept by the certificates app, read by trainer pages and exports)."
        ),
    )
    restarted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "When the learner renewed (enrolled again on the current version): only quiz "
            "attempts from then on count."
        ),
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrolment_unique_user_course"),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="enrolment_progress_max_100"
            ),
        ]
        indexes = [
            models.Index(fields=["course", "organisation"]),
            models.Index(fields=["organisation", "completed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.course}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, related_name="progress", on_delete=models.CASCADE)
    lesson = models.ForeignKey(Lesson, related_name="progress", on_delete=models.CASCADE)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="lessonprogress_unique_enrolment_lesson"
            )
        ]


class Assignment(models.Model):
    """A course assigned by a trainer to a group (members now and later) or to chosen learners."""

    organisation = models.ForeignKey(
        "organisations.Organisation", related_name="assignments", on_delete=models.CASCADE
    )
    course = models.ForeignKey(Course, related_name="assignments", on_delete=models.CASCADE)
    group = models.ForeignKey(
        "organisations.Group",
        null=True,
        blank=True,
        related_name="assignments",
        on_delete=models.CASCADE,
    )
    learners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="direct_assignments"
    )
    due_date = models.DateField(_("due date"))
    message = models.TextField(_("message"), blank=True, max_length=2000)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    unassigned_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When a trainer last sent a manual reminder (at most once a day)."),
    )

    class Meta:
        ordering = ["due_date"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["organisation", "unassigned_at"])]


class ReminderSent(models.Model):
    """Guard: each reminder stage goes out at most once per assignment and learner.

    ``assigned`` is the notice sent when a course is assigned (or a newcomer joins the group).
    """

    class Stage(models.TextChoices):
        ASSIGNED = "assigned", _("Assignment notice")
        WEEK_BEFORE = "d7", _("7 days before")
        DAY_BEFORE = "d1", _("1 day before")
        OVERDUE = "overdue", _("Overdue")

    assignment = models.ForeignKey(Assignment, related_name="reminders", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "user", "stage"], name="reminder_once_per_stage"
            )
        ]


class TrainerOverviewSent(models.Model):
    """Guard: the weekly overview goes to a trainer at most once per ISO week (its Monday)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    week = models.DateField(help_text=_("Monday of the ISO week."))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="trainer_overview_once_per_week")
        ]


class CourseReviewer(models.Model):
    """Read-only access to one course for an accrediting body's assessor: every lesson, knowledge
    check and the whole question bank, without an enrolment, so nothing they do counts in any
    progress figure or statistic. Granted by accreditation administrators in the admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="course_reviews", on_delete=models.CASCADE
    )
    course = models.ForeignKey(Course, related_name="reviewers", on_delete=models.CASCADE)
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=200,
        help_text=_("The accrediting body the assessor works for, e.g. V&VN Kwaliteitsregister."),
    )
    valid_until = models.DateField(
        _("access until"), null=True, blank=True, help_text=_("Empty: until withdrawn.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course reviewer")
        verbose_name_plural = _("course reviewers")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="coursereviewer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.course}"


class ClassroomSession(models.Model):
    """A course taught in class (the police module, the alliance's training for bank staff).
    Attendance counts as completing the course's classroom variant."""

    course = models.ForeignKey(Course, related_name="classroom_sessions", on_delete=models.PROTECT)
    organisation = models.ForeignKey(
        "organisations.Organisation", related_name="classroom_sessions", on_delete=models.PROTECT
    )
    held_on = models.DateField(_("date"))
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        related_name="classroom_sessions_given",
        on_delete=models.SET_NULL,
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("classroom session")
        verbose_name_plural = _("classroom sessions")
        indexes = [models.Index(fields=["organisation", "held_on"])]

    def __str__(self) -> str:
        return f"{self.course} – {self.held_on}"


class ClassroomAttendance(models.Model):
    """One attendee: a platform account, or only an e-mail address (someone without an
    account, linked when they sign up with that address)."""

    session = models.ForeignKey(
        ClassroomSession, related_name="attendances", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="classroom_attendances",
        on_delete=models.CASCADE,
    )
    email = models.EmailField(_("e-mail address"), blank=True)

    class Meta:
        verbose_name = _("classroom attendance")
        verbose_name_plural = _("classroom attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(user__isnull=False),
                name="classroomattendance_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(user__isnull=True),
                name="classroomattendance_once_per_email",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="classroomattendance_someone",
            ),
        ]

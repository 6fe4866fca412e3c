"""Quizzes (final quiz or lesson knowledge check), their question bank, attempts and responses;
the attitude survey (pre / post).

An attempt freezes at its start which questions were drawn and the order of questions and
choices (``Attempt.layout``); scoring happens on the server at submission, once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import localized


class Quiz(models.Model):
    class Kind(models.TextChoices):
        FINAL = "final", _("Final quiz")
        CHECK = "check", _("Knowledge check")

    class Feedback(models.TextChoices):
        PER_QUESTION = "per_question", _("After each question")
        AFTER_SUBMIT = "after_submit", _("After submission")

    course = models.ForeignKey("courses.Course", related_name="quizzes", on_delete=models.CASCADE)
    lesson = models.ForeignKey(
        "courses.Lesson",
        null=True,
        blank=True,
        related_name="knowledge_checks",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70)
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True, help_text=_("Empty means unlimited.")
    )
    retry_after_hours = models.PositiveSmallIntegerField(
        _("wait before a new attempt (hours)"),
        default=0,
        help_text=_("After a failed attempt, the next one opens this many hours later."),
    )
    questions_per_attempt = models.PositiveSmallIntegerField(_("questions per attempt"))
    shuffle = models.BooleanField(_("shuffle questions and choices"), default=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )
    feedback = models.CharField(max_length=15, choices=Feedback.choices)
    per_category = models.JSONField(
        default=dict, blank=True, help_text=_("Optional draw per category: {category: count}.")
    )
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.UniqueConstraint(
                fields=["course"], condition=Q(kind="final"), name="quiz_one_final_per_course"
            ),
            models.UniqueConstraint(
                fields=["lesson"], condition=Q(kind="check"), name="quiz_one_check_per_lesson"
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=100), name="quiz_pass_mark_pct"
            ),
            models.CheckConstraint(
                condition=Q(kind="final", lesson__isnull=True)
                | Q(kind="check", lesson__isnull=False),
                name="quiz_check_has_lesson",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.FINAL:
            return f"{self.course}: {self.get_kind_display()}"
        return f"{self.course} / {self.lesson}: {self.get_kind_display()}"


class Scenario(models.Model):
    """A short case shared by several questions; its questions are drawn and shown together."""

    quiz = models.ForeignKey(Quiz, related_name="scenarios", on_delete=models.CASCADE)
    slug = models.SlugField(max_length=100)
    text_nl = models.TextField()
    text_en = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "slug"], name="scenario_unique_slug")
        ]

    @property
    def text(self) -> str:
        return localized(self, "text")


class Question(models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True / false")

    class Scoring(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
        PARTIAL = "partial", _("Partial credit")

    quiz = models.ForeignKey(Quiz, related_name="questions", on_delete=models.CASCADE)
    slug = models.SlugField(max_length=100)
    type = models.CharField(max_length=12, choices=Type.choices)
    scoring = models.CharField(
        max_length=15, choices=Scoring.choices, default=Scoring.ALL_OR_NOTHING
    )
    category = models.CharField(max_length=50, blank=True)
    lesson = models.ForeignKey(
        "courses.Lesson",
        null=True,
        blank=True,
        related_name="tested_by",
        on_delete=models.SET_NULL,
        help_text=_("The lesson that teaches the answer (linked from the review)."),
    )
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, related_name="questions", on_delete=models.SET_NULL
    )
    text_nl = models.TextField()
    text_en = models.TextField()
    explanation_nl = models.TextField(blank=True)
    explanation_en = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(
        default=True, help_text=_("Questions removed from the bank stay for past attempts.")
    )

    class Meta:
        ordering = ["quiz", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "slug"], name="question_unique_slug")
        ]

    def __str__(self) -> str:
        return self.text_nl[:80]

    @property
    def text(self) -> str:
        return localized(self, "text")

    @property
    def explanation(self) -> str:
        return localized(self, "explanation")


class Choice(models.Model):
    question = models.ForeignKey(Question, related_name="choices", on_delete=models.CASCADE)
    text_nl = models.TextField()
    text_en = models.TextField()
    is_correct = models.BooleanField(default=False)
    feedback_nl = models.TextField(blank=True)
    feedback_en = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "position"]

    def __str__(self) -> str:
        return self.text_nl[:80]

    @property
    def text(self) -> str:
        return localized(self, "text")

    @property
    def feedback(self) -> str:
        return localized(self, "feedback")


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    quiz = models.ForeignKey(Quiz, related_name="attempts", on_delete=models.CASCADE)
    enrolment = models.ForeignKey(
        "courses.Enrolment", related_name="attempts", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="quiz_attempts", on_delete=models.CASCADE
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    layout = models.JSONField(
        default=list,
        help_text=_(
            "Frozen at the start: [{q: question id, c: [choice ids in the order shown]}, ...]. "
            "The page names a choice by its position in this order, never by its id."
        ),
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "enrolment", "number"], name="attempt_unique_number"
            ),
            models.UniqueConstraint(
                fields=["quiz", "enrolment"],
                condition=Q(status="in_progress"),
                name="attempt_one_open_per_quiz",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "status"])]


class ExtraAttempt(models.Model):
    """One more attempt at a quiz, granted by a trainer or an admin to a learner who used all
    attempts. Each row adds one attempt and opens it at once (no waiting time)."""

    quiz = models.ForeignKey(Quiz, related_name="extra_attempts", on_delete=models.CASCADE)
    enrolment = models.ForeignKey(
        "courses.Enrolment", related_name="extra_attempts", on_delete=models.CASCADE
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    granted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("extra attempt")
        verbose_name_plural = _("extra attempts")
        indexes = [models.Index(fields=["quiz", "enrolment"])]


class Response(models.Model):
    attempt = models.ForeignKey(Attempt, related_name="responses", on_delete=models.CASCADE)
    question = models.ForeignKey(Question, related_name="responses", on_delete=models.CASCADE)
    selected = models.JSONField(default=list, help_text=_("Ids of the chosen choices."))
    answered_at = models.DateTimeField()
    score = models.FloatField(null=True, blank=True, help_text=_("0..1, set at submission."))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="response_unique")
        ]


class Survey(models.Model):
    """The attitude questionnaire (Likert 1–5), offered before the first lesson and after
    completion. Answers are never shown per person; see ``assessments.queries``."""

    slug = models.SlugField(max_length=100, unique=True)
    intro_nl = models.TextField()
    intro_en = models.TextField()
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    def __str__(self) -> str:
        return self.slug

    @property
    def intro(self) -> str:
        return localized(self, "intro")


class SurveyItem(models.Model):
    survey = models.ForeignKey(Survey, related_name="items", on_delete=models.CASCADE)
    slug = models.SlugField(max_length=50)
    text_nl = models.TextField()
    text_en = models.TextField()
    reverse = models.BooleanField(
        default=False, help_text=_("Agreement signals more stigma: scored as 6 − answer.")
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "slug"], name="surveyitem_unique_slug")
        ]

    @property
    def text(self) -> str:
        return localized(self, "text")


class SurveyResponse(models.Model):
    class Phase(models.TextChoices):
        PRE = "pre", _("Before the course")
        POST = "post", _("After the course")

    survey = models.ForeignKey(Survey, related_name="responses", on_delete=models.CASCADE)
    enrolment = models.ForeignKey(
        "courses.Enrolment", related_name="survey_responses", on_delete=models.CASCADE
    )
    phase = models.CharField(max_length=4, choices=Phase.choices)
    answers = models.JSONField(default=dict, help_text=_("{item slug: 1..5}"))
    score = models.FloatField(
        null=True,
        blank=True,
        help_text=_("Mean item score after reverse scoring; 5 = least stigma."),
    )
    skipped = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "enrolment", "phase"], name="surveyresponse_once_per_phase"
            ),
            models.CheckConstraint(
                condition=Q(skipped=True, score__isnull=True)
                | Q(skipped=False, score__gte=1, score__lte=5),
                name="surveyresponse_score_range",
            ),
        ]
        indexes = [models.Index(fields=["survey", "phase"])]

"""Admin for content authors: courses → modules → lessons, and a learner-view preview.

Lessons are never deleted here (their progress rows would go with them): untick "active"
instead, as the catalogue loader does. Lesson bodies are stored as sanitised HTML; what an
author types in the admin is sanitised by the form (``courses.markdown.sanitise_html``) before
it is saved. Note that the next ``load_catalogue`` run with changed files overwrites admin edits
of that course; authors who edit in the admin should also update ``content/``.

Course reviewers (an accrediting body's assessor, read-only access to one course) are granted
here by accreditation administrators and staff; every change is audited.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from courses import queries
from courses.access import can_preview_lessons, review_status_refresh
from courses.markdown import sanitise_html
from courses.models import Audience, Course, CourseReviewer, Enrolment, Lesson, Module


class CourseAdminForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "slug",
            "status",
            "title_nl",
            "title_en",
            "summary_nl",
            "summary_en",
            "theme",
            "audiences",
            "minutes",
            "languages",
            "certificate_validity_months",
            "reviewed_on",
            "review_every_months",
        ]

    def clean_audiences(self):
        audiences = self.cleaned_data.get("audiences") or []
        if not isinstance(audiences, list) or not all(a in Audience.values for a in audiences):
            raise ValidationError(
                _("Use a list of audiences from: %(values)s."),
                params={"values": ", ".join(Audience.values)},
            )
        return audiences

    def clean_languages(self):
        languages = self.cleaned_data.get("languages") or []
        if not isinstance(languages, list) or "nl" not in languages:
            raise ValidationError(_('Use a list that includes "nl", for example ["nl", "en"].'))
        if not set(languages) <= {"nl", "en"}:
            raise ValidationError(_('Only "nl" and "en" are supported.'))
        return languages


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ("position", "slug", "title_nl", "title_en", "is_active")
    ordering = ("position",)
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    form = CourseAdminForm
    list_display = ("title_nl", "slug", "theme", "status", "version", "updated_at")
    list_filter = ("status", "theme")
    search_fields = ("title_nl", "title_en", "slug")
    readonly_fields = ("version", "content_hash", "created_at", "updated_at")
    inlines = [ModuleInline]


class LessonInline(admin.TabularInline):
    model = Lesson
    fk_name = "module"
    fields = ("position", "slug", "title_nl", "title_en", "kind", "minutes", "is_active", "preview")
    readonly_fields = ("slug", "preview")
    ordering = ("position",)
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Preview"))
    def preview(self, obj):
        return preview_links(obj)


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("title_nl", "course", "position", "is_active")
    list_filter = ("course", "is_active")
    ordering = ("course", "position")
    inlines = [LessonInline]

    def has_delete_permission(self, request, obj=None):
        return False


class LessonAdminForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = [
            "course",
            "module",
            "slug",
            "position",
            "kind",
            "minutes",
            "is_active",
            "title_nl",
            "title_en",
            "body_nl",
            "body_en",
        ]

    def clean_body_nl(self):
        return sanitise_html(self.cleaned_data.get("body_nl") or "")

    def clean_body_en(self):
        return sanitise_html(self.cleaned_data.get("body_en") or "")

    def clean(self):
        cleaned = super().clean()
        course, module = cleaned.get("course"), cleaned.get("module")
        if course and module and module.course_id != course.pk:
            self.add_error("module", _("Choose a module of the same course."))
        return cleaned


def preview_links(lesson: Lesson):
    if not lesson.pk:
        return "-"
    url = reverse("admin:courses_lesson_preview", args=[lesson.pk])
    return format_html_join(
        " · ",
        '<a href="{}?language={}">{}</a>',
        [(url, "nl", _("Preview as learner (Dutch)")), (url, "en", _("English"))],
    )


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonAdminForm
    list_display = (
        "title_nl",
        "course",
        "module",
        "position",
        "kind",
        "minutes",
        "is_active",
        "added_in_version",
        "preview",
    )
    list_filter = ("course", "is_active", "kind")
    list_select_related = ("course", "module")
    search_fields = ("title_nl", "title_en", "slug")
    ordering = ("course", "position")
    readonly_fields = ("added_in_version", "preview")
    fields = (
        "course",
        "module",
        "slug",
        "position",
        "kind",
        "minutes",
        "is_active",
        "added_in_version",
        "title_nl",
        "title_en",
        "body_nl",
        "body_en",
        "preview",
    )

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Preview"))
    def preview(self, obj):
        return preview_links(obj)

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="courses_lesson_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        """The lesson rendered with the learner template; nothing is recorded."""
        if not can_preview_lessons(request.user):
            raise PermissionDenied
        lesson = get_object_or_404(Lesson.objects.select_related("course", "module"), pk=pk)
        language = request.GET.get("language")
        if language not in ("nl", "en"):
            language = translation.get_language() or "nl"
        url = reverse("admin:courses_lesson_preview", args=[pk])
        with translation.override(language):
            page = queries.lesson_preview_page(lesson=lesson)
            return render(
                request,
                "courses/lesson.html",
                {
                    "course": lesson.course,
                    "enrolment": None,
                    "page": page,
                    "lesson": page.lesson,
                    "preview": True,
                    "preview_languages": [
                        (code, f"{url}?language={code}") for code in ("nl", "en")
                    ],
                },
            )


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    """Read-only: enrolments change through the learning services only."""

    list_display = ("user", "course", "organisation", "progress_percent", "completed_at")
    list_filter = ("course",)
    list_select_related = ("user", "course", "organisation")
    search_fields = ("user__email", "user__name", "course__slug")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CourseReviewerAdminForm(forms.ModelForm):
    """The assessor is named by their e-mail address: accreditation administrators may not
    browse the people of the platform, so neither a user list nor an autocomplete would work."""

    email = forms.EmailField(
        label=_("Assessor's e-mail address"),
        help_text=_("The address of the assessor's account. Ask them to sign up first."),
    )

    class Meta:
        model = CourseReviewer
        fields = ["email", "course", "on_behalf_of", "valid_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["email"] = self.instance.user.email

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(
            email__iexact=email, is_active=True, anonymised_at__isnull=True
        ).first()
        if user is None:
            raise ValidationError(
                _(
                    "There is no active account with this e-mail address. Ask the assessor to "
                    "sign up first."
                )
            )
        self.instance.user = user
        return email

    def clean(self):
        cleaned = super().clean()
        course = cleaned.get("course")
        if course and "email" not in self.errors and self.instance.user_id:
            taken = CourseReviewer.objects.filter(user_id=self.instance.user_id, course=course)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("email", _("This person already has review access to this course."))
        return cleaned


def filled_fields(form) -> list[str]:
    return [name for name, value in form.cleaned_data.items() if value not in (None, "", False)]


def audit_reviewer(*, request, reviewer: CourseReviewer, pk: int, what: str, changed) -> None:
    audit_record(
        action=AuditEvent.Action.REVIEWER_CHANGED,
        request=request,
        actor=request.user,
        subject_user=reviewer.user,
        # the person is the event's subject; the summary carries no personal data
        summary=f"Reviewer access to {reviewer.course.slug} ({reviewer.on_behalf_of}): {what}",
        data={
            "reviewer": pk,
            "course": reviewer.course.slug,
            "on_behalf_of": reviewer.on_behalf_of,
            "valid_until": reviewer.valid_until.isoformat() if reviewer.valid_until else None,
            "fields": sorted(changed),
        },
    )
    user_id = reviewer.user_id
    transaction.on_commit(lambda: review_status_refresh(user_id))  # the header link


@admin.register(CourseReviewer)
class CourseReviewerAdmin(admin.ModelAdmin):
    """Read-only access to one course for an accrediting body's assessor (granted, changed and
    withdrawn here by accreditation administrators and staff; audited)."""

    form = CourseReviewerAdminForm
    list_display = ("user_email", "course", "on_behalf_of", "valid_until", "review_link")
    list_filter = ("course",)
    list_select_related = ("user", "course")
    search_fields = ("user__email", "on_behalf_of", "course__slug")
    ordering = ("course", "user__email")

    @admin.display(description=_("e-mail address"), ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    @admin.display(description=_("Review pages"))
    def review_link(self, obj):
        url = reverse("courses:review", args=[obj.course.slug])
        return format_html('<a href="{}">{}</a>', url, _("What an assessor sees"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_reviewer(
            request=request,
            reviewer=obj,
            pk=obj.pk,
            what="changed" if change else "granted",
            changed=form.changed_data if change else filled_fields(form),
        )

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        audit_reviewer(request=request, reviewer=obj, pk=pk, what="withdrawn", changed=[])

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for reviewer in queryset.select_related("user", "course"):
            self.delete_model(request, reviewer)

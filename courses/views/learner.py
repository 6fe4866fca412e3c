"""Learner pages: catalogue, course page, lesson page, My learning.

Thin views: access helper → one service → render. htmx requests get a partial of the same
template; every htmx form is also a plain form.
"""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from courses import queries
from courses.access import (
    get_active_lesson_or_404,
    get_enrolment_for_user,
    get_enrolment_or_404,
    get_published_course_or_404,
)
from courses.learner_forms import CatalogueFilterForm
from courses.pages import (
    attach_course_facts,
    course_page_sections,
    lesson_page_sections,
    render_sections,
)
from courses.services import (
    LessonNotOpened,
    StudyTimeTooShort,
    enrol,
    lesson_complete,
    lesson_open,
    minimum_study_seconds,
)

CATALOGUE_PAGE_SIZE = 24


def _partial(request) -> bool:
    """An htmx request for part of a page (a history restore needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def lesson_url(course, lesson) -> str:
    return reverse("courses:lesson", args=[course.slug, lesson.slug])


@vary_on_headers("HX-Request")
def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    courses = queries.catalogue_courses(**form.filters())
    page = Paginator(courses, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    partial = _partial(request)
    page.object_list = list(page.object_list)
    attach_course_facts(page.object_list)
    return render(
        request,
        "courses/catalogue.html#results" if partial else "courses/catalogue.html",
        {
            "form": form,
            "page": page,
            "courses": page.object_list,
            "query": query.urlencode(),
            "htmx_partial": partial,
        },
    )


def course_detail(request, slug):
    course = get_published_course_or_404(slug)
    enrolment = get_enrolment_for_user(request.user, course)
    outline = queries.course_outline(course=course, enrolment=enrolment)
    attach_course_facts([course])
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "enrolment": enrolment,
            "outline": outline,
            "sections": render_sections(course_page_sections, request, course, enrolment),
        },
    )


@require_POST
@login_required
def course_enrol(request, slug):
    course = get_published_course_or_404(slug)
    enrolment = enrol(user=request.user, course=course)
    if enrolment.started_at is None:
        messages.success(request, _("You are enrolled. Start with the first lesson."))
    return redirect("courses:course", slug=course.slug)


def _lesson_context(enrolment, page, *, preview: bool = False) -> dict:
    course = enrolment.course
    return {
        "course": course,
        "enrolment": enrolment,
        "page": page,
        "lesson": page.lesson,
        "preview": preview,
        "progress_percent": enrolment.progress_percent,
        "minimum_study_minutes": math.ceil(minimum_study_seconds(page.lesson) / 60)
        if course.minimum_study
        else None,
    }


@login_required
def lesson_detail(request, slug, lesson_slug):
    enrolment = get_enrolment_or_404(request.user, slug)
    page = queries.lesson_page(enrolment=enrolment, lesson_slug=lesson_slug)
    if page is None:
        raise Http404
    lesson_open(enrolment=enrolment, lesson=page.lesson)
    context = _lesson_context(enrolment, page)
    context["sections"] = render_sections(lesson_page_sections, request, page.lesson, enrolment)
    return render(request, "courses/lesson.html", context)


@require_POST
@login_required
def lesson_done(request, slug, lesson_slug):
    enrolment = get_enrolment_or_404(request.user, slug)
    lesson = get_active_lesson_or_404(enrolment, lesson_slug)
    was_complete = enrolment.completed_at is not None
    refusal = ""
    try:
        lesson_complete(enrolment=enrolment, lesson=lesson)
    except LessonNotOpened:
        refusal = _("Open and read the lesson first; then you can mark it as done.")
    except StudyTimeTooShort as short:
        minutes = max(1, math.ceil(short.remaining_seconds / 60))
        refusal = ngettext(
            "This course counts study time for accreditation. Keep reading: you can mark this "
            "lesson as done in about %(minutes)d minute.",
            "This course counts study time for accreditation. Keep reading: you can mark this "
            "lesson as done in about %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    page = queries.lesson_page(enrolment=enrolment, lesson_slug=lesson_slug)
    if refusal:
        if _partial(request):
            context = _lesson_context(enrolment, page) | {"refusal": refusal}
            return render(request, "courses/lesson.html#lesson_action", context)
        messages.error(request, refusal)
        return redirect(lesson_url(enrolment.course, lesson))
    if _partial(request):
        context = _lesson_context(enrolment, page)
        context["just_done"] = True
        return render(request, "courses/lesson.html#done_response", context)
    if enrolment.completed_at is not None and not was_complete:
        messages.success(request, _("Well done: you have completed this course."))
        return redirect("courses:course", slug=enrolment.course.slug)
    messages.success(request, _("Lesson marked as done."))
    if page.next is not None:
        return redirect(lesson_url(enrolment.course, page.next))
    return redirect("courses:course", slug=enrolment.course.slug)


@login_required
def my_learning(request):
    data = queries.my_learning(user=request.user, today=timezone.localdate())
    attach_course_facts(data.suggestions)
    return render(request, "courses/my_learning.html", {"learning": data})

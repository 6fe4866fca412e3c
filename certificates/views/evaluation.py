"""The course evaluation before an accredited certificate ("finish"), and its results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.reauth import require_recent_reauthentication
from certificates.evaluation import (
    MINIMUM_ANSWERS,
    EvaluationRefused,
    course_evaluation_results,
    evaluation_registration_add,
    evaluation_submit,
    finishable_enrolment,
    measured_minutes,
)
from certificates.forms import FinishForm, PeriodForm
from certificates.models import CourseEvaluation
from certificates.services import Waiting
from courses.models import Enrolment
from organisations.permissions import can_read_course_evaluations


def _already_answered(request, slug: str):
    messages.info(
        request,
        _("You have already answered the evaluation of this course. Thank you."),
    )
    return redirect("courses:course", slug=slug)


@login_required
def finish(request, slug):
    """The evaluation and registration number of a completion that a granted accreditation
    covers; only for the learner whose certificate waits for them (anyone else: 404).

    A second evaluation of the same completion (another tab, a double click) is refused with a
    message. Replacing a registration number or date of birth the profile holds asks for the
    password again, as on the profile."""
    if request.method == "POST" and "relevance" in request.POST:
        answered = CourseEvaluation.objects.filter(
            enrolment__user=request.user,
            enrolment__course__slug=slug,
            enrolment__completed_at__isnull=False,
        ).exists()
        if answered:
            return _already_answered(request, slug)
    found = finishable_enrolment(user=request.user, slug=slug)
    if found is None:
        raise Http404
    enrolment, readiness = found
    ask_evaluation = readiness.waiting_for == Waiting.EVALUATION
    form_options = {
        "user": enrolment.user,
        "covering": readiness.covering,
        "ask_evaluation": ask_evaluation,
        "chosen": readiness.accreditation,
        "stated_minutes": enrolment.course.minutes,
        "measured_minutes": measured_minutes(enrolment) if ask_evaluation else 0,
    }
    if request.method == "POST":
        form = FinishForm(request.POST, **form_options)
        if form.is_valid():
            if form.overwrites_profile():
                require_recent_reauthentication(request)
            response = _save(request, form, enrolment)
            if response is not None:
                return response
    else:
        form = FinishForm(**form_options)
    return render(
        request,
        "certificates/finish.html",
        {
            "course": enrolment.course,
            "enrolment": enrolment,
            "form": form,
            "ask_evaluation": ask_evaluation,
            "chosen": readiness.accreditation,
        },
    )


def _save(request, form: FinishForm, enrolment: Enrolment):
    """Call the service; a redirect on success, ``None`` with form errors on a refusal."""
    data = form.cleaned_data
    registration = {
        "accreditation": data["accreditation"],
        "registration_number": data["registration_number"],
        "date_of_birth": data.get("date_of_birth"),
        "request": request,
    }
    try:
        if form.ask_evaluation:
            evaluation_submit(
                enrolment=enrolment,
                relevance=data["relevance"],
                quality=data["quality"],
                minutes_reported=data["minutes_reported"],
                **registration,
            )
        else:
            evaluation_registration_add(enrolment=enrolment, **registration)
    except EvaluationRefused as refusal:
        if refusal.reason == EvaluationRefused.ALREADY_ANSWERED:
            return _already_answered(request, enrolment.course.slug)
        if refusal.reason == EvaluationRefused.NOT_COVERING:
            form.add_error("accreditation", _("Choose one of the accreditations listed."))
        else:
            form.add_error(None, _("This could not be saved. Please reload the page."))
        return None
    messages.success(request, _("Thank you. Your certificate is being prepared."))
    return redirect("courses:course", slug=enrolment.course.slug)


@login_required
def evaluation_results(request):
    """Aggregated evaluations per course, for accreditation administrators, content authors and
    staff (others: 404). Courses with fewer than ``MINIMUM_ANSWERS`` answers show nothing."""
    if not can_read_course_evaluations(request.user):
        raise Http404
    form = PeriodForm(request.GET or None)
    results = []
    if not form.is_bound or form.is_valid():
        period = form.cleaned_data if form.is_bound else {}
        results = course_evaluation_results(
            date_from=period.get("date_from"), date_to=period.get("date_to")
        )
    return render(
        request,
        "certificates/evaluations.html",
        {
            "form": form,
            "results": results,
            "minimum_answers": MINIMUM_ANSWERS,
            "scores": (1, 2, 3, 4, 5),
        },
    )

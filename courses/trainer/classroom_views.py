"""Trainer pages for classroom training: the sessions recorded, recording one, one session's
attendees, correcting or deleting a session.

Who: trainers and administrators of the organisation or one of its ancestors, and staff.
Everyone else gets a 404, also for a session of an organisation they do not manage.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses import classroom
from courses.trainer.classroom_forms import ClassroomSessionForm
from organisations import permissions
from organisations.models import Organisation

SESSIONS_PER_PAGE = 25


def _require_trainer(user) -> None:
    if not (
        permissions.is_staff(user)
        or permissions.organisations_for(user, permissions.MANAGERS).exists()
    ):
        raise Http404


def _organisation_for_trainer(user, organisation_id: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not permissions.can_manage_groups(user, organisation):
        raise Http404
    return organisation


@login_required
def classroom_list(request):
    _require_trainer(request.user)
    page = Paginator(
        classroom.classroom_sessions_for(user=request.user), SESSIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    organisations = list(
        permissions.organisations_for(request.user, permissions.MANAGERS).order_by("name")[:50]
    )
    return render(
        request,
        "courses/trainer/classroom.html",
        {"sessions": list(page.object_list), "page": page, "organisations": organisations},
    )


def _session_or_404(user, session_id: int):
    session = classroom.classroom_session_for(user=user, session_id=session_id)
    if session is None:
        raise Http404
    return session


def _save_session(request, form: ClassroomSessionForm, save, *, done):
    """Call ``save`` (record or update) with the form's data; the redirect when it worked,
    None when the rules refused (the form then carries the message)."""
    data = form.cleaned_data
    try:
        session = save(
            course=data["course"],
            held_on=data["held_on"],
            member_ids=[user.pk for user in data["members"]],
            emails=data["emails"],
            location=data["location"],
            trainer=data["trainer"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    except PermissionDenied as error:
        raise Http404 from error
    count = session.attendances.count()
    messages.success(request, done(count) % {"count": count})
    return redirect("trainer:classroom_session", session_id=session.pk)


def _form_page(request, form, *, organisation, session=None):
    options, cut = form.member_options()
    return render(
        request,
        "courses/trainer/classroom_record.html",
        {
            "organisation": organisation,
            "session": session,
            "form": form,
            "member_options": options,
            "member_options_cut": cut,
            "chosen_members": form.chosen_member_ids(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def classroom_record(request, organisation_id: int):
    organisation = _organisation_for_trainer(request.user, organisation_id)
    form = ClassroomSessionForm(
        request.POST if request.method == "POST" else None,
        organisation=organisation,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():

        def save(**data):
            return classroom.classroom_session_record(
                recorded_by=request.user, organisation=organisation, **data
            )

        def done(count):
            return ngettext(
                "The session was recorded with %(count)d attendee.",
                "The session was recorded with %(count)d attendees.",
                count,
            )

        if response := _save_session(request, form, save, done=done):
            return response
    return _form_page(request, form, organisation=organisation)


@login_required
def classroom_edit(request, session_id: int):
    """Correct a recorded session: date, course, trainer, location and attendees."""
    session = _session_or_404(request.user, session_id)
    form = ClassroomSessionForm(
        request.POST if request.method == "POST" else None,
        organisation=session.organisation,
        user=request.user,
        initial=ClassroomSessionForm.initial_for(session),
    )
    if request.method == "POST" and form.is_valid():

        def save(**data):
            return classroom.classroom_session_update(
                changed_by=request.user, session=session, **data
            )

        def done(count):
            return ngettext(
                "The session was saved with %(count)d attendee.",
                "The session was saved with %(count)d attendees.",
                count,
            )

        if response := _save_session(request, form, save, done=done):
            return response
    return _form_page(request, form, organisation=session.organisation, session=session)


@login_required
def classroom_delete(request, session_id: int):
    """Ask, then remove a session recorded by mistake (its completions no longer count)."""
    session = _session_or_404(request.user, session_id)
    if request.method == "POST":
        try:
            classroom.classroom_session_delete(deleted_by=request.user, session=session)
        except PermissionDenied as error:
            raise Http404 from error
        messages.success(request, _("The session was deleted."))
        return redirect("trainer:classroom")
    return render(
        request,
        "courses/trainer/classroom_delete.html",
        {"session": session, "attendee_count": session.attendances.count()},
    )


@login_required
def classroom_session(request, session_id: int):
    session = _session_or_404(request.user, session_id)
    attendances = list(
        session.attendances.select_related("user").order_by("user__name", "email", "pk")
    )
    # Names only of people the trainer may follow anyway; someone else's account (an address
    # typed in) shows as that address, so the page tells nobody who has an account here.
    shown = set(
        permissions.learners_visible_to(request.user)
        .filter(pk__in=[a.user_id for a in attendances if a.user_id])
        .values_list("pk", flat=True)
    )
    for attendance in attendances:
        attendance.shown_user = attendance.user if attendance.user_id in shown else None
    return render(
        request,
        "courses/trainer/classroom_session.html",
        {"session": session, "attendances": attendances},
    )

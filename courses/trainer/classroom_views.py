"""Trainer pages for classroom training: the sessions recorded, recording one, one session's
attendees.

Who: trainers and administrators of the organisation or one of its ancestors, and staff.
Everyone else gets a 404, also for a session of an organisation they do not manage.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
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


@login_required
def classroom_record(request, organisation_id: int):
    organisation = _organisation_for_trainer(request.user, organisation_id)
    form = ClassroomSessionForm(
        request.POST if request.method == "POST" else None,
        organisation=organisation,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = classroom.classroom_session_record(
                recorded_by=request.user,
                organisation=organisation,
                course=data["course"],
                held_on=data["held_on"],
                member_ids=[user.pk for user in data["members"]],
                emails=data["emails"],
                location=data["location"],
                trainer=data["trainer"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            count = session.attendances.count()
            messages.success(
                request,
                ngettext(
                    "The session was recorded with %(count)d attendee.",
                    "The session was recorded with %(count)d attendees.",
                    count,
                )
                % {"count": count},
            )
            return redirect("trainer:classroom_session", session_id=session.pk)
    options, cut = form.member_options()
    return render(
        request,
        "courses/trainer/classroom_record.html",
        {
            "organisation": organisation,
            "form": form,
            "member_options": options,
            "member_options_cut": cut,
            "chosen_members": form.chosen_member_ids(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def classroom_session(request, session_id: int):
    session = classroom.classroom_session_for(user=request.user, session_id=session_id)
    if session is None:
        raise Http404
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

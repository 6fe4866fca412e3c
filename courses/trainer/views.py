"""Trainer pages: the trainer's groups, assigning a course, group and assignment progress,
one learner's progress, reminders, unassigning and the CSV export.

Who: trainers and administrators of the organisation or one of its ancestors, and staff
(``organisations.permissions``). Everyone else gets a 404, also for a group or learner of an
organisation they do not manage.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.audit import audit_record
from accounts.models import User
from courses.models import Assignment
from courses.pages import render_sections, trainer_learner_sections
from courses.services import assignments as services
from courses.services import reminders
from courses.trainer import queries
from courses.trainer.exports import matrix_csv_lines
from courses.trainer.forms import AssignmentForm, DueDateForm, MatrixFilterForm, is_id
from organisations import permissions
from organisations.models import Group, Organisation

GROUPS_PER_PAGE = 25


# --- access ---------------------------------------------------------------------------------


def _trainer_organisations(user):
    """Organisations the person manages as trainer or administrator; 404 when there are none."""
    if not (
        permissions.is_staff(user)
        or permissions.organisations_for(user, permissions.MANAGERS).exists()
    ):
        raise Http404
    return permissions.member_visible_organisations(user)


def _organisation_for_trainer(user, organisation_id: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not permissions.can_manage_groups(user, organisation):
        raise Http404
    return organisation


def _group_for_trainer(user, group_id: int) -> Group:
    group = get_object_or_404(Group.objects.select_related("organisation"), pk=group_id)
    if not permissions.can_manage_group(user, group):
        raise Http404
    return group


def _assignment_for_trainer(user, assignment_id: int) -> Assignment:
    assignment = get_object_or_404(
        Assignment.objects.select_related("course", "group", "organisation", "assigned_by"),
        pk=assignment_id,
    )
    if not permissions.can_manage_groups(user, assignment.organisation):
        raise Http404
    return assignment


def _group_learner(group: Group, user_id: int) -> User:
    return get_object_or_404(User, pk=user_id, group_memberships__group=group)


# --- shared helpers -------------------------------------------------------------------------


def _columns(assignments) -> list[queries.Column]:
    return queries.matrix_columns(list(assignments), today=timezone.localdate())


def _matrix_context(request, *, learners, columns, count: int, learner_url: str) -> dict:
    """Filters, page and rows of a progress matrix. ``count``: all learners (used as the page
    count when nothing is filtered); ``learner_url``: a learner's page with 0 for the id."""
    form = MatrixFilterForm(request.GET or None, columns=columns)
    values = form.values()
    queryset = queries.matrix_learners(
        learners=learners,
        columns=columns,
        status=values["status"],
        course_column=values["column"],
        sort=values["sort"],
    )
    page = queries.matrix_page(
        queryset,
        request.GET.get("page"),
        count=None if values["status"] else count,
    )
    filters = {
        key: value
        for key, value in {
            "status": values["status"],
            "course": values["column"].assignment.pk if values["column"] else "",
            "sort": values["sort"] if values["sort"] != "name" else "",
        }.items()
        if value
    }
    rows = queries.matrix_rows(learners=list(page.object_list), columns=columns)
    prefix, suffix = learner_url.rsplit("/0/", 1)
    for row in rows:
        row.url = f"{prefix}/{row.learner.pk}/{suffix}"
    sort_links = {}
    for key, (ascending, descending) in {
        "name": ("name", "-name"),
        "activity": ("-activity", "activity"),
        "progress": ("progress", "-progress"),
    }.items():
        current = values["sort"] in (ascending, descending)
        target = descending if values["sort"] == ascending else ascending
        sort_links[key] = {
            "query": urlencode({**filters, "sort": target}),
            "current": current,
            # the column's values as shown: "-name", "-activity", "-progress" run high to low
            "aria_sort": (
                ("descending" if values["sort"].startswith("-") else "ascending")
                if current
                else None
            ),
        }
    return {
        "filter_form": form,
        "filters": values,
        "query_string": urlencode(filters),
        "page": page,
        "rows": rows,
        "columns": columns,
        "sort_links": sort_links,
        "filtered": bool(values["status"] or values["column"]),
    }


def _partial(request, template: str, name: str) -> str:
    if request.htmx and not request.htmx.history_restore_request:
        return f"{template}#{name}"
    return template


def _csv_response(*, learners, columns, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        matrix_csv_lines(learners=learners, columns=columns, language=get_language() or "nl"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- pages ----------------------------------------------------------------------------------


@login_required
def home(request):
    organisations = _trainer_organisations(request.user)
    groups_page = Paginator(
        queries.trainer_groups(organisations=organisations), GROUPS_PER_PAGE
    ).get_page(request.GET.get("page"))
    groups = list(groups_page.object_list)
    queries.groups_completion(groups)
    managed = list(
        permissions.organisations_for(request.user, permissions.MANAGERS).order_by("name")[:50]
    )
    return render(
        request,
        "courses/trainer/home.html",
        {
            "groups": groups,
            "page": groups_page,
            "learner_assignments": list(
                queries.learner_assignments(organisations=organisations)[:100]
            ),
            "assign_organisations": managed,
            "today": timezone.localdate(),
        },
    )


@login_required
def assign(request, organisation_id: int):
    organisation = _organisation_for_trainer(request.user, organisation_id)
    # A GET keeps what was filled in before "Search learners" (a GET submit of the same form).
    initial = {key: request.GET.get(key) for key in ("course", "group", "due_date", "message")}
    initial["learners"] = [pk for pk in request.GET.getlist("learners") if is_id(pk)]
    form = AssignmentForm(
        request.POST if request.method == "POST" else None,
        organisation=organisation,
        initial={key: value for key, value in initial.items() if value},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assignment_create(
                organisation=organisation,
                course=data["course"],
                assigned_by=request.user,
                group=data["group"],
                learners=data["learners"],
                due_date=data["due_date"],
                message=data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            raise Http404 from error
        else:
            count = len(services.assignment_assignee_ids(assignment=assignment))
            messages.success(
                request,
                ngettext(
                    "The course was assigned to %(count)d learner.",
                    "The course was assigned to %(count)d learners.",
                    count,
                )
                % {"count": count},
            )
            if assignment.group_id:
                return redirect("trainer:group", group_id=assignment.group_id)
            return redirect("trainer:assignment", assignment_id=assignment.pk)
    # PostgreSQL text cannot hold a NUL character: a search for one finds nobody anyway.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    options, cut = form.learner_options(query)
    return render(
        request,
        "courses/trainer/assign.html",
        {
            "organisation": organisation,
            "form": form,
            "learner_options": options,
            "learner_options_cut": cut,
            "chosen_learners": form.chosen_learner_ids(),
            "query": query,
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@vary_on_headers("HX-Request")
def group_detail(request, group_id: int):
    group = _group_for_trainer(request.user, group_id)
    assignments = list(
        queries.active_assignments_queryset().filter(group=group).select_related("assigned_by")
    )
    columns = _columns(assignments)
    learners = User.objects.filter(group_memberships__group=group)
    member_count = learners.count()
    queries.assignments_completed_counts(
        columns=columns, learner_filter={"user__group_memberships__group": group}
    )
    context = {
        "group": group,
        "organisation": group.organisation,
        "assignments": assignments,
        "member_count": member_count,
        "today": timezone.localdate(),
        "results_url": request.path,
        **_matrix_context(
            request,
            learners=learners,
            columns=columns,
            count=member_count,
            learner_url=reverse("trainer:group_learner", args=[group.pk, 0]),
        ),
    }
    return render(request, _partial(request, "courses/trainer/group.html", "results"), context)


@login_required
def group_export(request, group_id: int):
    group = _group_for_trainer(request.user, group_id)
    columns = _columns(queries.active_assignments_queryset().filter(group=group))
    values = MatrixFilterForm(request.GET or None, columns=columns).values()
    learners = queries.matrix_learners(
        learners=User.objects.filter(group_memberships__group=group),
        columns=columns,
        status=values["status"],
        course_column=values["column"],
        sort=values["sort"],
    )
    audit_record(
        action="export",
        request=request,
        organisation=group.organisation,
        summary=f"Progress of group {group.name} (CSV)",
        data={"group": group.pk, "status": values["status"], "format": "csv"},
    )
    return _csv_response(
        learners=learners, columns=columns, filename=f"progress-group-{group.pk}.csv"
    )


@login_required
def group_learner(request, group_id: int, user_id: int):
    group = _group_for_trainer(request.user, group_id)
    learner = _group_learner(group, user_id)
    columns = _columns(queries.active_assignments_queryset().filter(group=group))
    return _learner_page(request, learner, columns, group=group)


def _learner_page(request, learner: User, columns, **context):
    """Progress and completion per course; no study minutes (staff monitoring would need the
    works council's consent: the measured time is for the learner and accreditation only)."""
    details = queries.learner_course_details(learner=learner, columns=columns)
    enrolments = [item.enrolment for item in details if item.enrolment is not None]
    return render(
        request,
        "courses/trainer/learner.html",
        {
            "learner": learner,
            "courses": details,
            "sections": render_sections(trainer_learner_sections, request, learner, enrolments),
            **context,
        },
    )


@login_required
@vary_on_headers("HX-Request")
def assignment_detail(request, assignment_id: int):
    """Progress of an assignment to chosen learners (a group's assignment lives on its page)."""
    assignment = _assignment_for_trainer(request.user, assignment_id)
    if assignment.group_id:
        url = reverse("trainer:group", args=[assignment.group_id])
        return redirect(f"{url}?{urlencode({'course': assignment.pk})}")
    if assignment.unassigned_at is not None:
        raise Http404
    columns = _columns([assignment])
    learners = User.objects.filter(direct_assignments=assignment)
    member_count = learners.count()
    queries.assignments_completed_counts(
        columns=columns, learner_filter={"user__direct_assignments": assignment}
    )
    context = {
        "assignment": assignment,
        "organisation": assignment.organisation,
        "assignments": [assignment],
        "member_count": member_count,
        "today": timezone.localdate(),
        "results_url": request.path,
        **_matrix_context(
            request,
            learners=learners,
            columns=columns,
            count=member_count,
            learner_url=reverse("trainer:assignment_learner", args=[assignment.pk, 0]),
        ),
    }
    return render(request, _partial(request, "courses/trainer/assignment.html", "results"), context)


@login_required
def assignment_export(request, assignment_id: int):
    assignment = _assignment_for_trainer(request.user, assignment_id)
    if assignment.group_id:
        learners = User.objects.filter(group_memberships__group_id=assignment.group_id)
    else:
        learners = User.objects.filter(direct_assignments=assignment)
    columns = _columns([assignment])
    values = MatrixFilterForm(request.GET or None, columns=columns).values()
    learners = queries.matrix_learners(
        learners=learners, columns=columns, status=values["status"], sort=values["sort"]
    )
    audit_record(
        action="export",
        request=request,
        organisation=assignment.organisation,
        summary=f"Progress of assignment {assignment.pk} (CSV)",
        data={"assignment": assignment.pk, "status": values["status"], "format": "csv"},
    )
    return _csv_response(
        learners=learners,
        columns=columns,
        filename=f"progress-assignment-{assignment.pk}.csv",
    )


@login_required
def assignment_learner(request, assignment_id: int, user_id: int):
    assignment = _assignment_for_trainer(request.user, assignment_id)
    if assignment.group_id:
        learner = _group_learner(assignment.group, user_id)
    else:
        learner = get_object_or_404(User, pk=user_id, direct_assignments=assignment)
    return _learner_page(request, learner, _columns([assignment]), assignment=assignment)


def _back_to(assignment: Assignment):
    if assignment.group_id:
        return redirect("trainer:group", group_id=assignment.group_id)
    if assignment.unassigned_at is None:
        return redirect("trainer:assignment", assignment_id=assignment.pk)
    return redirect("trainer:home")


@login_required
@require_POST
def assignment_remind(request, assignment_id: int):
    assignment = _assignment_for_trainer(request.user, assignment_id)
    try:
        count = reminders.assignment_remind(assignment=assignment, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "A reminder is on its way to %(count)d learner who has not completed %(course)s.",
                "A reminder is on its way to %(count)d learners who have not completed %(course)s.",
                count,
            )
            % {"count": count, "course": assignment.course.title},
        )
    return _back_to(assignment)


@login_required
def assignment_unassign(request, assignment_id: int):
    """GET: ask for confirmation; POST: unassign."""
    assignment = _assignment_for_trainer(request.user, assignment_id)
    if assignment.unassigned_at is not None:
        raise Http404
    if request.method == "POST":
        services.assignment_unassign(assignment=assignment, actor=request.user)
        messages.success(
            request,
            _("%(course)s is no longer assigned. Progress made so far stays with the learners.")
            % {"course": assignment.course.title},
        )
        return _back_to(assignment)
    return render(
        request,
        "courses/trainer/unassign.html",
        {
            "assignment": assignment,
            "assignee_count": len(services.assignment_assignee_ids(assignment=assignment)),
        },
    )


@login_required
def assignment_due_date(request, assignment_id: int):
    """GET: the form; POST: move the due date."""
    assignment = _assignment_for_trainer(request.user, assignment_id)
    if assignment.unassigned_at is not None:
        raise Http404
    form = DueDateForm(request.POST or None, initial={"due_date": assignment.due_date})
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_update_due_date(
                assignment=assignment, due_date=form.cleaned_data["due_date"], actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The due date was changed."))
            return _back_to(assignment)
    return render(
        request,
        "courses/trainer/due_date.html",
        {"assignment": assignment, "form": form},
        status=400 if request.method == "POST" else 200,
    )

"""The partner dashboard: ``/dashboard/`` (choose an organisation) and
``/dashboard/<organisation>/`` (its figures, filtered by period, course, group and
sub-organisation).

Who sees what is decided by ``reporting.scope.viewer_for`` (None → 404); every figure comes
from ``reporting.statistics`` through ``reporting.views.tables``, which the exports use too.
The filters live in the URL (a GET form), so a view can be shared; with htmx only the figures
are swapped (``#figures``), without JavaScript the form reloads the page.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.vary import vary_on_headers

from organisations import permissions
from organisations.models import Organisation, Role
from organisations.views.sharing import SharingForm
from reporting import scope
from reporting.forms import DashboardFilterForm
from reporting.views import tables


def _partial(request) -> bool:
    """An htmx request for part of a page (a history restore needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _candidates(user) -> list[Organisation]:
    """The organisations whose dashboard the person may open from ``/dashboard/``: for
    coordinators and staff every top-level organisation in the national view (one query for
    the view); for others the highest organisations where they hold a role with a dashboard
    (a role held higher up covers what lies below it), as ``viewer_for`` confirms."""
    if permissions.is_staff(user) or permissions.is_coordinator(user):
        national = scope.national_viewer().organisation_ids
        roots = Organisation.objects.filter(parent__isnull=True).order_by("name")
        return [org for org in roots if org.pk in national]
    held = list(
        Organisation.objects.filter(memberships__user=user, memberships__role__in=scope_roles())
        .distinct()
        .order_by("name")
    )
    paths = [org.path for org in held]
    highest = [
        org
        for org in held
        if not any(org.path != path and org.path.startswith(path) for path in paths)
    ]
    return [org for org in highest if scope.viewer_for(user, org) is not None]


def scope_roles() -> tuple[str, ...]:
    return (*permissions.DASHBOARD_VIEWERS, Role.TRAINER)


def viewer_or_404(user, slug: str):
    """The organisation and what the person may see of it; 404 for everyone else."""
    organisation = get_object_or_404(Organisation.objects.select_related("parent"), slug=slug)
    viewer = scope.viewer_for(user, organisation)
    if viewer is None:
        raise Http404
    return organisation, viewer


def filter_form(request, organisation, viewer) -> DashboardFilterForm:
    return DashboardFilterForm(
        request.GET or None,
        viewer=viewer,
        organisation=organisation,
        today=timezone.localdate(),
    )


def current_query(form: DashboardFilterForm) -> dict:
    """The valid filters as URL parameters (for drill-down links and downloads)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    query = {}
    for name in form.fields:
        if name in form.errors:
            continue
        value = form.data.get(name, "")
        if value:
            query[name] = value
    return query


@login_required
def home(request):
    """One organisation: straight to its dashboard; several: a list to choose from."""
    organisations = _candidates(request.user)
    if not organisations:
        raise Http404
    if len(organisations) == 1:
        return redirect("reporting:dashboard", slug=organisations[0].slug)
    national = permissions.is_staff(request.user) or permissions.is_coordinator(request.user)
    return render(
        request,
        "reporting/choose.html",
        {"organisations": organisations, "national": national},
    )


@login_required
@vary_on_headers("HX-Request")
def dashboard(request, slug):
    organisation, viewer = viewer_or_404(request.user, slug)
    form = filter_form(request, organisation, viewer)
    query = current_query(form)
    path = reverse("reporting:dashboard", args=[organisation.slug])
    data = tables.build(
        viewer=viewer,
        period=form.chosen_period(),
        filters=form.chosen_filters(),
        drill_down_query=query,
        drill_down_path=path,
    )
    partial = _partial(request)
    context = {
        "organisation": organisation,
        "viewer": viewer,
        "form": form,
        "period": form.chosen_period(),
        "chosen": form.chosen_objects(),
        "dashboard": data,
        "tables": data.tables,
        "query": query,
        "query_string": urlencode(query),
        "aggregate_min_n": settings.AGGREGATE_MIN_N,
        "min_cell": tables.min_cell(),
        "htmx_partial": partial,
    }
    if _may_share(request.user, organisation):
        context["sharing_form"] = SharingForm(
            initial={"share": organisation.shares_figures_with_parent},
            parent_name=organisation.parent.name,
        )
        context["next"] = request.get_full_path()
    template = "reporting/dashboard.html"
    if partial:
        # drill-down links and "Clear filters" replace the form too; the form's own
        # changes replace the figures only (and the messages next to the fields)
        whole = request.htmx.target == "dashboard"
        context["oob_errors"] = not whole
        template += "#dashboard" if whole else "#figures"
    return render(request, template, context)


def _may_share(user, organisation: Organisation) -> bool:
    """Administrators of an organisation in its own right decide whether its parent sees its
    figures (the form lives on the organisation pages, the switch shows here too)."""
    return (
        organisation.is_legal_entity
        and organisation.parent_id is not None
        and permissions.can_manage_members(user, organisation)
    )

"""The overview of all organisations a person may view, and one organisation's page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from organisations import permissions, queries
from organisations.forms import MemberFilterForm, RoleForm
from organisations.views.access import organisation_context, organisation_or_404


@login_required
def overview(request):
    """Start page for analysts, admins and coordinators: numbers per organisation."""
    if not permissions.can_view_overview(request.user):
        raise Http404
    roots = queries.overview_roots(request.user)
    cards = queries.organisation_cards(request.user, roots)
    return render(request, "organisations/overview.html", {"cards": cards})


@login_required
def detail(request, slug):
    """The organisation's numbers and, for trainers and admins, its members."""
    organisation = organisation_or_404(request.user, slug, permissions.can_view_organisation)
    context = organisation_context(
        request.user,
        organisation,
        card=queries.organisation_cards(request.user, [organisation])[0],
    )
    if context["may"]["view_members"]:
        form = MemberFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        context.update(
            filter_form=form,
            page=queries.members_page(
                organisation,
                query=filters.get("q", ""),
                role=filters.get("role", ""),
                page=request.GET.get("page"),
            ),
            query_string=_query_without_page(request),
        )
        if context["may"]["manage_members"]:
            context["role_form"] = RoleForm(actor=request.user, organisation=organisation)
    template = "organisations/detail.html"
    if request.htmx and context["may"]["view_members"]:
        template += "#members"
    return render(request, template, context)


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()

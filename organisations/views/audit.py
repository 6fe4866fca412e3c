"""The audit log of an organisation and its sub-organisations (administrators, staff)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from organisations import permissions, queries
from organisations.views.access import organisation_context, organisation_or_404


@login_required
def audit_log(request, slug):
    organisation = organisation_or_404(request.user, slug, permissions.can_read_audit)
    context = organisation_context(
        request.user,
        organisation,
        page=queries.audit_page(organisation, page=request.GET.get("page")),
    )
    template = "organisations/audit.html"
    if request.htmx:
        template += "#events"
    return render(request, template, context)

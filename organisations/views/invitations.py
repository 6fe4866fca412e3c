"""Invitations of an organisation: list, invite one person, resend, revoke, upload a CSV."""

import csv
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.models import AuditEvent
from accounts.spreadsheets import csv_safe
from organisations import permissions, queries, services
from organisations.forms import InvitationBatchForm, InvitationFilterForm, InvitationForm
from organisations.models import Invitation, InvitationBatch
from organisations.services.bulk import COLUMN_ALIASES, OUTCOMES
from organisations.views.access import organisation_context, organisation_or_404, posted

FIELD_FOR_CODE = {
    "invalid_email": "email",
    "already_member": "email",
    "already_invited": "email",
    "role_not_allowed": "role",
    "invalid_role": "role",
    "invalid_group": "group",
    "invalid_language": "language",
    "max_length": "name",
}


def _inviting_organisation(request, slug):
    return organisation_or_404(request.user, slug, permissions.can_invite)


@login_required
def invitation_list(request, slug):
    organisation = _inviting_organisation(request, slug)
    form = InvitationFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    page = queries.invitations_page(organisation, status=status, page=request.GET.get("page"))
    grantable = permissions.grantable_roles(request.user, organisation)
    for invitation in page.object_list:
        invitation.may_change = invitation.role in grantable
    context = organisation_context(
        request.user,
        organisation,
        filter_form=form,
        status=status,
        page=page,
        query_string=urlencode({"status": status}) if status else "",
        counts=queries.invitation_counts(organisation),
        batches=queries.recent_batches(organisation),
    )
    template = "organisations/invitations.html"
    if request.htmx:
        template += "#invitation-list"
    return render(request, template, context)


@login_required
def invitation_new(request, slug):
    organisation = _inviting_organisation(request, slug)
    form = InvitationForm(
        posted(request),
        actor=request.user,
        organisation=organisation,
        initial={"group": request.GET.get("group"), "language": "nl"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invitation_create(
                organisation=organisation,
                email=data["email"],
                actor=request.user,
                role=data["role"],
                name=data["name"],
                group=data["group"],
                language=data["language"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(FIELD_FOR_CODE.get(exc.code, None), exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("organisations:invitations", slug=organisation.slug)
    context = organisation_context(
        request.user, organisation, form=form, valid_days=settings.INVITATION_VALID_DAYS
    )
    return render(request, "organisations/invitation_new.html", context)


def _invitation_action(request, slug, invitation_id, action, done_message):
    organisation = _inviting_organisation(request, slug)
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation=organisation)
    try:
        action(invitation=invitation, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, done_message % {"email": invitation.email})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = _list_url(organisation)
    return redirect(next_url)


def _list_url(organisation) -> str:
    from django.urls import reverse

    return reverse("organisations:invitations", kwargs={"slug": organisation.slug})


@login_required
@require_POST
def invitation_resend(request, slug, invitation_id):
    return _invitation_action(
        request,
        slug,
        invitation_id,
        services.invitation_resend,
        _("Invitation to %(email)s sent again."),
    )


@login_required
@require_POST
def invitation_revoke(request, slug, invitation_id):
    return _invitation_action(
        request,
        slug,
        invitation_id,
        services.invitation_revoke,
        _("Invitation to %(email)s revoked."),
    )


@login_required
def batch_upload(request, slug):
    organisation = _inviting_organisation(request, slug)
    form = InvitationBatchForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.invitation_batch_create(
                organisation=organisation,
                actor=request.user,
                filename=form.cleaned_data["file"].name,
                csv_text=form.cleaned_data["csv_text"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            return redirect("organisations:batch_detail", slug=organisation.slug, batch_id=batch.pk)
    context = organisation_context(
        request.user,
        organisation,
        form=form,
        grantable=permissions.grantable_roles(request.user, organisation),
        groups=queries.groups_of(organisation),
    )
    return render(request, "organisations/batch_upload.html", context)


@login_required
def batch_template(request, slug):
    """An empty CSV with the header row (with a BOM, so that Excel reads it as UTF-8)."""
    _inviting_organisation(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invitations.csv"'
    response.write("\ufeff")
    csv.writer(response).writerow(list(COLUMN_ALIASES))
    return response


def _batch_or_404(request, slug, batch_id):
    organisation = _inviting_organisation(request, slug)
    batch = get_object_or_404(
        InvitationBatch.objects.select_related("uploaded_by", "run_by").defer("csv_text"),
        pk=batch_id,
        organisation=organisation,
    )
    return organisation, batch


@login_required
def batch_detail(request, slug, batch_id):
    organisation, batch = _batch_or_404(request, slug, batch_id)
    outcome = request.GET.get("outcome", "")
    outcome = outcome if outcome in OUTCOMES else ""
    context = organisation_context(
        request.user,
        organisation,
        batch=batch,
        outcome=outcome,
        query_string=urlencode({"outcome": outcome}) if outcome else "",
        counts=queries.batch_outcome_counts(batch),
        results=queries.batch_results(batch, outcome=outcome, page=request.GET.get("page")),
    )
    template = "organisations/batch_detail.html"
    if request.htmx:
        template += "#batch-status"
    return render(request, template, context)


@login_required
def batch_results_csv(request, slug, batch_id):
    organisation, batch = _batch_or_404(request, slug, batch_id)
    audit_record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        organisation=organisation,
        summary=f"Results of invitation upload {batch.pk} (CSV)",
        data={"batch": batch.pk, "format": "csv"},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invitations-{batch.pk}-results.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["row", "email", "outcome", "reason"])
    for result in batch.results or []:
        writer.writerow(
            [
                result.get("row"),
                csv_safe(result.get("email")),
                result.get("outcome"),
                csv_safe(result.get("reason")),
            ]
        )
    return response


@login_required
@require_POST
def batch_restart(request, slug, batch_id):
    organisation, batch = _batch_or_404(request, slug, batch_id)
    try:
        services.invitation_batch_restart(batch=batch, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    return redirect("organisations:batch_detail", slug=organisation.slug, batch_id=batch.pk)

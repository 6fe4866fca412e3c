"""An organisation in its own right (a bank under the banks' association) decides whether its
parent sees its figures: a small form for its administrators, also shown on its dashboard."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from organisations import permissions
from organisations.services.sharing import figures_sharing_set
from organisations.views.access import organisation_context, organisation_or_404


class SharingForm(forms.Form):
    """One checkbox; its label names the parent organisation."""

    share = forms.BooleanField(required=False)

    def __init__(self, *args, parent_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share"].label = _("Share our figures with %(parent)s") % {
            "parent": parent_name
        }


@login_required
def sharing(request, slug):
    organisation = organisation_or_404(request.user, slug, permissions.can_manage_members)
    if not organisation.is_legal_entity or organisation.parent is None:
        raise Http404
    parent_name = organisation.parent.name
    if request.method == "POST":
        form = SharingForm(request.POST, parent_name=parent_name)
        if form.is_valid():
            share = form.cleaned_data["share"]
            figures_sharing_set(
                organisation=organisation, share=share, actor=request.user, request=request
            )
            if share:
                messages.success(
                    request,
                    _("%(parent)s now sees the figures of %(name)s, as totals only.")
                    % {"parent": parent_name, "name": organisation.name},
                )
            else:
                messages.success(
                    request,
                    _("%(parent)s no longer sees the figures of %(name)s.")
                    % {"parent": parent_name, "name": organisation.name},
                )
            return redirect(_next_url(request, organisation))
    else:
        form = SharingForm(
            initial={"share": organisation.shares_figures_with_parent}, parent_name=parent_name
        )
    return render(
        request,
        "organisations/sharing.html",
        organisation_context(request.user, organisation, sharing_form=form, tab="sharing"),
    )


def _next_url(request, organisation) -> str:
    """Back to the page the form was sent from (the dashboard shows it too), else here."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, {request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("organisations:sharing", args=[organisation.slug])

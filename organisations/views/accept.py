"""Accepting an invitation through the link in the e-mail.

Decision: the invited address must be one of the verified addresses of the account that accepts
(compared case-insensitively), and an address is verified only by opening the verification
mail sent to that address. Opening the invitation link proves nothing: links get forwarded.
Someone who is not logged in gets links to log in or to sign up with the address filled in;
after signing up they confirm the address through the mail allauth sends, are logged in and
come back here (the ``next`` parameter) to accept. A logged-in person whose account does not
own the invited address is told so and may add the address to their account (which again sends
a verification mail to it).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from organisations import services
from organisations.models import Invitation


def _invitation_or_404(token: str) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("organisation", "group", "invited_by"), token=token
    )


def invitation_accept(request, token):
    invitation = _invitation_or_404(token)
    if request.method == "POST":
        return _accept(request, invitation)
    return _render(request, invitation)


def _render(request, invitation, error: str = "", status: int = 200):
    problem = services.invitation_problem(invitation)
    context = {"invitation": invitation, "problem": problem, "error": error}
    if not request.user.is_authenticated:
        here = request.path
        context["login_url"] = f"{reverse('account_login')}?{urlencode({'next': here})}"
        context["signup_url"] = (
            f"{reverse('account_signup')}?{urlencode({'next': here, 'email': invitation.email})}"
        )
    else:
        context["email_matches"] = services.invitation_email_matches(invitation, request.user)
        context["email_url"] = reverse("account_email")
    return render(request, "organisations/invitation_accept.html", context, status=status)


@login_required
def _accept(request, invitation):
    try:
        membership = services.invitation_accept(
            invitation=invitation, user=request.user, request=request
        )
    except ValidationError as exc:
        invitation.refresh_from_db()
        return _render(request, invitation, error=" ".join(exc.messages), status=400)
    messages.success(
        request,
        _("Welcome! You are now a member of %(organisation)s as %(role)s.")
        % {"organisation": membership.organisation, "role": membership.get_role_display()},
    )
    return redirect("start")

"""The weekly digest's settings page (analysts) and the unsubscribe link of each e-mail."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations.permissions import roles_of
from reporting.digest import (
    digest_preference_set,
    receives_digest,
    user_for_unsubscribe_token,
)

RECEIVE, DO_NOT_RECEIVE = "yes", "no"


class DigestPreferenceForm(forms.Form):
    receive = forms.ChoiceField(
        label=gettext_lazy("Weekly digest"),
        choices=[
            (RECEIVE, gettext_lazy("Yes, send me the weekly digest")),
            (DO_NOT_RECEIVE, gettext_lazy("No, do not send me the weekly digest")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose whether you want the weekly digest.")},
    )


@login_required
def digest_settings(request):
    """Analysts switch the weekly digest on or off; it goes to nobody else."""
    if not roles_of(request.user).analyst:
        raise Http404
    initial = {"receive": RECEIVE if receives_digest(request.user) else DO_NOT_RECEIVE}
    form = DigestPreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        receive = form.cleaned_data["receive"] == RECEIVE
        digest_preference_set(user=request.user, receive=receive)
        if receive:
            messages.success(request, _("You will receive the weekly digest on Monday morning."))
        else:
            messages.success(request, _("You will no longer receive the weekly digest."))
        return redirect("digest:settings")
    return render(
        request,
        "reporting/digest_settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def digest_unsubscribe(request, token):
    """The link in the e-mail: no login needed (the signed token names the person). Opening it
    only asks; the button (POST) switches the digest off, so a mail scanner that follows links
    unsubscribes nobody."""
    user = user_for_unsubscribe_token(token)
    if user is None:
        raise Http404
    done = False
    if request.method == "POST":
        digest_preference_set(user=user, receive=False)
        done = True
    return render(request, "reporting/digest_unsubscribe.html", {"done": done, "token": token})

"""Renewal (recertification): the holder of a certificate that expires within 30 days, or has
expired, takes the current version of the course again ("Renew" on the course page).

The same enrolment starts over (``courses.services.enrolment_restart``); completing it issues a
new certificate, and the current one stays valid, and verifiable, until it expires.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.models import Certificate
from certificates.sections import RENEW_DAYS_BEFORE
from courses.access import get_enrolment_or_404
from courses.models import Enrolment
from courses.services import enrolment_restart


def renewable_certificate(enrolment: Enrolment, *, today: date) -> Certificate | None:
    """The certificate of the enrolment's current completion when it may be renewed: not
    revoked, and expiring within ``RENEW_DAYS_BEFORE`` days or expired. None otherwise."""
    if enrolment.completed_at is None:
        return None
    return (
        Certificate.objects.defer("pdf")
        .filter(
            enrolment=enrolment,
            completed_at=enrolment.completed_at,
            revoked_at__isnull=True,
            expires_on__isnull=False,
            expires_on__lte=today + timedelta(days=RENEW_DAYS_BEFORE),
        )
        .first()
    )


@login_required
@require_POST
def renew(request, slug: str):
    """Enrol again on the current version; anyone without such a certificate gets a 404."""
    enrolment = get_enrolment_or_404(request.user, slug)
    today = timezone.localdate()
    certificate = renewable_certificate(enrolment, today=today)
    if certificate is None:
        raise Http404
    if enrolment_restart(enrolment=enrolment):
        expires = date_format(certificate.expires_on, "j F Y")
        if certificate.expires_on >= today:
            text = _(
                "You are enrolled again on the current version. Your current certificate stays "
                "valid until %(date)s."
            )
        else:
            text = _(
                "You are enrolled again on the current version. Your previous certificate "
                "expired on %(date)s."
            )
        messages.success(request, text % {"date": expires})
    return redirect("courses:course", slug=enrolment.course.slug)

"""Expiry: a certificate of a course with a validity period expires ``validity`` months after
the completion. Thirty days before, the holder gets one e-mail (in their language) with a link
to renew: the course page, where "Renew" enrols them again on the current version."""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import Certificate

NOTICE_DAYS_BEFORE = 30


def _notice(certificate: Certificate) -> EmailMessage:
    user = certificate.enrolment.user
    course = certificate.enrolment.course
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "certificate": certificate,
            "course": course,
            "course_url": settings.SITE_URL.rstrip("/")
            + reverse("courses:course", args=[course.slug]),
        }
        subject = render_to_string("certificates/email/expiry_subject.txt", context)
        body = render_to_string("certificates/email/expiry_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email])


def expiry_notices_send(*, today: date) -> int:
    """Mail every holder whose certificate expires within 30 days and was not told yet. The
    mark is set before the mail goes out, by a conditional UPDATE: two runs at once, or a run
    repeated the same day, never send twice."""
    due = (
        Certificate.objects.defer("pdf")
        .filter(
            revoked_at__isnull=True,
            holder_erased=False,
            expiry_notice_sent_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=NOTICE_DAYS_BEFORE),
            enrolment__user__is_active=True,
        )
        .select_related("enrolment__user", "enrolment__course")
    )
    messages = []
    for certificate in due:
        claimed = Certificate.objects.filter(
            pk=certificate.pk, expiry_notice_sent_at__isnull=True
        ).update(expiry_notice_sent_at=timezone.now())
        if claimed:
            messages.append(_notice(certificate))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)

"""The holder's pages: "My certificates" and the PDF download (their own only)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from certificates import queries
from certificates.codes import normalise_code
from certificates.models import Certificate


@login_required
def my_certificates(request):
    today = timezone.localdate()
    return render(
        request,
        "certificates/mine.html",
        {
            "certificates": queries.holder_certificates(user=request.user, today=today),
            "pending": queries.completions_without_certificate(user=request.user),
        },
    )


@login_required
def certificate_pdf(request, code):
    """The PDF, to its holder only; anyone else (and a revoked certificate) gets a 404."""
    code = normalise_code(code)
    if code is None:
        raise Http404
    row = (
        Certificate.objects.filter(code=code, enrolment__user=request.user, revoked_at__isnull=True)
        .values_list("pdf", flat=True)
        .first()
    )
    if row is None:
        raise Http404
    response = HttpResponse(bytes(row), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response

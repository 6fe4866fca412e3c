"""Back-fill certificates of one course: every completion made under the trustworthy-assessment
rules (``settings.CERTIFICATE_RULES_SINCE``) that has none and is ready gets one. Earlier
completions are listed, never certified; completions waiting for an evaluation or a
registration number are counted."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certificates.services import Waiting, certificate_issue, certificate_readiness
from certificates.sweep import pending_enrolment_ids
from courses.models import Course, Enrolment


class Command(BaseCommand):
    help = "Issue the missing certificates of a course (completions under the current rules)."

    def add_arguments(self, parser):
        parser.add_argument("--course", required=True, help="The course slug.")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue the work for the Celery workers instead of issuing here.",
        )

    def handle(self, *args, course, queue, **options):
        course_obj = Course.objects.filter(slug=course).first()
        if course_obj is None:
            raise CommandError(f"No course with slug '{course}'.")
        completed = Enrolment.objects.filter(course=course_obj, completed_at__isnull=False)
        before = completed.filter(completed_at__date__lt=settings.CERTIFICATE_RULES_SINCE)
        for enrolment in before.select_related("user").order_by("completed_at"):
            self.stdout.write(
                f"not certified (completed {enrolment.completed_at:%Y-%m-%d}, before the rules "
                f"of {settings.CERTIFICATE_RULES_SINCE:%Y-%m-%d}): enrolment {enrolment.pk}"
            )
        if queue:
            from certificates.sweep import certificates_sweep

            queued = certificates_sweep(course_id=course_obj.pk)
            self.stdout.write(self.style.SUCCESS(f"{queued} completions queued."))
            return
        issued = waiting = 0
        for enrolment_id in pending_enrolment_ids(course_id=course_obj.pk):
            if certificate_issue(enrolment_id=enrolment_id) is not None:
                issued += 1
        for enrolment in completed.filter(
            completed_at__date__gte=settings.CERTIFICATE_RULES_SINCE, certificates__isnull=True
        ).select_related("user", "course"):
            if certificate_readiness(enrolment).waiting_for in (
                Waiting.EVALUATION,
                Waiting.REGISTRATION,
            ):
                waiting += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"{issued} certificates issued; {waiting} completions wait for an evaluation or "
                f"a registration number; {before.count()} earlier completions not certified."
            )
        )

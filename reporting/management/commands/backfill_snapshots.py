"""``manage.py backfill_snapshots --from 2025-01-01 [--to 2025-06-30]``: write the daily
snapshots of a range of days (default end: yesterday). Days that already have rows are
rewritten (``reporting.snapshots.snapshot_day`` is idempotent per day)."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.snapshots import snapshot_day


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = "Write the daily snapshots of a range of days (idempotent per day)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: yesterday)")

    def handle(self, *args, **options):
        yesterday = timezone.localdate() - timedelta(days=1)
        start = _date(options["start"])
        end = _date(options["end"]) if options["end"] else yesterday
        if end < start:
            raise CommandError("--to must not be before --from.")
        if end > yesterday:
            raise CommandError(f"--to must be yesterday ({yesterday.isoformat()}) or earlier.")
        day, rows, days = start, 0, 0
        while day <= end:
            written = snapshot_day(day=day)
            rows += written
            days += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"{day.isoformat()}: {written} rows")
            day += timedelta(days=1)
        self.stdout.write(f"Wrote {rows} snapshot rows for {days} days ({start} to {end}).")

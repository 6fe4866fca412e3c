"""``manage.py load_catalogue [--path DIR] [--dry-run]``: load content/ into the database.

Prints one line per course (created / updated to version N / unchanged / not loaded), then the
warnings and errors as ``file:line: message``. Exits with status 1 when there are errors;
courses without errors are loaded all the same. See ``courses.loader`` for the rules.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.loader import load_catalogue


class Command(BaseCommand):
    help = "Validate the course catalogue (content/) and load it into the database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=None,
            help="Catalogue folder (default: settings.CONTENT_DIR, i.e. content/).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and report what would change, without saving anything.",
        )

    def handle(self, *args, path=None, dry_run=False, **options):
        root = Path(path or settings.CONTENT_DIR)
        report = load_catalogue(root, dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing is saved.")
        for course in report.courses:
            style = self.style.ERROR if course.status == "invalid" else self.style.SUCCESS
            self.stdout.write(style(f"{course.slug}: {course.summary()}"))
        for note in report.notes:
            self.stdout.write(note)
        warnings = report.all_warnings()
        if warnings:
            self.stdout.write(self.style.WARNING(f"{len(warnings)} warning(s):"))
            for warning in warnings:
                self.stdout.write(self.style.WARNING(f"  {warning}"))
        errors = report.all_errors()
        if errors:
            lines = "\n".join(f"  {error}" for error in errors)
            raise CommandError(f"{len(errors)} error(s) in the catalogue:\n{lines}")
        if not report.courses:
            self.stdout.write(self.style.WARNING(f"No courses found in {root}."))

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from academy import demo


class Command(BaseCommand):
    help = "Load demo organisations, people, groups and learning records (idempotent)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        counts = demo.seed_people()
        try:
            from academy import demo_learning
        except ImportError:  # learning records arrive with the catalogue
            demo_learning = None
        if demo_learning is not None:
            counts.update(demo_learning.seed_learning())
        summary = ", ".join(f"{value} {key}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {summary}."))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password: {settings.DEMO_PASSWORD}):")
        for role, email in demo.FIXED_LOGINS.items():
            self.stdout.write(f"  {role:<12} {email}")
        self.stdout.write(
            "Analyst, admin and coordinator use two-factor authentication; "
            f"TOTP secret: {settings.DEMO_TOTP_SECRET} "
            "(add it to an authenticator app, or run: python manage.py demo_totp)."
        )

"""An index for the people reached per organisation (``reporting.counts.learner_counts``):
distinct accounts per organisation read from the index alone, in order, without sorting the
enrolments. Plain SQL (both databases accept it) so the model state of ``courses`` stays as
it is."""

from django.db import migrations

INDEX = "courses_enrolment_org_user_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0008_classroom_sessions"),
        ("reporting", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} "
            "ON courses_enrolment (organisation_id, user_id, created_at)",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]

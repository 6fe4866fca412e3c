from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("courses", "0006_reviews_certificates_reviewers"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="restarted_at",
            field=models.DateTimeField(
                blank=True,
                help_text=(
                    "When the learner renewed (enrolled again on the current version): only "
                    "quiz attempts from then on count."
                ),
                null=True,
            ),
        ),
    ]

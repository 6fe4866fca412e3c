import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def uploaders_run_their_batches(apps, schema_editor):
    """Batches from before this field were run with the uploader's rights."""
    InvitationBatch = apps.get_model("organisations", "InvitationBatch")
    InvitationBatch.objects.filter(run_by__isnull=True).update(run_by=F("uploaded_by"))


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_invitation_language_batch_progress"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="invitationbatch",
            name="run_by",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "Whose rights the rows are processed with: the uploader, or whoever "
                    "continued a stuck upload."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(uploaders_run_their_batches, migrations.RunPython.noop),
    ]

"""The platform roles outside organisations, as Django groups.

- "coordinator": the ministry's and the alliance's coordinators. The group carries no model
  permissions; ``organisations.permissions.is_coordinator`` reads the membership.
- "content author": writes and revises courses in the admin: add/change/view on the course
  content models (course, module, lesson). Learner records (enrolments, progress, assignments,
  reminders) are personal data and stay out of this role on purpose.

Permissions normally appear after ``migrate`` (post_migrate); they are created here first so the
group can be given them in the same run.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = ("course", "module", "lesson")
CONTENT_ACTIONS = ("add", "change", "view")


def create_platform_roles(apps, schema_editor):
    app_config = apps.get_app_config("courses")
    app_config.models_module = True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get_or_create(name="coordinator")
    author, _ = Group.objects.get_or_create(name="content author")
    codenames = [f"{action}_{model}" for model in CONTENT_MODELS for action in CONTENT_ACTIONS]
    permissions = Permission.objects.filter(
        content_type__app_label="courses", codename__in=codenames
    )
    author.permissions.add(*permissions)


def remove_platform_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=["coordinator", "content author"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_actions_signup_email_registration"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_platform_roles, remove_platform_roles)]

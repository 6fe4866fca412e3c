"""The accreditation bodies this catalogue deals with, and the platform role
"accreditation administrator" (manages accreditations, course reviewers and certificates in the
admin; reads attendance lists and course evaluations).

The BIG register is not here: it is the register BIG numbers come from, not a body that
accredits courses (ABAN records the hours of doctors in GAIA by BIG number).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

BODIES = [
    {
        "slug": "vvn",
        "name": "Kwaliteitsregister V&V (V&VN)",
        "short_name": "V&VN",
        "registry": "PE-online",
        "register": "vvn",
        "website": "https://www.venvn.nl/registers/kwaliteitsregister/scholing-accrediteren/",
    },
    {
        "slug": "aban",
        "name": "Accreditatie Bureau Algemene Nascholing (ABAN)",
        "short_name": "ABAN",
        "registry": "GAIA (KNMG)",
        "register": "big",
        "website": "",
    },
    {
        "slug": "skj",
        "name": "Stichting Kwaliteitsregister Jeugd (SKJ)",
        "short_name": "SKJ",
        "registry": "SKJ-register",
        "register": "skj",
        "website": "",
    },
    {
        "slug": "registerplein",
        "name": "Registerplein",
        "short_name": "Registerplein",
        "registry": "Registerplein",
        "register": "registerplein",
        "website": "",
    },
]

PERMISSIONS = {
    "certificates": [
        "add_accreditation",
        "change_accreditation",
        "view_accreditation",
        "view_accreditationbody",
        "change_certificate",
        "view_certificate",
        "view_courseevaluation",
    ],
    "courses": [
        "view_course",
        "add_coursereviewer",
        "change_coursereviewer",
        "delete_coursereviewer",
        "view_coursereviewer",
    ],
}


def forwards(apps, schema_editor):
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = None
    body_model = apps.get_model("certificates", "AccreditationBody")
    for body in BODIES:
        body_model.objects.update_or_create(slug=body["slug"], defaults=body)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name="accreditation administrator")
    for app_label, codenames in PERMISSIONS.items():
        group.permissions.add(
            *permission_model.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="accreditation administrator").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("courses", "0006_reviews_certificates_reviewers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

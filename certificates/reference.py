"""Reference data the certificates app needs in every database: the accreditation bodies of
this catalogue and the platform role "accreditation administrator" with its permissions.

Migration 0002 created them; ``ensure_reference_data`` (run after every ``migrate`` and
``flush`` through Django's ``post_migrate``) puts back what is missing, without overwriting
what an administrator changed.
"""

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
BODY_SLUGS = frozenset(body["slug"] for body in BODIES)

ACCREDITATION_ADMIN_PERMISSIONS = {
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


def ensure_reference_data(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    from certificates.models import AccreditationBody
    from organisations.permissions import ACCREDITATION_ADMIN_GROUP

    for body in BODIES:
        AccreditationBody.objects.get_or_create(slug=body["slug"], defaults=body)
    group, _ = Group.objects.get_or_create(name=ACCREDITATION_ADMIN_GROUP)
    wanted = Q(pk__in=[])
    for app_label, codenames in ACCREDITATION_ADMIN_PERMISSIONS.items():
        wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*Permission.objects.filter(wanted))

"""Demo organisations, people and groups for ``manage.py seed_demo`` (never in production).

Everything is created idempotently by slug or e-mail address, so running it again changes
nothing. Learning records (enrolments, progress, attitude answers) are added by
``academy.demo_learning`` once the catalogue is loaded.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as PlatformRole
from django.db import transaction

from accounts.models import User
from organisations.models import Group, GroupMember, Membership, Organisation
from organisations.services import organisation_create

FIXED_LOGINS = {
    "learner": "learner@example.org",
    "trainer": "trainer@example.org",
    "analyst": "analyst@example.org",
    "admin": "admin@example.org",
    "coordinator": "coordinator@example.org",
}


@dataclass
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    themes: list[int]
    parent: str | None = None
    groups: list[str] = field(default_factory=list)
    learners: int = 0
    profession: str = ""
    staff: bool = True  # gets a trainer, an analyst and an admin


ORGANISATIONS = [
    DemoOrganisation(
        "politieacademie",
        "Politieacademie",
        "police",
        [3],
        groups=["Basisopleiding 2026-A", "Basisopleiding 2026-B"],
        learners=18,
        profession="police",
    ),
    DemoOrganisation("nationale-politie", "Nationale Politie", "police", [3]),
    DemoOrganisation(
        "politie-amsterdam",
        "Politie Eenheid Amsterdam",
        "police",
        [3],
        parent="nationale-politie",
        groups=["Wijkteam Centrum"],
        learners=8,
        profession="police",
    ),
    DemoOrganisation(
        "politie-midden-nederland",
        "Politie Eenheid Midden-Nederland",
        "police",
        [3],
        parent="nationale-politie",
        groups=["Team Zeden"],
        learners=7,
        profession="police",
    ),
    DemoOrganisation(
        "gemeente-utrecht",
        "Gemeente Utrecht",
        "municipality",
        [4, 5],
        groups=["Boa-team Binnenstad", "Beleidsmedewerkers"],
        learners=12,
        profession="boa",
    ),
    DemoOrganisation("nvb", "Nederlandse Vereniging van Banken", "bank", [1]),
    DemoOrganisation(
        "bank-noord",
        "Spaarbank Noord",
        "bank",
        [1],
        parent="nvb",
        groups=["Klantacceptatie"],
        learners=5,
        profession="bank",
    ),
    DemoOrganisation(
        "bank-midden",
        "Handelsbank Midden",
        "bank",
        [1],
        parent="nvb",
        groups=["Compliance"],
        learners=5,
        profession="bank",
    ),
    DemoOrganisation(
        "bank-zuid",
        "Coöperatieve Bank Zuid",
        "bank",
        [1],
        parent="nvb",
        groups=["Zakelijke markt"],
        learners=5,
        profession="bank",
    ),
    DemoOrganisation(
        "zorggroep-samen",
        "Zorggroep Samen",
        "healthcare",
        [2],
        groups=["Huisartsenpraktijken", "Wijkverpleging"],
        learners=9,
        profession="healthcare",
    ),
    DemoOrganisation(
        "verpleegkundigen-vereniging",
        "Vereniging van Verpleegkundigen",
        "healthcare",
        [2],
        groups=["Nascholing 2026"],
        learners=5,
        profession="healthcare",
    ),
    DemoOrganisation(
        "swad",
        "Sekswerk Alliantie Destigmatisering (SWAD)",
        "alliance",
        [1, 2, 3, 4, 5],
        groups=["Trainers met ervaringskennis"],
        learners=3,
        profession="sex_work",
    ),
    DemoOrganisation(
        "ministerie-jenv",
        "Ministerie van Justitie en Veiligheid",
        "government",
        [1, 2, 3, 4, 5],
        groups=["Communicatie"],
        learners=3,
        profession="civil_servant",
    ),
]

FIRST_NAMES = [
    "Sanne",
    "Daan",
    "Fatima",
    "Jeroen",
    "Noor",
    "Mohamed",
    "Eva",
    "Thijs",
    "Priya",
    "Bram",
    "Yara",
    "Kevin",
    "Lieke",
    "Omar",
    "Fleur",
    "Ruben",
    "Aylin",
    "Joris",
    "Mila",
    "Stefan",
    "Iris",
    "Hamza",
    "Anouk",
    "Luuk",
    "Esra",
    "Wouter",
    "Sophie",
    "Tarik",
    "Maud",
    "Niels",
]
LAST_NAMES = [
    "de Vries",
    "Jansen",
    "El Amrani",
    "Bakker",
    "Visser",
    "Smit",
    "Yilmaz",
    "de Boer",
    "Mulder",
    "Bos",
    "Peters",
    "Hendriks",
    "van Dijk",
    "Kaya",
    "Meijer",
    "de Graaf",
]


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    """Hash the demo password once: hashing it per person would take half a minute."""
    return make_password(settings.DEMO_PASSWORD)


def _user(email: str, name: str, profession: str = "", language: str = "nl") -> User:
    user, _ = User.objects.get_or_create(
        email=email,
        defaults={
            "name": name,
            "profession": profession,
            "preferred_language": language,
            "password": _demo_password_hash(),
        },
    )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _member(user: User, organisation: Organisation, role: str) -> None:
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})


def _give_totp(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, settings.DEMO_TOTP_SECRET)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)


@transaction.atomic
def seed_people() -> dict[str, int]:
    """Create the demo organisations, groups and people; return counts for the summary."""
    if getattr(settings, "PRODUCTION", False):
        raise RuntimeError("Demo data is never loaded in production.")

    by_slug: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        organisation = Organisation.objects.filter(slug=spec.slug).first()
        if organisation is None:
            organisation = organisation_create(
                name=spec.name,
                slug=spec.slug,
                kind=spec.kind,
                parent=by_slug.get(spec.parent) if spec.parent else None,
                themes=spec.themes,
            )
        by_slug[spec.slug] = organisation

    staff_users: list[User] = []
    name_index = 0
    for spec in ORGANISATIONS:
        organisation = by_slug[spec.slug]
        for role in ("trainer", "analyst", "admin"):
            user = _user(
                f"{role}.{spec.slug}@example.org",
                f"{role.capitalize()} {spec.name}",
                spec.profession,
            )
            _member(user, organisation, role)
            if role != "trainer":
                staff_users.append(user)
        groups = [
            Group.objects.get_or_create(organisation=organisation, name=name)[0]
            for name in spec.groups
        ]
        for index in range(spec.learners):
            first = FIRST_NAMES[name_index % len(FIRST_NAMES)]
            last = LAST_NAMES[(name_index * 7) % len(LAST_NAMES)]
            name_index += 1
            user = _user(
                f"learner{index + 1}.{spec.slug}@example.org",
                f"{first} {last}",
                spec.profession,
                language="en" if index % 5 == 4 else "nl",
            )
            _member(user, organisation, "learner")
            if groups:
                GroupMember.objects.get_or_create(group=groups[index % len(groups)], user=user)

    # The fixed demo logins of the README.
    academy = by_slug["politieacademie"]
    learner = _user(FIXED_LOGINS["learner"], "Lotte de Leerling", "police")
    _member(learner, academy, "learner")
    first_group = Group.objects.get(organisation=academy, name="Basisopleiding 2026-A")
    GroupMember.objects.get_or_create(group=first_group, user=learner)
    trainer = _user(FIXED_LOGINS["trainer"], "Tom Trainer", "police")
    _member(trainer, academy, "trainer")  # trainers follow every group of their organisation
    analyst = _user(FIXED_LOGINS["analyst"], "Aisha Analist", "police")
    _member(analyst, by_slug["nationale-politie"], "analyst")
    _member(analyst, academy, "analyst")
    admin = _user(FIXED_LOGINS["admin"], "Arjen Beheerder", "police")
    _member(admin, academy, "admin")
    coordinator = _user(FIXED_LOGINS["coordinator"], "Carla Coördinator", "civil_servant")
    _member(coordinator, by_slug["ministerie-jenv"], "analyst")
    role, _ = PlatformRole.objects.get_or_create(name="coordinator")
    coordinator.groups.add(role)
    staff_users += [analyst, admin, coordinator]
    for user in staff_users:
        _give_totp(user)

    return {
        "organisations": Organisation.objects.count(),
        "people": User.objects.count(),
        "learners": Membership.objects.filter(role="learner").count(),
        "groups": Group.objects.count(),
    }

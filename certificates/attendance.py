"""The attendance list of an accreditation: what the registries (PE-online, GAIA, SKJ,
Registerplein) ask for each participant, per accreditation and period.

Two files, both streamed and audited by the view:

- the attendance list itself (``?format=csv``): one row per certificate that carries the
  accreditation (not revoked), completed in the period: registration number, initials,
  tussenvoegsel, surname, date of birth (a column only when the register asks for it),
  completion date, points and accreditation number. The rows come from the certificate's
  snapshot (name, number, points as issued); the date of birth from the live profile.
  Certificates of deleted accounts keep their row with empty name fields and no number (the
  erasure cleared them): the registry still sees that an attendance happened.
- the completions to chase (``?format=csv&part=missing``): completions in the period that the
  accreditation covers and whose learner chose it in the course evaluation, but that have no
  certificate because the registration number (or the date of birth the register asks for) is
  missing. Name, e-mail address, completion date and what is missing.

Every cell goes through ``accounts.spreadsheets.csv_safe`` (no formulas). The files start with
a UTF-8 byte order mark so that Excel reads accents correctly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import REGISTER_NUMBER_FIELDS
from accounts.spreadsheets import csv_safe
from certificates import accreditation as accreditation_rules
from certificates.evaluation import period_q, points_plain
from certificates.models import Accreditation, Certificate
from courses.models import Enrolment

PREVIEW_ROWS = 50
LINES_PER_CHUNK = 200

# Words that start a Dutch (or Flemish, French, German) surname without being the surname
# itself; in the Netherlands written in lower case after the initials ("A.M. van der Berg").
PARTICLES = frozenset(
    """
    van de der den het 't ’t te ter ten in op aan bij onder over uit voor tot
    la le les l' d' du da das dos des del della di do von vom zu zum zur am auf 's ’s
    """.split()
)


# --- names ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameParts:
    initials: str
    tussenvoegsel: str
    surname: str


def _initials(given_names: Iterable[str]) -> str:
    """ "Anna Maria" → "A.M.", "Jan-Willem" → "J.W.", "IJsbrand" → "IJ.", "A.M." stays."""
    letters = []
    for name in given_names:
        for part in name.replace(".", " ").replace("-", " ").split():
            if part[:2].upper() == "IJ":
                letters.append("IJ")
            elif part[0].isalpha():
                letters.append(part[0].upper())
    return "".join(f"{letter}." for letter in letters)


def _is_particle(word: str) -> bool:
    return word.lower() in PARTICLES


def _hyphen_particle(word: str) -> bool:
    """ "Berg-de", "Jansen-van": a double surname that continues with a particle."""
    return "-" in word and (word.endswith("-") or _is_particle(word.rsplit("-", 1)[1]))


def split_dutch_name(full_name: str) -> NameParts:
    """Split a full name as Dutch registries want it: initials of all given names, the
    tussenvoegsel and the surname.

    - "Anna Maria de Vries" → A.M. / de / Vries; "Jan van der Berg" → J. / van der / Berg;
      "Kees in 't Veld" → K. / in 't / Veld.
    - A double surname stays together: "Lisa Berg-de Vries" → L. / – / Berg-de Vries, and
      "Jan van den Berg-de Vries" → J. / van den / Berg-de Vries.
    - A capitalised particle after the given names is part of a Flemish surname:
      "Pieter De Smet" → P. / – / De Smet.
    - One word is a surname only; a name without particles has its last word as surname.
    """
    words = full_name.split()
    if not words:
        return NameParts("", "", "")
    if len(words) == 1:
        return NameParts("", "", words[0])
    start = None  # where the tussenvoegsel or the surname begins
    for index, word in enumerate(words):
        lower_particle = _is_particle(word) and word == word.lower()
        if index == 0 and not lower_particle:
            continue
        if lower_particle or _is_particle(word) or _hyphen_particle(word):
            start = index
            break
    if start is None:
        return NameParts(_initials(words[:-1]), "", words[-1])
    given = words[:start]
    rest = words[start:]
    if rest[0] != rest[0].lower() or _hyphen_particle(rest[0]):
        return NameParts(_initials(given), "", " ".join(rest))  # Flemish or double surname
    particles = []
    while len(rest) > 1 and _is_particle(rest[0]) and rest[0] == rest[0].lower():
        particles.append(rest.pop(0))
    return NameParts(_initials(given), " ".join(particles), " ".join(rest))


# --- queries ----------------------------------------------------------------------------------


def attendance_accreditations() -> QuerySet[Accreditation]:
    """Accreditations that are or were granted: granted, expired, or withdrawn after a number
    was given."""
    status = Accreditation.Status
    granted_once = Q(status__in=[status.GRANTED, status.EXPIRED]) | (
        Q(status=status.WITHDRAWN) & ~Q(number="")
    )
    return (
        Accreditation.objects.filter(granted_once)
        .select_related("body", "course")
        .order_by("body__short_name", "course__title_nl", "number")
    )


def attendance_certificates(
    *, accreditation: Accreditation, date_from: date, date_to: date
) -> QuerySet[Certificate]:
    """The certificates of the list, oldest completion first (the PDFs are not read)."""
    return (
        Certificate.objects.filter(
            period_q("completed_at", date_from, date_to),
            accreditation=accreditation,
            revoked_at__isnull=True,
        )
        .only(
            "pk",
            "holder_name",
            "holder_erased",
            "registration_number",
            "completed_at",
            "points",
            "accreditation_number",
            "enrolment",
            "enrolment__user",
            "enrolment__user__date_of_birth",
        )
        .select_related("enrolment__user")
        .order_by("completed_at", "pk")
    )


def missing_registrations(
    *, accreditation: Accreditation, date_from: date, date_to: date
) -> QuerySet[Enrolment]:
    """Completions the accreditation covers, whose learner chose it in the evaluation, without
    a certificate because the register's number (or the date of birth it asks for) is missing.
    The conditions of ``accreditation.covers`` in SQL (checked again in :func:`missing_rows`)."""
    granted = (
        accreditation.status == Accreditation.Status.GRANTED
        and accreditation.number
        and accreditation.valid_from is not None
        and accreditation.valid_until is not None
    )
    if not granted:  # points count only while granted (``accreditation.covers``)
        return Enrolment.objects.none()
    start = max(date_from, accreditation.valid_from, settings.CERTIFICATE_RULES_SINCE)
    end = min(date_to, accreditation.valid_until)
    if end < start:
        return Enrolment.objects.none()
    number_field = f"user__{REGISTER_NUMBER_FIELDS[accreditation.body.register]}"
    missing = Q(**{number_field: ""})
    if accreditation.requires_date_of_birth:
        missing |= Q(user__date_of_birth__isnull=True)
    versions = Q(version__gte=accreditation.first_version)
    if accreditation.last_version is not None:
        versions &= Q(version__lte=accreditation.last_version)
    has_certificate = Certificate.objects.filter(
        enrolment=OuterRef("pk"), completed_at=OuterRef("completed_at")
    )
    return (
        Enrolment.objects.filter(
            period_q("completed_at", start, end),
            missing,
            course_id=accreditation.course_id,
            evaluation__accreditation=accreditation,
            user__anonymised_at__isnull=True,
        )
        .annotate(version=Coalesce("version_completed", F("course__version")))
        .filter(versions)
        .exclude(Exists(has_certificate))
        .select_related("user")
        .only(
            "pk",
            "completed_at",
            "version_completed",
            "user",
            "user__name",
            "user__email",
            "user__date_of_birth",
            f"user__{REGISTER_NUMBER_FIELDS[accreditation.body.register]}",
        )
        .order_by("completed_at", "pk")
    )


# --- rows -------------------------------------------------------------------------------------


def _day(value) -> str:
    return timezone.localdate(value).isoformat() if value else ""


def attendance_header(accreditation: Accreditation) -> list[str]:
    header = [_("Registration number"), _("Initials"), _("Tussenvoegsel"), _("Surname")]
    if accreditation.requires_date_of_birth:
        header.append(_("Date of birth"))
    points = _("Hours") if accreditation.unit == Accreditation.Unit.HOURS else _("Points")
    return header + [_("Completion date"), points, _("Accreditation number")]


def attendance_rows(
    certificates: Iterable[Certificate], accreditation: Accreditation
) -> Iterator[list[str]]:
    """One row per certificate, in the order of :func:`attendance_header` (texts raw; the CSV
    writer neutralises them)."""
    with_birth = accreditation.requires_date_of_birth
    for certificate in certificates:
        if certificate.holder_erased:
            parts, number, born = NameParts("", "", ""), "", ""
        else:
            parts = split_dutch_name(certificate.holder_name)
            number = certificate.registration_number
            born = certificate.enrolment.user.date_of_birth
        row = [number, parts.initials, parts.tussenvoegsel, parts.surname]
        if with_birth:
            row.append(born.isoformat() if born else "")
        row += [
            _day(certificate.completed_at),
            points_plain(certificate.points),
            certificate.accreditation_number,
        ]
        yield row


def missing_header() -> list[str]:
    return [_("Name"), _("E-mail address"), _("Completion date"), _("Missing")]


def missing_rows(
    enrolments: Iterable[Enrolment], accreditation: Accreditation
) -> Iterator[list[str]]:
    register = accreditation.body.register
    for enrolment in enrolments:
        completed_on = timezone.localdate(enrolment.completed_at)
        if not accreditation_rules.covers(
            accreditation, completed_on=completed_on, version=enrolment.version
        ):
            continue
        user = enrolment.user
        missing = []
        if not user.registration_number(register):
            missing.append(_("registration number"))
        if accreditation.requires_date_of_birth and user.date_of_birth is None:
            missing.append(_("date of birth"))
        yield [user.name, user.email, completed_on.isoformat(), ", ".join(missing)]


# --- the file ---------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose ``write`` hands the line back (for streaming csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[str]], *, language: str) -> Iterator[str]:
    """The byte order mark and header, then the rows in chunks; every cell neutralised. The
    rows are made while the response streams, in ``language`` (the request's)."""
    writer = csv.writer(_Echo())
    with translation.override(language):
        yield "\ufeff" + writer.writerow([csv_safe(cell) for cell in header])
        batch: list[str] = []
        for row in rows:
            batch.append(writer.writerow([csv_safe(cell) for cell in row]))
            if len(batch) == LINES_PER_CHUNK:
                yield "".join(batch)
                batch = []
        if batch:
            yield "".join(batch)

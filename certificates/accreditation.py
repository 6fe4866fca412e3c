"""Which accreditation counts for what: the one place that decides.

- On the catalogue and the course page a course shows an accreditation only when it is
  ``granted`` and today lies in its period (:func:`shown_accreditations`); one that is applied
  for shows as "accreditation applied for (V&VN)" without points. Expired and withdrawn ones
  show nothing.
- Points count for a completion only when a granted accreditation's period holds the completion
  date and its version range holds the completed course version (:func:`covers`). A grant made
  later never adds points to earlier completions: the period starts at ``valid_from``.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from certificates.models import Accreditation

Status = Accreditation.Status


def covers(accreditation: Accreditation, *, completed_on: date, version: int) -> bool:
    """Whether ``accreditation`` gives points for a completion on ``completed_on`` of course
    version ``version``."""
    if accreditation.status != Status.GRANTED or not accreditation.number:
        return False
    if accreditation.valid_from is None or accreditation.valid_until is None:
        return False
    if not accreditation.valid_from <= completed_on <= accreditation.valid_until:
        return False
    if version < accreditation.first_version:
        return False
    return accreditation.last_version is None or version <= accreditation.last_version


def covering(
    accreditations: Iterable[Accreditation], *, completed_on: date, version: int
) -> list[Accreditation]:
    return [a for a in accreditations if covers(a, completed_on=completed_on, version=version)]


def course_accreditations(course_id: int) -> list[Accreditation]:
    return list(
        Accreditation.objects.filter(course_id=course_id)
        .select_related("body")
        .order_by("body__short_name", "pk")
    )


@dataclass(frozen=True)
class ShownAccreditation:
    """What a page may say about one accreditation of a course."""

    status: str  # "granted" or "applied"
    body: str  # short name of the body
    body_name: str
    number: str = ""
    points: object = None  # Decimal, only when granted
    unit: str = ""
    unit_label: str = ""
    valid_until: date | None = None


def _shown(accreditation: Accreditation, today: date) -> ShownAccreditation | None:
    body = accreditation.body
    if accreditation.status == Status.APPLIED:
        return ShownAccreditation(status="applied", body=body.short_name, body_name=body.name)
    if (
        accreditation.status == Status.GRANTED
        and accreditation.number
        and accreditation.valid_from is not None
        and accreditation.valid_until is not None
        and accreditation.valid_from <= today <= accreditation.valid_until
    ):
        return ShownAccreditation(
            status="granted",
            body=body.short_name,
            body_name=body.name,
            number=accreditation.number,
            points=accreditation.points,
            unit=accreditation.unit,
            unit_label=accreditation.get_unit_display(),
            valid_until=accreditation.valid_until,
        )
    return None


def shown_accreditations(
    course_ids: Iterable[int], today: date | None = None
) -> dict[int, list[ShownAccreditation]]:
    """Per course id: the accreditations a page may mention (granted and current, or applied
    for), granted ones first. One query for any number of courses."""
    today = today or timezone.localdate()
    shown: dict[int, list[ShownAccreditation]] = defaultdict(list)
    rows = (
        Accreditation.objects.filter(
            course_id__in=list(course_ids), status__in=[Status.APPLIED, Status.GRANTED]
        )
        .select_related("body")
        .order_by("course_id", "body__short_name", "pk")
    )
    for accreditation in rows:
        item = _shown(accreditation, today)
        if item is not None:
            shown[accreditation.course_id].append(item)
    for items in shown.values():
        items.sort(key=lambda item: item.status != "granted")
    return dict(shown)


def needs_evaluation(
    accreditations: Iterable[Accreditation], *, completed_on: date, version: int
) -> bool:
    """A completion that some granted accreditation covers waits for the course evaluation
    (what registries require) before its certificate is issued."""
    return bool(covering(accreditations, completed_on=completed_on, version=version))

"""The ``accreditations:`` block of course.yaml: the bodies a course was submitted to.

Content only ever declares an application::

    accreditations:
      - body: vvn

The loader creates an ``applied`` accreditation for each listed body that the course has no
accreditation of yet. It never grants, never writes a number or points and never touches an
accreditation an administrator already changed: granting is done in the admin, audited. An
application that disappears from the file while still ``applied`` is marked withdrawn.
"""

from pathlib import Path

from certificates.models import Accreditation, AccreditationBody
from certificates.reference import BODY_SLUGS, ensure_reference_data
from courses.loader import LoaderError, read_yaml, relative_name

KEY = "accreditations"


def _declared(course_data) -> list:
    value = course_data.get(KEY)
    return value if isinstance(value, list) else []


def validate_accreditations(course_dir: Path, course_data, root: Path) -> list[LoaderError]:
    if KEY not in course_data:
        return []
    name = relative_name(course_dir / "course.yaml", root)
    line = course_data.line_of(KEY) if hasattr(course_data, "line_of") else None
    value = course_data.get(KEY)
    if not isinstance(value, list) or not value:
        return [LoaderError(name, line, f"'{KEY}' must be a non-empty list of {{body: slug}}")]
    known = BODY_SLUGS
    problems = []
    seen = set()
    for index, item in enumerate(value):
        where = value.line_of(index) if hasattr(value, "line_of") else line
        if not isinstance(item, dict) or set(item) != {"body"}:
            problems.append(
                LoaderError(
                    name,
                    where,
                    "an accreditation entry has only 'body' (a granted number, points and "
                    "period are entered in the admin, never in content)",
                )
            )
            continue
        slug = str(item["body"])
        if slug not in known:
            problems.append(
                LoaderError(
                    name,
                    where,
                    f"unknown accreditation body '{slug}' (use {', '.join(sorted(known))})",
                )
            )
        elif slug in seen:
            problems.append(LoaderError(name, where, f"accreditation body '{slug}' listed twice"))
        seen.add(slug)
    if course_data.get("minimum_study") is not True:
        problems.append(
            LoaderError(
                name,
                line,
                "a course submitted for accreditation needs 'minimum_study: true' "
                "(measured study time counts for the points)",
            )
        )
    return problems


def load_accreditations(course, course_dir: Path, report, dry_run: bool) -> None:
    """Unchanged declarations write nothing (one read)."""
    data = read_yaml(course_dir / "course.yaml", root=course_dir.parent)
    slugs = [str(item["body"]) for item in _declared(data)]
    existing = list(
        Accreditation.objects.filter(course=course).values_list("pk", "body__slug", "status")
    )
    declared_before = {slug for _, slug, _ in existing}
    missing = [slug for slug in slugs if slug not in declared_before]
    if missing:
        ensure_reference_data()
        bodies = AccreditationBody.objects.filter(slug__in=missing)
        Accreditation.objects.bulk_create(
            Accreditation(course=course, body=body, status=Accreditation.Status.APPLIED)
            for body in bodies
        )
    dropped = [
        pk
        for pk, slug, status in existing
        if status == Accreditation.Status.APPLIED and slug not in slugs
    ]
    if dropped:
        Accreditation.objects.filter(pk__in=dropped).update(status=Accreditation.Status.WITHDRAWN)

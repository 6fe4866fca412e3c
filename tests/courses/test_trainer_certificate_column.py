"""Trainers see per learner whether a certificate was issued (``Enrolment.certificate_issued_at``)
in the group matrix, on the learner's page and in the CSV export, as text."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from courses.models import Enrolment
from courses.services import enrolment_certificate_issued
from tests.courses.factories import make_course
from tests.courses.trainer_helpers import add_learners, assign, complete_lessons, make_group

ISSUED = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)


@pytest.fixture
def group(organisation):
    return make_group(organisation, name="Certificaatgroep")


@pytest.fixture
def people(trainer, organisation, group, course):
    """certified: completed, certificate issued; waiting: completed, no certificate;
    busy: halfway."""
    certified, waiting, busy = add_learners(organisation, 3, group=group)
    for person, name in zip((certified, waiting, busy), ("Anna", "Bram", "Cas"), strict=True):
        person.name = name
        person.save(update_fields=["name"])
    assign(trainer, course, group=group)
    enrolment = complete_lessons(certified, course)
    enrolment_certificate_issued(enrolment_id=enrolment.pk, issued_at=ISSUED)
    complete_lessons(waiting, course)
    complete_lessons(busy, course, count=2)
    return certified, waiting, busy


def local_date(response, moment) -> str:
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return date_format(timezone.localtime(moment), "j F Y")


def test_the_matrix_says_per_learner_whether_a_certificate_was_issued(
    client, trainer, group, course, people
):
    client.force_login(trainer)

    response = client.get(reverse("trainer:group", args=[group.pk]))

    assert response.status_code == 200
    cells = {row.learner.name: row.cells[0] for row in response.context["rows"]}
    issued_on = local_date(response, ISSUED)
    assert cells["Anna"].certificate == f"Certificate: {issued_on}"
    assert cells["Bram"].certificate == "Certificate: not issued"
    assert cells["Cas"].certificate == ""  # not completed: nothing to say yet
    html = response.content.decode()
    assert f"Certificate: {issued_on}" in html
    assert html.count("Certificate: not issued") == 1


def test_a_revoked_certificate_shows_as_not_issued(client, trainer, group, course, people):
    certified = people[0]
    enrolment = Enrolment.objects.get(user=certified, course=course)
    enrolment_certificate_issued(enrolment_id=enrolment.pk, issued_at=None)  # as revoking does
    client.force_login(trainer)

    html = client.get(reverse("trainer:group", args=[group.pk])).content.decode()

    assert html.count("Certificate: not issued") == 2


def test_the_assignment_matrix_shows_it_too(client, trainer, organisation, course):
    chosen = add_learners(organisation, 1)
    assignment = assign(trainer, course, learners=chosen, organisation=organisation)
    enrolment = complete_lessons(chosen[0], course)
    enrolment_certificate_issued(enrolment_id=enrolment.pk, issued_at=ISSUED)
    client.force_login(trainer)

    response = client.get(reverse("trainer:assignment", args=[assignment.pk]))

    assert f"Certificate: {local_date(response, ISSUED)}" in response.content.decode()


def test_the_learners_page_shows_the_certificate(client, trainer, group, course, people):
    certified, waiting, _busy = people
    client.force_login(trainer)

    response = client.get(reverse("trainer:group_learner", args=[group.pk, certified.pk]))
    html = response.content.decode()
    assert "<dt>Certificate</dt>" in html
    assert f"issued on {local_date(response, ISSUED)}" in html

    html = client.get(
        reverse("trainer:group_learner", args=[group.pk, waiting.pk])
    ).content.decode()
    assert "<dt>Certificate</dt><dd>not issued</dd>" in html


def test_an_outsider_does_not_see_the_matrix(client, outsider, group, people):
    client.force_login(outsider)
    assert client.get(reverse("trainer:group", args=[group.pk])).status_code == 404


def test_the_query_count_does_not_grow_with_certified_learners(
    client, trainer, organisation, course, django_assert_max_num_queries, settings
):
    settings.USERSESSIONS_TRACK_ACTIVITY = False

    def group_with(size: int):
        group = make_group(organisation)
        add_learners(organisation, size, group=group)
        assign(trainer, course, group=group)
        Enrolment.objects.filter(user__in=group.members.all(), course=course).update(
            completed_at=timezone.now(), progress_percent=100, certificate_issued_at=ISSUED
        )
        return group

    small, large = group_with(2), group_with(12)
    client.force_login(trainer)
    client.get(reverse("trainer:group", args=[small.pk]))  # warm caches

    with django_assert_max_num_queries(14) as small_queries:
        client.get(reverse("trainer:group", args=[small.pk]))
    with django_assert_max_num_queries(len(small_queries)) as large_queries:
        response = client.get(reverse("trainer:group", args=[large.pk]))
    assert response.content.decode().count("Certificate: ") == 12
    assert len(large_queries) == len(small_queries)


# --- the CSV export ---------------------------------------------------------------------------


def download(client, group, **params) -> list[list[str]]:
    response = client.get(reverse("trainer:group_export", args=[group.pk]), params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_a_certificate_column_per_course(client, trainer, group, course, people):
    certified, waiting, busy = people
    client.force_login(trainer)

    header, *lines = download(client, group)

    assert header[3:] == [
        f"{course.title_nl}: status",
        f"{course.title_nl}: progress (%)",
        f"{course.title_nl}: completed on",
        f"{course.title_nl}: certificate issued on",
    ]
    by_email = {line[1]: line for line in lines}
    issued = timezone.localtime(ISSUED).strftime("%Y-%m-%d %H:%M")
    assert by_email[certified.email][6] == issued
    assert by_email[waiting.email][3] == "Completed" and by_email[waiting.email][6] == ""
    assert by_email[busy.email][6] == ""


@pytest.mark.services
def test_postgresql_and_python_write_the_same_certificate_columns(
    client, trainer, organisation, group, course, people, monkeypatch
):
    """Both paths of the export (COPY on PostgreSQL, Python elsewhere) write the very same
    bytes, certificate dates included."""
    from django.db import connection

    from courses.trainer import exports

    if connection.vendor != "postgresql":
        pytest.skip("compares PostgreSQL's COPY with the Python path")
    second = make_course(lessons=1, title_nl="Tweede cursus")
    assign(trainer, second, group=group)
    enrolment = complete_lessons(people[1], second)
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # another day in local time
    enrolment_certificate_issued(enrolment_id=enrolment.pk, issued_at=late)
    client.force_login(trainer)
    url = reverse("trainer:group_export", args=[group.pk])
    views = [{}, {"sort": "-name"}, {"status": "completed"}]

    by_postgres = [b"".join(client.get(url, view).streaming_content) for view in views]
    monkeypatch.setattr(exports.connection, "vendor", "sqlite")
    by_python = [b"".join(client.get(url, view).streaming_content) for view in views]

    assert by_postgres == by_python
    rows = list(csv.reader(io.StringIO(by_postgres[0].decode("utf-8").lstrip("\ufeff"))))
    assert len(rows[0]) == 3 + 2 * 4
    bram = next(row for row in rows if row[0] == "Bram")
    assert bram[10] == timezone.localtime(late).strftime("%Y-%m-%d %H:%M")

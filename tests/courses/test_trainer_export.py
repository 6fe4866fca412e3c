"""CSV export of a group's progress: content, formula neutralisation, audit, access."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.spreadsheets import csv_safe
from tests.courses.trainer_helpers import add_learners, assign, complete_lessons, make_group


@pytest.fixture
def group(organisation):
    return make_group(organisation, name="Exportgroep")


def download(client, group, **params):
    response = client.get(reverse("trainer:group_export", args=[group.pk]), params)
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return response, list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_it_exports_every_learner_with_status_progress_and_completion(
    client, trainer, organisation, group, course
):
    done, busy, idle = add_learners(organisation, 3, group=group)
    assign(trainer, course, group=group)
    complete_lessons(done, course)
    complete_lessons(busy, course, count=2)
    client.force_login(trainer)

    response, rows = download(client, group)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="progress-group-{group.pk}.csv"' in response["Content-Disposition"]
    header, *lines = rows
    assert header[:3] == ["Name", "E-mail address", "Last activity"]
    assert header[3:] == [
        f"{course.title_nl}: status",
        f"{course.title_nl}: progress (%)",
        f"{course.title_nl}: completed on",
        f"{course.title_nl}: certificate issued on",
    ]
    by_email = {line[1]: line for line in lines}
    assert len(by_email) == 3
    assert by_email[done.email][3:5] == ["Completed", "100"]
    assert by_email[done.email][5] != ""
    assert by_email[busy.email][3:6] == ["In progress", "50", ""]
    assert by_email[idle.email][2:6] == ["", "Not started", "0", ""]


def test_it_respects_the_filters(client, trainer, organisation, group, course):
    done, idle = add_learners(organisation, 2, group=group)
    assign(trainer, course, group=group)
    complete_lessons(done, course)
    client.force_login(trainer)

    _response, rows = download(client, group, status="not_done")

    assert [line[1] for line in rows[1:]] == [idle.email]


def test_it_neutralises_formulas_in_cells(client, trainer, organisation, group, course):
    evil = add_learners(organisation, 1, group=group)[0]
    evil.name = '=HYPERLINK("http://evil.example","klik")'
    evil.save(update_fields=["name"])
    assign(trainer, course, group=group)
    client.force_login(trainer)

    _response, rows = download(client, group)

    assert rows[1][0] == "'" + evil.name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Anna", "Anna"),
        ("", ""),
        (None, ""),
        (50, "50"),
    ],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_the_export_is_recorded_in_the_audit_log(client, trainer, organisation, group, course):
    add_learners(organisation, 1, group=group)
    assign(trainer, course, group=group)
    client.force_login(trainer)

    download(client, group)

    event = AuditEvent.objects.get(action="export")
    assert event.actor == trainer
    assert event.organisation == organisation
    assert event.data["group"] == group.pk


def test_an_outsider_gets_404_and_nothing_is_logged(client, outsider, group):
    client.force_login(outsider)
    assert client.get(reverse("trainer:group_export", args=[group.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_learner_gets_404(client, learner, group):
    client.force_login(learner)
    assert client.get(reverse("trainer:group_export", args=[group.pk])).status_code == 404


def test_the_assignment_export_lists_the_chosen_learners(client, trainer, organisation, course):
    chosen = add_learners(organisation, 2)
    add_learners(organisation, 1)
    assignment = assign(trainer, course, learners=chosen, organisation=organisation)
    client.force_login(trainer)

    response = client.get(reverse("trainer:assignment_export", args=[assignment.pk]))
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")

    emails = {line[1] for line in list(csv.reader(io.StringIO(text)))[1:]}
    assert emails == {u.email for u in chosen}
    assert AuditEvent.objects.filter(action="export", data__assignment=assignment.pk).exists()


@pytest.mark.services
def test_postgresql_formats_the_same_file_as_python(
    client, trainer, organisation, group, course, monkeypatch
):
    """The export is formatted by PostgreSQL (COPY); the Python path (SQLite) must write the
    very same bytes: statuses, percentages, local times, neutralised and quoted texts."""
    from django.db import connection

    from courses.trainer import exports
    from tests.courses.factories import make_course
    from tests.courses.trainer_helpers import make_past_due

    if connection.vendor != "postgresql":
        pytest.skip("compares PostgreSQL's COPY with the Python path")
    second = make_course(lessons=2, title_nl='Tweede, met "komma"')
    names = ["=HYPERLINK(1)", "-5", "@som", "\ttab", 'Anne "de" Vries, jr.', "", "Émile\nNieuw"]
    people = [add_learners(organisation, 1, group=group, user__name=name)[0] for name in names]
    assign(trainer, course, group=group)
    make_past_due(assign(trainer, second, group=group))
    complete_lessons(people[0], course)
    complete_lessons(people[1], course, count=2)
    complete_lessons(people[2], second)
    client.force_login(trainer)

    url = reverse("trainer:group_export", args=[group.pk])
    views = [{}, {"sort": "-name"}, {"sort": "-activity"}, {"sort": "progress"}]
    views += [{"status": status} for status in ("not_done", "in_progress", "completed")]
    by_postgres = {str(view): b"".join(client.get(url, view).streaming_content) for view in views}
    monkeypatch.setattr(exports.connection, "vendor", "sqlite")
    by_python = {str(view): b"".join(client.get(url, view).streaming_content) for view in views}

    assert by_postgres == by_python
    by_postgres = by_postgres["{}"]
    rows = list(csv.reader(io.StringIO(by_postgres.decode("utf-8").lstrip("\ufeff"))))
    assert len(rows) == 1 + len(names)
    cells = {cell for row in rows[1:] for cell in row}
    assert "'=HYPERLINK(1)" in cells and "'-5" in cells and "'@som" in cells
    assert "'\ttab" in cells and 'Anne "de" Vries, jr.' in cells and "Émile\nNieuw" in cells
    assert {"Completed", "In progress", "Overdue"} <= cells

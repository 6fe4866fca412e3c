"""Downloads of the dashboard: every table as CSV (streamed) and all tables as XLSX; they hold
exactly what the page shows, formulas are neutralised, every download is audited."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEvent
from reporting.views.tables import TABLE_KEYS
from tests.factories import GroupFactory, MemberFactory, OrganisationFactory
from tests.mfa import give_totp
from tests.reporting.dashboard_data import add_learners, make_course, normal_rows, page_tables


@pytest.fixture
def dataset(organisation):
    """Two courses, a group, a sub-organisation; enough learners for no hidden cells for the
    organisation's own people, a few small cells for viewers above."""
    first = make_course("Working with sex workers", "working")
    second = make_course("Signals of exploitation", "signals")
    group = GroupFactory(organisation=organisation, name="Klas 2025-A")
    unit = OrganisationFactory(name="Eenheid Noord", slug="eenheid-noord", parent=organisation)
    add_learners(organisation, first, count=9, completed=7, group=group)
    add_learners(organisation, second, count=6, completed=2)
    add_learners(unit, first, count=5, completed=3)
    return {"courses": [first, second], "group": group, "unit": unit}


@pytest.fixture
def signed_in(client, analyst):
    give_totp(analyst, recovery_codes=False)
    client.force_login(analyst)
    return client


def _csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _xlsx(response):
    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data), read_only=True)


def _page(client, organisation, params):
    url = reverse("reporting:dashboard", args=[organisation.slug])
    return page_tables(client.get(url, params).content.decode())


PARAMS = [{}, {"period": "year"}, {"course": "working"}, {"organisation": "eenheid-noord"}]


@pytest.mark.django_db
@pytest.mark.parametrize("params", PARAMS)
def test_each_csv_equals_the_table_on_the_page(signed_in, organisation, dataset, params):
    page = _page(signed_in, organisation, params)
    assert {"figures", "courses", "weeks"} <= set(page)
    for key in TABLE_KEYS:
        url = reverse("reporting:export_csv", args=[organisation.slug, key])
        response = signed_in.get(url, params)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = _csv(response)
        if key in page:
            assert normal_rows(rows) == normal_rows(page[key]), key
        else:  # no rows: the page says so, the file has its header only
            assert len(rows) == 1, key


@pytest.mark.django_db
@pytest.mark.parametrize("params", PARAMS)
def test_the_workbook_equals_the_tables_on_the_page(signed_in, organisation, dataset, params):
    page = _page(signed_in, organisation, params)
    response = signed_in.get(reverse("reporting:export_xlsx", args=[organisation.slug]), params)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = _xlsx(response)
    sheets = workbook.worksheets
    assert len(sheets) == len(TABLE_KEYS) + 1  # and a sheet saying what the figures are
    for key, sheet in zip(TABLE_KEYS, sheets, strict=False):
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        if key in page:
            assert normal_rows(rows) == normal_rows(page[key]), key
        else:
            assert len(rows) == 1, key
    about = [row for row in sheets[-1].iter_rows(values_only=True)]
    assert ("Organisation", "Politieacademie") in about


@pytest.mark.django_db
def test_an_aggregate_viewer_downloads_hidden_cells_as_hidden(
    client, coordinator, organisation, dataset
):
    give_totp(coordinator, recovery_codes=False)
    client.force_login(coordinator)
    page = _page(client, organisation, {})
    assert "groups" not in page
    url = reverse("reporting:export_csv", args=[organisation.slug, "courses"])
    rows = _csv(client.get(url))
    assert normal_rows(rows) == normal_rows(page["courses"])
    assert any("< 5" in row for row in rows)  # e.g. "Signals of exploitation": 2 completed
    assert all("2" not in row[1:] for row in rows if row[0] == "Signals of exploitation")
    groups = reverse("reporting:export_csv", args=[organisation.slug, "groups"])
    assert client.get(groups).status_code == 404


@pytest.mark.django_db
def test_texts_that_look_like_formulas_are_neutralised(signed_in, organisation):
    course = make_course('=HYPERLINK("http://evil.example")', "evil")
    group = GroupFactory(organisation=organisation, name="+31 klas")
    add_learners(organisation, course, count=5, completed=5, group=group)
    rows = _csv(signed_in.get(reverse("reporting:export_csv", args=[organisation.slug, "courses"])))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'
    groups = _csv(
        signed_in.get(reverse("reporting:export_csv", args=[organisation.slug, "groups"]))
    )
    assert groups[1][0] == "'+31 klas"
    workbook = _xlsx(signed_in.get(reverse("reporting:export_xlsx", args=[organisation.slug])))
    cells = [
        row[0]
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        if row and isinstance(row[0], str)
    ]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert "'+31 klas" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


@pytest.mark.django_db
def test_every_download_is_audited_with_the_organisation(signed_in, analyst, organisation, dataset):
    signed_in.get(
        reverse("reporting:export_csv", args=[organisation.slug, "weeks"]), {"period": "year"}
    )
    signed_in.get(reverse("reporting:export_xlsx", args=[organisation.slug]))
    events = list(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).order_by("pk"))
    assert [(e.actor, e.organisation, e.data["format"]) for e in events] == [
        (analyst, organisation, "csv"),
        (analyst, organisation, "xlsx"),
    ]
    assert events[0].data["table"] == "weeks"
    assert events[0].data["filters"] == {"period": "year"}


@pytest.mark.django_db
def test_outsiders_get_nothing(client, organisation, other_organisation, dataset):
    stranger = MemberFactory(organisation=other_organisation, role="analyst").user
    give_totp(stranger, recovery_codes=False)
    client.force_login(stranger)
    for url in (
        reverse("reporting:export_csv", args=[organisation.slug, "courses"]),
        reverse("reporting:export_xlsx", args=[organisation.slug]),
    ):
        assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


@pytest.mark.django_db
def test_an_unknown_table_is_not_found(signed_in, organisation):
    url = reverse("reporting:export_csv", args=[organisation.slug, "learners"])
    assert signed_in.get(url).status_code == 404


@pytest.mark.django_db
def test_bad_filters_lead_back_to_the_page_with_the_message(signed_in, organisation):
    url = reverse("reporting:export_csv", args=[organisation.slug, "courses"])
    response = signed_in.get(url, {"period": "decade"})
    assert response.status_code == 302
    page = reverse("reporting:dashboard", args=[organisation.slug])
    assert response["Location"] == f"{page}?period=decade"
    followed = signed_in.get(response["Location"])
    assert "Choose one of the periods in the list." in followed.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()

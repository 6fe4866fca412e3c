"""Every figure of the engine on the hand-built dataset (tests/reporting/factories.py)."""

import pytest

from organisations.models import Membership
from reporting import statistics
from reporting.scope import organisation_viewer, viewer_for
from reporting.statistics import Filters
from tests import factories
from tests.reporting.factories import build_partner_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    return build_partner_dataset()


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    from tests.reporting.factories import TODAY

    monkeypatch.setattr(statistics, "_today", lambda: TODAY)


def _member(organisation, role="analyst"):
    user = factories.UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def _subset(figures, expected):
    return {key: figures[key] for key in expected}


def test_police_analyst_sees_every_figure_in_detail(data):
    police = data["organisations"]["police"]
    viewer = viewer_for(_member(police), police)
    assert viewer.detail
    figures = statistics.key_figures(viewer, data["period"], Filters())
    assert _subset(figures, data["expected"]["police"]) == data["expected"]["police"]
    assert figures["completion_rate"] == round(10 / 19, 4)


@pytest.mark.parametrize("unit", ["north", "south"])
def test_drill_down_to_a_unit(data, unit):
    police, org = data["organisations"]["police"], data["organisations"][unit]
    viewer = organisation_viewer(police)
    figures = statistics.key_figures(viewer, data["period"], Filters(organisation_id=org.pk))
    assert _subset(figures, data["expected"][unit]) == data["expected"][unit]


def test_tables_add_up_to_the_key_figures(data):
    police = data["organisations"]["police"]
    viewer = organisation_viewer(police)
    rows = statistics.table_per_organisation(viewer, data["period"], Filters())
    by_key = {row.key: row for row in rows}
    assert by_key["politie-noord"].enrolled == 13
    assert by_key["politie-noord"].completed == 11
    assert by_key["politie-noord"].completed_classroom == 3
    assert by_key["politie-zuid"].completion_rate == round(2 / 6, 4)
    own = [row for row in rows if row.is_own]
    assert len(own) == 1 and own[0].enrolled == 0
    courses = statistics.table_per_course(viewer, data["period"], Filters())
    assert [
        (r.key, r.enrolled, r.started, r.completed, r.completed_classroom) for r in courses
    ] == [("politie-basis", 19, 15, 13, 3)]


def test_groups_and_the_group_filter(data):
    police = data["organisations"]["police"]
    viewer = organisation_viewer(police)
    group = data["group"]
    rows = statistics.table_per_group(viewer, data["period"], Filters())
    assert [(r.label, r.enrolled, r.started, r.completed) for r in rows] == [
        ("Team Noord", 5, 5, 3)
    ]
    figures = statistics.key_figures(viewer, data["period"], Filters(group_id=group.pk))
    assert figures["enrolled"] == 5 and figures["completed_online"] == 3
    assert figures["assigned"] == 5 and figures["overdue"] == 2


def test_completions_per_week(data):
    police = data["organisations"]["police"]
    weeks = dict(statistics.completions_per_week(organisation_viewer(police), data["period"]))
    from datetime import date

    assert weeks[date(2025, 2, 3)] == 8  # online, 5 February
    assert weeks[date(2025, 2, 17)] == 3  # classroom, 20 February
    assert weeks[date(2025, 3, 10)] == 2  # South, 12 March
    assert sum(v for v in weeks.values()) == 13
    assert min(weeks) == date(2024, 12, 30)  # the week of 1 January


def test_attitude_change_paired_and_only_from_ten(data, settings):
    police = data["organisations"]["police"]
    viewer = organisation_viewer(police)
    change = statistics.attitude_change(viewer, data["period"], Filters())
    assert change == {"n": 10, "mean_pre": 2.2, "mean_post": 3.1, "mean_change": 0.9}
    north = data["organisations"]["north"]
    assert (
        statistics.attitude_change(viewer, data["period"], Filters(organisation_id=north.pk))
        is None
    )


def test_the_association_sees_bank_a_aggregated_and_never_bank_b(data):
    banks = data["organisations"]["banks"]
    viewer = viewer_for(_member(banks), banks)
    assert not viewer.detail
    assert data["organisations"]["bank_b"].pk not in viewer.organisation_ids
    figures = statistics.key_figures(viewer, data["period"], Filters())
    expected = data["expected"]["banks"]
    assert _subset(figures, expected) == expected
    rows = {r.key: r for r in statistics.table_per_organisation(viewer, data["period"], Filters())}
    assert "bank-b" not in rows
    # The association's own 3 enrolments are under K, and then bank A's 20 must go too,
    # or 23 − 20 would give them away.
    assert rows["banken"].enrolled is None
    assert rows["bank-a"].enrolled is None and figures["enrolled"] == 23
    assert rows["bank-a"].completed_classroom == 6
    assert statistics.table_per_group(viewer, data["period"], Filters()) == []


def test_national_overview(data):
    blocks = {b.theme: b for b in statistics.national_overview(data["period"])}
    police = blocks[3].partners
    assert [p.slug for p in police] == ["politie"]
    # The coordinator sees aggregates: the police's 3 classroom completions are under K, and
    # then the national total goes too (else 9 − 6 would give the 3 away).
    assert police[0].completed_online == 10 and police[0].completed_classroom is None
    assert police[0].reached == 22 and police[0].completed is None
    banks = blocks[1].partners
    assert [p.slug for p in banks] == ["banken"]
    assert banks[0].completed_online == 8 and banks[0].reached == 29
    assert banks[0].completed_classroom == 6
    national = statistics.key_figures(statistics.national_viewer(), data["period"], Filters())
    assert national["completed_classroom"] is None and national["completed_online"] == 18
    assert blocks[3].attitude == {"n": 10, "mean_pre": 2.2, "mean_post": 3.1, "mean_change": 0.9}
    assert blocks[3].trend[-1] == ("2025 Q1", None)
    assert [label for label, _n in blocks[3].trend] == ["2024 Q2", "2024 Q3", "2024 Q4", "2025 Q1"]
    assert blocks[2].partners == []

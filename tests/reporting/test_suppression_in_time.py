"""The derivation attempt across periods: an aggregate-only viewer opens a year and each of its
quarters. A year's completions are the sum of its quarters' in every cell, so the attacker adds
those equations to every period's table equations; still no hidden non-zero cell may come out.
Months are refused to aggregate-only viewers (they would nest a third level)."""

from datetime import date

import pytest

from reporting import statistics
from reporting.cube import cube_for
from reporting.periods import Period
from reporting.scope import national_viewer
from reporting.statistics import Filters, PeriodNotAllowed
from tests import factories
from tests.reporting.factories import classroom, enrol_many
from tests.reporting.test_suppression import _system, derive

pytestmark = pytest.mark.django_db

TODAY = date(2025, 12, 20)
YEAR = Period.year(2025)
QUARTERS = [Period.quarter(2025, q) for q in (1, 2, 3, 4)]
# Completions per organisation and quarter: each row has one small quarter (under K = 5),
# which the year's total and the three other quarters would give away without protection.
PLAN = {
    "Noord": (10, 2, 8, 7),
    "Zuid": (6, 9, 3, 12),
    "Oost": (0, 11, 14, 1),
}


@pytest.fixture(autouse=True)
def _today(monkeypatch, settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    settings.REPORTING_MIN_CELL = 5
    monkeypatch.setattr(statistics, "_today", lambda: TODAY)


@pytest.fixture
def dataset():
    police = factories.OrganisationFactory(name="Politie", kind="police", themes=[3])
    course = factories.CourseFactory(slug="politie-basis", theme=3)
    other = factories.CourseFactory(slug="politie-vervolg", theme=3)
    units = {}
    for name, per_quarter in PLAN.items():
        unit = factories.OrganisationFactory(name=f"Politie {name}", kind="police", parent=police)
        units[name] = unit
        for quarter, n in zip(QUARTERS, per_quarter, strict=True):
            if n:
                day = quarter.start.replace(day=15)
                enrol_many(unit, course, n=n, started=n, completed=n, created=quarter.start,
                           completed_on=day)  # fmt: skip
        enrol_many(unit, other, n=6, started=6, completed=6, created=date(2025, 1, 2),
                   completed_on=date(2025, 5, 15))  # fmt: skip
        for held_on, people in ((date(2025, 2, 3), 6), (date(2025, 8, 4), len(name) - 2)):
            classroom(unit, course, held_on=held_on,
                      emails=[f"{name}{i}@{held_on}.example" for i in range(people)])  # fmt: skip
    return {"police": police, "units": units, "course": course}


def _shown(viewer, period, measure):
    """Every cell of ``measure`` as the engine shows it (None: hidden)."""
    cube = cube_for(viewer, period, TODAY)
    return cube, {key: cube.cell(measure, *key) for key in cube.values[measure]}


@pytest.mark.parametrize("measure", ["online", "classroom"])
def test_no_hidden_cell_can_be_derived_from_a_year_and_its_quarters(dataset, measure):
    viewer = national_viewer()
    values, hidden, equations = {}, set(), []
    periods = [YEAR, *QUARTERS]
    for period in periods:
        cube, shown = _shown(viewer, period, measure)
        for key, value in shown.items():
            true = cube.values[measure].get(key, 0)
            values[(period, key)] = true
            if value is None:
                hidden.add((period, key))
            else:
                assert value == true
        for equation in _system(cube.tree.children, cube.courses):
            equations.append([((period, key), c) for key, c in equation])
    cells = {key for _period, key in values}
    for key in cells:  # the year is the sum of its quarters, in every cell
        for period in periods:  # a cell a period's table lacks is a zero, and known
            values.setdefault((period, key), 0)
        equations.append([((q, key), 1) for q in QUARTERS] + [((YEAR, key), -1)])

    leaked = {k: v for k, v in derive(values, hidden, equations).items() if v != 0}

    assert not leaked, leaked
    assert any(p != YEAR and values[(p, k)] for p, k in hidden)  # small quarters are hidden


def test_without_protection_in_time_a_small_quarter_would_leak(dataset):
    """The attack works on tables protected one period at a time: the test above is not
    vacuous. Where one period alone hides a non-zero cell, the protected cube hides two."""
    from reporting.suppression import protect

    viewer = national_viewer()
    periods = [YEAR, *QUARTERS]
    cubes = {p: cube_for(viewer, p, TODAY) for p in periods}
    plain = {
        p: protect(c.tree.children, c.courses, c.values["online"], k=5) for p, c in cubes.items()
    }
    keys = set().union(*(c.values["online"] for c in cubes.values()))
    exposed = [
        key
        for key in keys
        if sum(1 for p in periods if cubes[p].values["online"].get(key, 0) and key in plain[p]) == 1
    ]
    assert exposed  # e.g. Noord's 2 in the second quarter beside the year's 27
    for key in exposed:
        hidden = [p for p in periods if cubes[p].values["online"].get(key, 0)
                  and cubes[p].cell("online", *key) is None]  # fmt: skip
        assert len(hidden) >= 2, key


def test_months_are_refused_to_aggregate_viewers_and_weeks_to_their_years(dataset):
    viewer = national_viewer()
    with pytest.raises(PeriodNotAllowed):
        statistics.key_figures(viewer, Period.month(2025, 5), Filters())
    assert statistics.completions_per_week(viewer, YEAR, Filters()) == []
    weeks = statistics.completions_per_week(viewer, QUARTERS[1], Filters())
    assert len(weeks) == len(QUARTERS[1].weeks())


def test_detail_viewers_keep_months(dataset):
    from reporting.scope import organisation_viewer

    viewer = organisation_viewer(dataset["units"]["Noord"])
    figures = statistics.key_figures(viewer, Period.month(2025, 4), Filters())
    assert figures["completed_online"] == 2

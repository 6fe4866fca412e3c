"""The derivation attempt on the hand-built dataset through the engine's own API: every
figure the coordinator and the association can open (key figures per organisation and per
course, tables per organisation and per course, at every level) must agree with one another,
and no hidden cell may be computed from the shown ones."""

import pytest

from reporting import statistics
from reporting.cube import NATIONAL, cube_for
from reporting.scope import national_viewer, organisation_viewer
from reporting.statistics import ALL, Filters
from tests.reporting.factories import TODAY, build_partner_dataset
from tests.reporting.test_suppression import _system, derive

pytestmark = pytest.mark.django_db

MEASURES = {"enrolled": "enrolled", "started": "started", "completed_classroom": "classroom"}


@pytest.fixture(autouse=True)
def _today(monkeypatch, settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    monkeypatch.setattr(statistics, "_today", lambda: TODAY)


@pytest.mark.parametrize("who", ["national", "banks"])
def test_views_agree_and_hide_what_cannot_be_derived(who):
    data = build_partner_dataset()
    period = data["period"]
    viewer = (
        national_viewer()
        if who == "national"
        else organisation_viewer(data["organisations"]["banks"])
    )
    assert not viewer.detail
    cube = cube_for(viewer, period, TODAY)
    seen = {m: {} for m in MEASURES.values()}
    nodes = [n for n in cube.tree.organisations if n in viewer.organisation_ids]
    for node in [None, *nodes]:
        for course in [None, *cube.courses]:
            filters = Filters(organisation_id=node, course_id=course)
            figures = statistics.key_figures(viewer, period, filters)
            key_node = node if node is not None else cube.tree.root
            for name, measure in MEASURES.items():
                seen[measure][(key_node, course or ALL)] = figures[name]
            for row in statistics.table_per_organisation(viewer, period, filters):
                row_node = ("own", row.organisation_id) if row.is_own else row.organisation_id
                for name, measure in MEASURES.items():
                    value = getattr(row, name)
                    previous = seen[measure].setdefault((row_node, course or ALL), value)
                    assert previous == value  # two views never disagree
            for row in statistics.table_per_course(viewer, period, filters):
                for name, measure in MEASURES.items():
                    value = getattr(row, name)
                    assert seen[measure].setdefault((key_node, row.course_id), value) == value
    for measure, shown in seen.items():
        values = cube.values[measure]
        hidden = {key for key in values if shown.get(key, values[key]) is None}
        assert any(v is None for v in shown.values())  # the dataset does hide something
        leaked = {
            k: v
            for k, v in derive(values, hidden, _system(cube.tree.children, cube.courses)).items()
            if v != 0
        }
        assert not leaked, (measure, leaked)
    if who == "national":
        assert cube.tree.root == NATIONAL

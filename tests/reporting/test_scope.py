"""Who sees which figures (reporting.scope.viewer_for)."""

import pytest
from django.contrib.auth.models import Group as DjangoGroup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations.models import Membership, Organisation
from reporting import statistics
from reporting.cube import batch
from reporting.scope import viewer_for
from reporting.statistics import Filters
from tests import factories
from tests.reporting.factories import TODAY, build_partner_dataset, enrol_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(settings, monkeypatch):
    settings.TIME_ZONE = "Europe/Amsterdam"
    monkeypatch.setattr(statistics, "_today", lambda: TODAY)
    return build_partner_dataset()


def _member(organisation, role="analyst"):
    user = factories.UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def test_an_analyst_of_bank_a_never_sees_bank_b(data):
    orgs = data["organisations"]
    analyst = _member(orgs["bank_a"])
    viewer = viewer_for(analyst, orgs["bank_a"])
    assert viewer.detail and viewer.organisation_ids == {orgs["bank_a"].pk}
    assert viewer_for(analyst, orgs["bank_b"]) is None
    assert viewer_for(analyst, orgs["banks"]) is None
    figures = statistics.key_figures(
        viewer, data["period"], Filters(organisation_id=orgs["bank_b"].pk)
    )
    assert figures["enrolled"] == 20  # an outside drill-down is ignored, never followed


def test_the_association_sees_a_bank_only_while_it_shares(data):
    orgs = data["organisations"]
    analyst = _member(orgs["banks"])
    assert viewer_for(analyst, orgs["bank_b"]) is None
    viewer = viewer_for(analyst, orgs["bank_a"])
    assert not viewer.detail and viewer.organisation_ids == {orgs["bank_a"].pk}
    assert statistics.table_per_group(viewer, data["period"], Filters()) == []
    Organisation.objects.filter(pk=orgs["bank_a"].pk).update(shares_figures_with_parent=False)
    orgs["bank_a"].refresh_from_db()  # as the next request loads it
    analyst = Membership.objects.get(user=analyst).user  # a fresh user object: no cached roles
    assert viewer_for(analyst, orgs["bank_a"]) is None
    viewer = viewer_for(analyst, orgs["banks"])
    # Only its own learners are left: those it sees in detail.
    assert viewer.organisation_ids == {orgs["banks"].pk} and viewer.detail
    assert statistics.key_figures(viewer, data["period"], Filters())["enrolled"] == 3


def test_a_non_sharing_bank_keeps_its_own_detail(data):
    orgs = data["organisations"]
    viewer = viewer_for(_member(orgs["bank_b"], "admin"), orgs["bank_b"])
    assert viewer.detail
    assert statistics.key_figures(viewer, data["period"], Filters())["enrolled"] == 9


def test_aggregate_viewers_get_fixed_periods_only(data):
    orgs = data["organisations"]
    viewer = viewer_for(_member(orgs["banks"]), orgs["banks"])
    custom = statistics.Period(data["period"].start, data["period"].end.replace(day=15))
    with pytest.raises(statistics.PeriodNotAllowed):
        statistics.key_figures(viewer, custom, Filters())


def test_the_coordinator_sees_aggregates_without_non_sharing_entities(data):
    orgs = data["organisations"]
    coordinator = factories.UserFactory()
    coordinator.groups.add(DjangoGroup.objects.get_or_create(name="coordinator")[0])
    assert viewer_for(coordinator, orgs["bank_b"]) is None
    viewer = viewer_for(coordinator, orgs["police"])
    assert not viewer.detail
    assert orgs["bank_b"].pk not in viewer.anchor_ids
    figures = statistics.key_figures(viewer, data["period"], Filters())
    assert figures["enrolled"] == 19 and figures["completed_classroom"] is None


def test_trainers_see_their_groups_only(data):
    orgs = data["organisations"]
    trainer = _member(orgs["north"], "trainer")
    viewer = viewer_for(trainer, orgs["north"])
    assert viewer.detail and viewer.group_ids == {data["group"].pk}
    figures = statistics.key_figures(viewer, data["period"], Filters())
    assert figures["enrolled"] == 5 and figures["completed_online"] == 3
    other = factories.GroupFactory(organisation=orgs["south"])
    figures = statistics.key_figures(viewer, data["period"], Filters(group_id=other.pk))
    assert figures["enrolled"] == 0


def test_people_without_a_role_see_nothing(data):
    orgs = data["organisations"]
    assert viewer_for(_member(orgs["north"], "learner"), orgs["north"]) is None
    assert viewer_for(_member(orgs["south"]), orgs["north"]) is None


def _dashboard(viewer, period):
    with batch():
        statistics.key_figures(viewer, period, Filters())
        statistics.table_per_course(viewer, period, Filters())
        statistics.table_per_organisation(viewer, period, Filters())
        statistics.table_per_group(viewer, period, Filters())
        statistics.completions_per_week(viewer, period, Filters())
        statistics.attitude_change(viewer, period, Filters())


@pytest.mark.parametrize("org", ["police", "banks"])
def test_query_count_does_not_grow_with_learners(data, org):
    organisation = data["organisations"][org]
    viewer = viewer_for(_member(organisation), organisation)
    with CaptureQueriesContext(connection) as before:
        _dashboard(viewer, data["period"])
    enrol_many(
        data["organisations"]["south"], data["courses"]["police"], n=15, started=10, completed=5
    )
    enrol_many(
        data["organisations"]["bank_a"], data["courses"]["bank"], n=15, started=10, completed=5
    )
    with CaptureQueriesContext(connection) as after:
        _dashboard(viewer, data["period"])
    assert len(after) == len(before) <= 13

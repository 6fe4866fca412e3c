"""The partner dashboard: who may open it, what it shows, hidden small numbers, the chart's
data, the query count, the start page and the sharing switch of a legal entity."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import CourseFactory, GroupFactory, MemberFactory, OrganisationFactory
from tests.mfa import give_totp
from tests.reporting.dashboard_data import add_learners, make_course, page_tables


@pytest.fixture
def course(db):
    return make_course("Working with sex workers", "working-with-sex-workers")


@pytest.fixture
def dashboard_url(organisation):
    return reverse("reporting:dashboard", args=[organisation.slug])


def _login(client, user):
    give_totp(user, recovery_codes=False)
    client.force_login(user)


def _get(client, url, **params):
    return client.get(url, params)


# --- access ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["analyst", "org_admin", "coordinator", "staff_user"])
def test_it_shows_the_dashboard_to_the_people_who_may_see_it(
    request, client, who, dashboard_url, organisation, course
):
    add_learners(organisation, course, count=6, completed=5)
    _login(client, request.getfixturevalue(who))
    response = _get(client, dashboard_url)
    assert response.status_code == 200
    assert "Dashboard of Politieacademie" in response.content.decode()
    assert response.context["tables"]["courses"].rows  # the course shows


@pytest.mark.django_db
def test_it_hides_the_dashboard_from_an_analyst_of_another_organisation(
    client, organisation, other_organisation, dashboard_url
):
    stranger = MemberFactory(organisation=other_organisation, role="analyst").user
    _login(client, stranger)
    assert _get(client, dashboard_url).status_code == 404
    export = reverse("reporting:export_xlsx", args=[organisation.slug])
    assert _get(client, export).status_code == 404


@pytest.mark.django_db
def test_it_hides_the_dashboard_from_learners_and_unknown_organisations(
    client, learner, dashboard_url
):
    client.force_login(learner)
    assert _get(client, dashboard_url).status_code == 404
    assert _get(client, reverse("reporting:home")).status_code == 404
    assert _get(client, reverse("reporting:dashboard", args=["no-such-place"])).status_code == 404


@pytest.mark.django_db
def test_it_asks_visitors_to_log_in(client, dashboard_url):
    response = client.get(dashboard_url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_it_takes_an_analyst_of_one_organisation_straight_to_its_dashboard(
    client, analyst, dashboard_url
):
    _login(client, analyst)
    response = _get(client, reverse("reporting:home"))
    assert response.status_code == 302
    assert response["Location"] == dashboard_url


@pytest.mark.django_db
def test_it_lets_a_coordinator_choose_an_organisation(
    client, coordinator, organisation, other_organisation
):
    _login(client, coordinator)
    response = _get(client, reverse("reporting:home"))
    html = response.content.decode()
    assert response.status_code == 200
    for org in (organisation, other_organisation):
        assert reverse("reporting:dashboard", args=[org.slug]) in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["analyst", "org_admin", "coordinator"])
def test_it_is_the_start_page_of_analysts_admins_and_coordinators(request, client, who):
    _login(client, request.getfixturevalue(who))
    response = client.get(reverse("start"))
    assert response["Location"] == reverse("reporting:home")


@pytest.mark.django_db
def test_it_puts_a_dashboard_link_in_the_header(client, analyst, dashboard_url):
    _login(client, analyst)
    html = _get(client, dashboard_url).content.decode()
    assert f'href="{reverse("reporting:home")}"' in html
    assert f'href="{reverse("organisations:overview")}"' in html  # members stay there


# --- what it shows --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_the_figures_per_course(client, analyst, organisation, course, dashboard_url):
    add_learners(organisation, course, count=7, completed=6)
    _login(client, analyst)
    tables = page_tables(_get(client, dashboard_url).content.decode())
    header, *rows = tables["courses"]
    assert header[:4] == ["Course", "Enrolled", "Started", "Completed"]
    assert rows == [["Working with sex workers", "7", "7", "6", "0", "85,7 %"]]
    figures = dict(tables["figures"][1:])
    assert figures["Enrolled"] == "7"
    assert figures["Completed"] == "6"


@pytest.mark.django_db
def test_it_shows_the_groups_to_the_organisations_own_people(
    client, analyst, organisation, course, dashboard_url
):
    group = GroupFactory(organisation=organisation, name="Klas 2025-A")
    add_learners(organisation, course, count=6, completed=6, group=group)
    _login(client, analyst)
    tables = page_tables(_get(client, dashboard_url).content.decode())
    assert ["Klas 2025-A", "6", "6", "6", "0", "100,0 %"] in tables["groups"]


@pytest.mark.django_db
def test_it_links_each_sub_organisation_to_its_own_figures(
    client, analyst, organisation, course, dashboard_url
):
    unit = OrganisationFactory(name="Eenheid Noord", slug="eenheid-noord", parent=organisation)
    add_learners(unit, course, count=6, completed=5)
    _login(client, analyst)
    html = _get(client, dashboard_url, period="year").content.decode()
    assert "Eenheid Noord" in page_tables(html)["organisations"][1][0]
    assert re.search(r'href="[^"]*\?period=year&amp;organisation=eenheid-noord"', html)
    narrowed = _get(client, dashboard_url, period="year", organisation="eenheid-noord")
    assert narrowed.context["form"].chosen_filters().organisation_id == unit.pk


@pytest.mark.django_db
def test_it_hides_numbers_below_the_threshold_from_aggregate_viewers(
    client, coordinator, organisation, course, dashboard_url, settings
):
    settings.REPORTING_MIN_CELL = 5
    add_learners(organisation, course, count=3, completed=3)
    _login(client, coordinator)
    response = _get(client, dashboard_url)
    html = response.content.decode()
    assert not response.context["viewer"].detail
    course_row = page_tables(html)["courses"][1]
    assert course_row[3] == "< 5"  # completed: 3 learners, hidden
    assert "means fewer than 5 learners" in html
    assert "3" not in course_row[1:]


@pytest.mark.django_db
def test_it_shows_no_groups_and_no_free_dates_to_aggregate_viewers(
    client, coordinator, organisation, course, dashboard_url
):
    add_learners(organisation, course, count=6, completed=6)
    _login(client, coordinator)
    response = _get(client, dashboard_url)
    form = response.context["form"]
    assert "group" not in form.fields and "start" not in form.fields
    assert {value for value, _label in form.fields["period"].choices} == {
        "quarter",
        "previous_quarter",
        "year",
        "previous_year",
    }
    assert "groups" not in response.context["tables"]
    assert 'id="table-groups"' not in response.content.decode()


@pytest.mark.django_db
def test_it_gives_the_chart_its_figures_in_a_data_island(
    client, analyst, organisation, course, dashboard_url
):
    add_learners(organisation, course, count=6, completed=6)
    _login(client, analyst)
    response = _get(client, dashboard_url)
    html = response.content.decode()
    match = re.search(
        r'<script id="weeks-chart-data" type="application/json">(.*?)</script>', html, re.S
    )
    data = json.loads(match.group(1))
    weeks = response.context["dashboard"].weeks
    assert data["values"] == [value for _week, value in weeks]
    assert sum(value or 0 for value in data["values"]) == 6
    assert len(page_tables(html)["weeks"]) == len(weeks) + 1  # the same figures as a table
    assert "<script>" not in html  # no inline script (CSP)
    assert 'src="/static/reporting/dashboard.js"' in html


@pytest.mark.django_db
def test_its_query_count_does_not_grow_with_the_learners(
    client, analyst, organisation, course, dashboard_url
):
    group = GroupFactory(organisation=organisation)
    add_learners(organisation, course, count=2, completed=1, group=group)
    _login(client, analyst)
    _get(client, dashboard_url)
    with CaptureQueriesContext(connection) as few:
        assert _get(client, dashboard_url).status_code == 200
    add_learners(organisation, course, count=15, completed=9, group=group)
    add_learners(organisation, CourseFactory(), count=5, completed=5)
    with CaptureQueriesContext(connection) as many:
        assert _get(client, dashboard_url).status_code == 200
    assert len(many) == len(few)


# --- sharing of an own legal entity's figures ------------------------------------------------


@pytest.fixture
def bank(db):
    association = OrganisationFactory(name="Bankenvereniging", slug="bankenvereniging", kind="bank")
    bank = OrganisationFactory(name="Bank A", slug="bank-a", kind="bank", parent=association)
    bank.is_legal_entity = True
    bank.save(update_fields=["is_legal_entity"])
    return bank


@pytest.fixture
def bank_admin(bank):
    user = MemberFactory(organisation=bank, role="admin").user
    give_totp(user, recovery_codes=False)
    return user


@pytest.mark.django_db
def test_it_offers_the_admin_of_a_legal_entity_to_share_its_figures(client, bank, bank_admin):
    client.force_login(bank_admin)
    html = _get(client, reverse("reporting:dashboard", args=[bank.slug])).content.decode()
    assert "Share our figures with Bankenvereniging" in html
    assert reverse("organisations:sharing", args=[bank.slug]) in html


@pytest.mark.django_db
def test_it_does_not_offer_sharing_to_an_analyst(client, bank):
    analyst = MemberFactory(organisation=bank, role="analyst").user
    _login(client, analyst)
    html = _get(client, reverse("reporting:dashboard", args=[bank.slug])).content.decode()
    assert "Share our figures" not in html
    sharing = reverse("organisations:sharing", args=[bank.slug])
    assert client.post(sharing, {"share": "on"}).status_code == 404
    bank.refresh_from_db()
    assert not bank.shares_figures_with_parent


@pytest.mark.django_db
def test_the_admin_switches_sharing_on_and_off_audited(client, bank, bank_admin):
    client.force_login(bank_admin)
    url = reverse("organisations:sharing", args=[bank.slug])
    assert _get(client, url).status_code == 200
    back = reverse("reporting:dashboard", args=[bank.slug])
    response = client.post(url, {"share": "on", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    bank.refresh_from_db()
    assert bank.shares_figures_with_parent
    client.post(url, {})  # the box unticked
    bank.refresh_from_db()
    assert not bank.shares_figures_with_parent
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.FIGURES_SHARING_CHANGED, organisation=bank
    )
    assert [event.data["shares"] for event in events.order_by("pk")] == [True, False]


@pytest.mark.django_db
def test_sharing_ignores_an_outside_return_address(client, bank, bank_admin):
    client.force_login(bank_admin)
    url = reverse("organisations:sharing", args=[bank.slug])
    response = client.post(url, {"share": "on", "next": "https://evil.example/"})
    assert response["Location"] == url


@pytest.mark.django_db
def test_sharing_is_not_there_for_an_organisation_that_is_not_a_legal_entity(
    client, org_admin, organisation, outsider_admin, bank
):
    give_totp(org_admin, recovery_codes=False)
    client.force_login(org_admin)
    assert client.get(reverse("organisations:sharing", args=[organisation.slug])).status_code == 404
    give_totp(outsider_admin, recovery_codes=False)
    client.force_login(outsider_admin)
    assert client.get(reverse("organisations:sharing", args=[bank.slug])).status_code == 404


@pytest.mark.django_db
def test_it_shows_the_attitude_change_only_from_enough_answers(
    client, analyst, organisation, course, dashboard_url, monkeypatch
):
    add_learners(organisation, course, count=5, completed=5)
    _login(client, analyst)
    html = _get(client, dashboard_url).content.decode()
    assert "Shown once at least 10 learners have answered" in html  # nobody answered

    from reporting import statistics

    figures = {"n": 12, "mean_pre": 3.1, "mean_post": 3.85, "mean_change": 0.75}
    monkeypatch.setattr(statistics, "attitude_change", lambda *args: figures)
    html = _get(client, dashboard_url).content.decode()
    assert "Shown once at least" not in html
    assert re.search(r"<dt>Change in score</dt><dd>\+0,75</dd>", html)
    assert re.search(r"<dt>Number of learners</dt><dd>12</dd>", html)


@pytest.mark.django_db
def test_it_asks_an_analyst_without_two_factor_authentication_to_set_it_up(
    client, analyst, dashboard_url
):
    client.force_login(analyst)
    response = client.get(dashboard_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")

"""The dashboard's filters: period, course, group and sub-organisation; bad input gets a clear
message next to its field and is left out; htmx gets the figures only; the URL keeps them."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.forms import DashboardFilterForm
from reporting.scope import viewer_for
from tests.factories import GroupFactory, MemberFactory, OrganisationFactory
from tests.mfa import give_totp
from tests.reporting.dashboard_data import add_learners, make_course, page_tables


@pytest.fixture
def courses(db):
    return [
        make_course("Working with sex workers", "working"),
        make_course("Signals of exploitation", "signals"),
    ]


@pytest.fixture
def url(organisation):
    return reverse("reporting:dashboard", args=[organisation.slug])


@pytest.fixture
def signed_in(client, analyst):
    give_totp(analyst, recovery_codes=False)
    client.force_login(analyst)
    return client


def _course_labels(html) -> list[str]:
    return [row[0] for row in page_tables(html)["courses"][1:]]


@pytest.mark.django_db
def test_a_course_filter_narrows_every_table(signed_in, organisation, courses, url):
    add_learners(organisation, courses[0], count=6, completed=6)
    add_learners(organisation, courses[1], count=5, completed=5)
    everything = signed_in.get(url).content.decode()
    assert sorted(_course_labels(everything)) == sorted(c.title for c in courses)
    response = signed_in.get(url, {"course": "signals"})
    html = response.content.decode()
    assert _course_labels(html) == ["Signals of exploitation"]
    assert dict(page_tables(html)["figures"][1:])["Completed"] == "5"
    assert "Signals of exploitation" in html.split('role="status"')[1].split("</p>")[0]


@pytest.mark.django_db
def test_a_group_filter_counts_only_the_groups_learners(signed_in, organisation, courses, url):
    group = GroupFactory(organisation=organisation, name="Klas B")
    add_learners(organisation, courses[0], count=5, completed=5, group=group)
    add_learners(organisation, courses[0], count=7, completed=0)
    response = signed_in.get(url, {"group": group.pk})
    figures = dict(page_tables(response.content.decode())["figures"][1:])
    assert figures["Enrolled"] == "5"
    assert figures["Completed"] == "5"


@pytest.mark.django_db
def test_a_sub_organisation_filter_drills_down(signed_in, organisation, courses, url):
    unit = OrganisationFactory(name="Eenheid Oost", slug="eenheid-oost", parent=organisation)
    add_learners(unit, courses[0], count=5, completed=5)
    add_learners(organisation, courses[0], count=8, completed=1)
    response = signed_in.get(url, {"organisation": "eenheid-oost"})
    figures = dict(page_tables(response.content.decode())["figures"][1:])
    assert figures["Enrolled"] == "5"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"period": "decade"}, "period", "Choose one of the periods in the list."),
        ({"course": "no-such-course"}, "course", "Choose one of the courses in the list."),
        ({"group": "999999"}, "group", "Choose one of the groups in the list."),
        ({"organisation": "nowhere"}, "organisation", "Choose one of the sub-organisations"),
        ({"period": "custom"}, "start", "Give the first day of the period."),
        (
            {"period": "custom", "start": "2025-03-01", "end": "2025-01-01"},
            "end",
            "The last day must not be before the first day.",
        ),
        (
            {"period": "custom", "start": "2025-13-45", "end": "2025-03-01"},
            "start",
            "Enter a valid date, for example 2025-01-31.",
        ),
        (
            {"period": "custom", "start": "2015-01-01", "end": "2025-01-01"},
            "end",
            "Choose a period of at most three years.",
        ),
    ],
)
def test_bad_filters_get_a_clear_message_next_to_their_field(
    signed_in, organisation, courses, url, params, field, message
):
    add_learners(organisation, courses[0], count=5, completed=5)
    response = signed_in.get(url, params)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message.split("“")[0][:30] in html
    assert 'aria-invalid="true"' in html
    assert "Some filters could not be used" in html
    # the figures are still shown, for the default quarter
    assert response.context["period"] == form.chosen_period()
    assert _course_labels(html) == ["Working with sex workers"]


@pytest.mark.django_db
def test_a_group_of_another_organisation_is_refused(signed_in, url):
    elsewhere = GroupFactory(organisation=OrganisationFactory(name="Elders"))
    response = signed_in.get(url, {"group": elsewhere.pk})
    assert "group" in response.context["form"].errors
    assert response.context["form"].chosen_filters().group_id is None


@pytest.mark.django_db
def test_aggregate_viewers_cannot_choose_free_dates(client, coordinator, organisation, url):
    give_totp(coordinator, recovery_codes=False)
    client.force_login(coordinator)
    response = client.get(url, {"period": "custom", "start": "2025-01-01", "end": "2025-01-20"})
    form = response.context["form"]
    assert "Choose one of the periods in the list." in form.errors["period"]
    period = response.context["period"]
    assert period.is_fixed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("month", date(2025, 5, 1), date(2025, 5, 31)),
        ("previous_month", date(2025, 4, 1), date(2025, 4, 30)),
        ("quarter", date(2025, 4, 1), date(2025, 6, 30)),
        ("previous_quarter", date(2025, 1, 1), date(2025, 3, 31)),
        ("previous_year", date(2024, 1, 1), date(2024, 12, 31)),
        ("last_30_days", date(2025, 4, 16), date(2025, 5, 15)),
    ],
)
def test_the_named_periods(analyst, organisation, name, start, end):
    viewer = viewer_for(analyst, organisation)
    form = DashboardFilterForm(
        {"period": name}, viewer=viewer, organisation=organisation, today=date(2025, 5, 15)
    )
    period = form.chosen_period()
    assert (period.start, period.end) == (start, end)


@pytest.mark.django_db
def test_a_custom_period(analyst, organisation):
    viewer = viewer_for(analyst, organisation)
    form = DashboardFilterForm(
        {"period": "custom", "start": "2025-02-03", "end": "2025-02-16"},
        viewer=viewer,
        organisation=organisation,
        today=date(2025, 5, 15),
    )
    assert form.is_valid()
    assert (form.chosen_period().start, form.chosen_period().end) == (
        date(2025, 2, 3),
        date(2025, 2, 16),
    )


@pytest.mark.django_db
def test_htmx_gets_only_the_figures(signed_in, organisation, courses, url):
    add_learners(organisation, courses[0], count=5, completed=5)
    response = signed_in.get(url, {"course": "working"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="figures"')
    assert "<html" not in html and "<form" not in html.split("Share our figures")[0]
    assert _course_labels(html) == ["Working with sex workers"]
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_htmx_updates_the_messages_next_to_the_fields(signed_in, url):
    response = signed_in.get(url, {"period": "decade"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<div id="id_period_error" hx-swap-oob="true">' in html
    assert "Choose one of the periods in the list." in html
    # the other fields' message boxes are emptied
    assert '<div id="id_course_error" hx-swap-oob="true"></div>' in html


@pytest.mark.django_db
def test_the_page_works_without_javascript(signed_in, url):
    html = signed_in.get(url).content.decode()
    tag = re.search(r'<form[^>]*role="search"[^>]*>', html).group(0)
    assert 'method="get"' in tag and f'action="{url}"' in tag  # a plain form...
    assert f'hx-get="{url}"' in tag and 'hx-push-url="true"' in tag  # ...that htmx enhances
    assert "Show figures" in html


@pytest.mark.django_db
def test_the_url_keeps_the_filters_in_links_and_downloads(signed_in, organisation, courses, url):
    unit = OrganisationFactory(name="Eenheid Zuid", slug="eenheid-zuid", parent=organisation)
    add_learners(unit, courses[0], count=5, completed=5)
    html = signed_in.get(url, {"period": "year", "course": "working"}).content.decode()
    xlsx = reverse("reporting:export_xlsx", args=[organisation.slug])
    csv = reverse("reporting:export_csv", args=[organisation.slug, "courses"])
    assert f'href="{xlsx}?period=year&amp;course=working"' in html
    assert f'href="{csv}?period=year&amp;course=working"' in html
    assert "?period=year&amp;course=working&amp;organisation=eenheid-zuid" in html


@pytest.mark.django_db
def test_invalid_values_are_left_out_of_the_links(signed_in, url, organisation):
    html = signed_in.get(url, {"period": "year", "course": "nope"}).content.decode()
    xlsx = reverse("reporting:export_xlsx", args=[organisation.slug])
    assert f'href="{xlsx}?period=year"' in html


@pytest.mark.django_db
def test_a_trainer_chooses_among_the_groups_of_their_organisation(client, organisation, trainer):
    own = GroupFactory(organisation=organisation, name="Eigen klas")
    GroupFactory(organisation=OrganisationFactory(name="Elders"), name="Andere klas")
    client.force_login(trainer)
    response = client.get(reverse("reporting:dashboard", args=[organisation.slug]))
    assert response.status_code == 200
    assert list(response.context["form"].fields["group"].objects.values()) == [own]


@pytest.mark.django_db
def test_the_default_period_is_the_current_quarter(signed_in, url):
    period = signed_in.get(url).context["period"]
    today = timezone.localdate()
    assert period.start <= today <= period.end
    assert period.end - period.start <= timedelta(days=92)
    assert period.start.month in (1, 4, 7, 10) and period.start.day == 1


@pytest.mark.django_db
def test_a_member_of_a_sub_organisation_does_not_see_the_parent(client, organisation):
    unit = OrganisationFactory(name="Eenheid West", parent=organisation)
    analyst = MemberFactory(organisation=unit, role="analyst").user
    give_totp(analyst, recovery_codes=False)
    client.force_login(analyst)
    assert client.get(reverse("reporting:dashboard", args=[organisation.slug])).status_code == 404
    assert client.get(reverse("reporting:dashboard", args=[unit.slug])).status_code == 200


@pytest.mark.django_db
def test_a_drill_down_link_replaces_the_form_too(signed_in, organisation, courses, url):
    unit = OrganisationFactory(name="Eenheid Midden", slug="eenheid-midden", parent=organisation)
    add_learners(unit, courses[0], count=5, completed=5)
    response = signed_in.get(
        url,
        {"organisation": "eenheid-midden"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="dashboard",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="dashboard">')
    assert '<option value="eenheid-midden" selected>' in html  # the form shows the choice
    assert "Clear filters" in html
    assert 'hx-swap-oob="true"' not in html

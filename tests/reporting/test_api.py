"""The partner API: authentication, scope, figures equal to the statistics engine's,
pseudonymous learner rows, constant query counts and the rate limit."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import ClassroomAttendance, ClassroomSession, Enrolment
from reporting import api as partner_api
from reporting import scope, statistics, tokens
from reporting.periods import Period
from tests import factories

pytestmark = pytest.mark.django_db

BASE = "/api/v1/organisations"


def _aware(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def period(today):
    return Period.named("quarter", today)


@pytest.fixture
def course(db):
    return factories.CourseFactory(slug="sekswerk-en-politie", title_en="Sex work and policing")


@pytest.fixture
def other_course(db):
    return factories.CourseFactory(slug="financiele-dienstverlening")


def _learner(organisation, **user):
    return factories.MemberFactory(organisation=organisation, role="learner", **user).user


def _completion(user, course, organisation, day: date):
    enrolment = factories.EnrolmentFactory(
        user=user,
        course=course,
        organisation=organisation,
        started_at=_aware(day, 9),
        completed_at=_aware(day, 15),
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=_aware(day, 8))
    return enrolment


def _classroom(course, organisation, day: date, users=(), emails=()):
    session = ClassroomSession.objects.create(course=course, organisation=organisation, held_on=day)
    for user in users:
        ClassroomAttendance.objects.create(session=session, user=user)
    for email in emails:
        ClassroomAttendance.objects.create(session=session, email=email)
    return session


@pytest.fixture
def unit(organisation):
    """A unit of the police academy (not its own legal entity)."""
    return factories.OrganisationFactory(name="Eenheid Noord", parent=organisation)


@pytest.fixture
def dataset(organisation, unit, course, other_course, period):
    """Six learners of the academy itself and three of its unit completed in the period; one
    more completed before it; two attended a classroom session (one by e-mail only)."""
    day = period.start
    own = [_learner(organisation) for _ in range(6)]
    for index, user in enumerate(own):
        _completion(user, course if index < 4 else other_course, organisation, day)
    unit_learners = [_learner(unit) for _ in range(3)]
    for user in unit_learners:
        _completion(user, course, unit, day)
    earlier = _learner(organisation)
    _completion(earlier, course, organisation, period.start - timedelta(days=40))
    in_class = _learner(organisation)
    _classroom(course, organisation, day, users=[in_class], emails=["gast@example.org"])
    return {"own": own, "unit": unit_learners, "earlier": earlier, "in_class": in_class}


@pytest.fixture
def token(organisation):
    return tokens.token_create(organisation=organisation, name="Feed", actor=None)


def _get(client, url, raw, **params):
    return client.get(url, params, headers={"authorization": f"Bearer {raw}"})


# --- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["statistics", "courses", "completions"])
def test_without_a_token_401(client, organisation, endpoint):
    response = client.get(f"{BASE}/{organisation.slug}/{endpoint}")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer acad_" + "x" * 43,
        "Bearer nonsense",
        "Bearer ",
        "Basic YWRhbTpzZWNyZXQ=",
    ],
)
def test_an_invalid_token_401(client, organisation, token, header):
    response = client.get(
        f"{BASE}/{organisation.slug}/statistics", headers={"authorization": header}
    )
    assert response.status_code == 401


def test_the_token_in_another_scheme_401(client, organisation, token):
    _row, raw = token
    response = client.get(
        f"{BASE}/{organisation.slug}/statistics", headers={"authorization": f"Token {raw}"}
    )
    assert response.status_code == 401


def test_a_revoked_token_401(client, organisation, token):
    row, raw = token
    assert _get(client, f"{BASE}/{organisation.slug}/statistics", raw).status_code == 200
    tokens.token_revoke(token=row, actor=None)
    assert _get(client, f"{BASE}/{organisation.slug}/statistics", raw).status_code == 401


def test_a_session_login_is_no_token(client, organisation, org_admin):
    client.force_login(org_admin)
    assert client.get(f"{BASE}/{organisation.slug}/statistics").status_code == 401


def test_use_is_recorded(client, organisation, token):
    row, raw = token
    _get(client, f"{BASE}/{organisation.slug}/statistics", raw)
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_the_schema_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Academy partner API"
    assert set(schema["paths"]) == {
        "/api/v1/organisations/{slug}/statistics",
        "/api/v1/organisations/{slug}/courses",
        "/api/v1/organisations/{slug}/completions",
    }
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


# --- scope -----------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["statistics", "courses", "completions"])
def test_another_organisation_404(client, token, other_organisation, endpoint):
    _row, raw = token
    response = _get(client, f"{BASE}/{other_organisation.slug}/{endpoint}", raw)
    assert response.status_code == 404


def test_an_unknown_organisation_404(client, token):
    assert _get(client, f"{BASE}/nope/statistics", token[1]).status_code == 404


def test_a_unit_token_does_not_see_its_parent(client, organisation, unit):
    _row, raw = tokens.token_create(organisation=unit, name="Unit", actor=None)
    assert _get(client, f"{BASE}/{unit.slug}/statistics", raw).status_code == 200
    assert _get(client, f"{BASE}/{organisation.slug}/statistics", raw).status_code == 404


def test_a_legal_entity_below_is_seen_only_when_it_shares(client, organisation, token):
    bank = factories.OrganisationFactory(name="Bank", parent=organisation)
    bank.is_legal_entity = True
    bank.save(update_fields=["is_legal_entity"])
    url = f"{BASE}/{bank.slug}/statistics"
    assert _get(client, url, token[1]).status_code == 404

    bank.shares_figures_with_parent = True
    bank.save(update_fields=["shares_figures_with_parent"])
    response = _get(client, url, token[1])
    assert response.status_code == 200
    assert response.json()["aggregate_only"] is True
    custom = _get(client, url, token[1], period="custom", start="2025-01-01", end="2025-01-31")
    assert custom.status_code == 422


def test_a_token_sees_what_an_analyst_of_its_organisation_sees(
    client, organisation, token, course, period, analyst
):
    """A bank below that shares: aggregate only, small counts suppressed, as for an analyst."""
    bank = factories.OrganisationFactory(name="Bank", parent=organisation)
    bank.is_legal_entity = True
    bank.shares_figures_with_parent = True
    bank.save(update_fields=["is_legal_entity", "shares_figures_with_parent"])
    for _ in range(2):
        _completion(_learner(bank), course, bank, period.start)
    fixed = Period.named("quarter", period.start)
    month = _get(
        client, f"{BASE}/{bank.slug}/statistics", token[1], period="month",
        start=period.start.isoformat(),
    )  # fmt: skip
    assert month.status_code == 422  # months would nest inside quarters (reporting.timeline)

    response = _get(
        client,
        f"{BASE}/{bank.slug}/statistics",
        token[1],
        period="quarter",
        start=period.start.isoformat(),
    )

    figures = response.json()["figures"]
    viewer = scope.viewer_for(analyst, bank)
    assert figures == {
        key: value
        for key, value in statistics.key_figures(viewer, fixed, statistics.Filters()).items()
        if key in figures
    }
    assert figures["completed"] is None  # 2 < K


# --- the figures are the engine's -------------------------------------------------------------


def _engine(function, organisation, period, **filters):
    viewer = scope.organisation_viewer(organisation)
    return function(viewer, period, statistics.Filters(**filters))


def test_key_figures_equal_the_engine(client, organisation, token, dataset, period):
    response = _get(client, f"{BASE}/{organisation.slug}/statistics", token[1])

    assert response.status_code == 200
    body = response.json()
    expected = _engine(statistics.key_figures, organisation, period)
    assert body["figures"] == {key: expected[key] for key in body["figures"]}
    # 6 own + 3 in the unit online; in class one account and one e-mail address
    assert body["figures"]["completed"] == 11
    assert body["figures"]["completed_classroom"] == 2
    assert body["organisation"] == {"slug": organisation.slug, "name": organisation.name}
    assert body["period"] == {
        "name": "quarter",
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }
    assert body["aggregate_only"] is False


def test_course_filter_and_fixed_period_by_day(client, organisation, token, dataset, course):
    day = date(2024, 2, 10)
    response = _get(
        client,
        f"{BASE}/{organisation.slug}/statistics",
        token[1],
        period="month",
        start=day.isoformat(),
        course=course.slug,
    )

    assert response.status_code == 200
    body = response.json()
    month = Period.month(2024, 2)
    assert body["period"]["start"] == "2024-02-01"
    assert body["period"]["end"] == "2024-02-29"
    assert body["course"] == course.slug
    expected = _engine(statistics.key_figures, organisation, month, course_id=course.pk)
    assert body["figures"] == {key: expected[key] for key in body["figures"]}


def test_courses_equal_the_engine(client, organisation, token, dataset, period):
    response = _get(client, f"{BASE}/{organisation.slug}/courses", token[1])

    assert response.status_code == 200
    rows = _engine(statistics.table_per_course, organisation, period)
    assert response.json()["courses"] == [
        {
            "course": row.key,
            "title": row.label,
            "enrolled": row.enrolled,
            "started": row.started,
            "completed": row.completed,
            "completed_classroom": row.completed_classroom,
            "completion_rate": row.completion_rate,
        }
        for row in rows
    ]
    assert rows


def test_weeks_equal_the_engine(client, organisation, token, dataset, period):
    response = _get(client, f"{BASE}/{organisation.slug}/completions", token[1])

    assert response.status_code == 200
    weeks = _engine(statistics.completions_per_week, organisation, period)
    assert response.json()["weeks"] == [
        {"week_start": start.isoformat(), "completions": count} for start, count in weeks
    ]
    assert sum(count or 0 for _start, count in weeks) == 11


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "custom"}, "start"),
        ({"period": "custom", "start": "2025-01-01"}, "end"),
        ({"period": "custom", "start": "2025-02-01", "end": "2025-01-01"}, "end"),
        ({"period": "custom", "start": "2020-01-01", "end": "2025-01-01"}, "end"),
        ({"period": "week"}, "period"),
        ({"start": "2025-02-30"}, "start"),
        ({"start": "1900-01-01"}, "start"),
        ({"course": "no-such-course"}, "course"),
    ],
)
def test_bad_filters_422_per_field(client, organisation, token, params, field):
    response = _get(client, f"{BASE}/{organisation.slug}/statistics", token[1], **params)
    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == [field]


def test_a_custom_period(client, organisation, token, dataset, period):
    response = _get(
        client,
        f"{BASE}/{organisation.slug}/statistics",
        token[1],
        period="custom",
        start=period.start.isoformat(),
        end=period.start.isoformat(),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["period"]["name"] == "custom"
    expected = _engine(statistics.key_figures, organisation, Period(period.start, period.start))
    assert body["figures"]["completed"] == expected["completed"] == 11


# --- pseudonymous rows -----------------------------------------------------------------------


def test_learner_rows_only_for_own_members_with_stable_pseudonyms(
    client, organisation, token, dataset, period
):
    url = f"{BASE}/{organisation.slug}/completions"
    first = _get(client, url, token[1]).json()
    second = _get(client, url, token[1]).json()

    rows = first["learners"]
    assert rows == second["learners"]
    assert first["learners_total"] == len(rows) == 7  # 6 online + 1 in class (by account)
    expected = {partner_api.pseudonym(organisation.pk, user.pk) for user in dataset["own"]} | {
        partner_api.pseudonym(organisation.pk, dataset["in_class"].pk)
    }
    assert {row["learner"] for row in rows} == expected
    unit_pseudonyms = {partner_api.pseudonym(organisation.pk, u.pk) for u in dataset["unit"]}
    assert not unit_pseudonyms & {row["learner"] for row in rows}
    assert {row["mode"] for row in rows} == {"online", "classroom"}
    assert {row["completed_on"] for row in rows} == {period.start.isoformat()}
    for row in rows:
        assert len(row["learner"]) == 32
        assert not any(str(user.pk) == row["learner"] for user in dataset["own"])


def test_pseudonyms_are_not_ids_and_differ_per_organisation(organisation, other_organisation):
    first = partner_api.pseudonym(organisation.pk, 42)
    assert first == partner_api.pseudonym(organisation.pk, 42)
    assert first != partner_api.pseudonym(organisation.pk, 43)
    assert first != partner_api.pseudonym(other_organisation.pk, 42)
    assert "42" != first and len(first) == 32


def test_no_learner_rows_for_an_organisation_below(client, unit, token, dataset):
    response = _get(client, f"{BASE}/{unit.slug}/completions", token[1])
    assert response.status_code == 200
    body = response.json()
    assert body["learners"] == []
    assert body["learners_total"] == 0
    assert sum(week["completions"] or 0 for week in body["weeks"]) == 3


def test_no_rows_for_someone_who_left(client, organisation, token, dataset):
    leaver = dataset["own"][0]
    leaver.memberships.all().delete()
    rows = _get(client, f"{BASE}/{organisation.slug}/completions", token[1]).json()["learners"]
    assert partner_api.pseudonym(organisation.pk, leaver.pk) not in {r["learner"] for r in rows}
    assert len(rows) == 6


def test_learner_rows_follow_the_course_filter_and_pages(
    client, organisation, token, dataset, course
):
    url = f"{BASE}/{organisation.slug}/completions"
    filtered = _get(client, url, token[1], course=course.slug).json()
    assert {row["course"] for row in filtered["learners"]} == {course.slug}
    assert filtered["learners_total"] == 5  # 4 online + 1 in class

    page = _get(client, url, token[1], limit=3, offset=3).json()
    everything = _get(client, url, token[1]).json()["learners"]
    assert page["learners"] == everything[3:6]
    assert page["learners_total"] == 7


# --- cost ------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["statistics", "courses", "completions"])
def test_query_count_does_not_grow_with_learners(
    client, organisation, unit, token, course, period, endpoint
):
    url = f"{BASE}/{organisation.slug}/{endpoint}"

    def grow(count):
        for _ in range(count):
            _completion(_learner(organisation), course, organisation, period.start)
            _completion(_learner(unit), course, unit, period.start)
        _classroom(course, organisation, period.start, users=[_learner(organisation)])

    grow(1)
    _get(client, url, token[1])  # last use written; later calls within the minute do not
    with CaptureQueriesContext(connection) as few:
        assert _get(client, url, token[1]).status_code == 200
    grow(8)
    with CaptureQueriesContext(connection) as many:
        assert _get(client, url, token[1]).status_code == 200
    assert len(many) == len(few)


# --- rate limit ------------------------------------------------------------------------------


def test_rate_limit_per_token(client, settings, organisation, token):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    _other_row, other_raw = tokens.token_create(organisation=organisation, name="B", actor=None)
    url = f"{BASE}/{organisation.slug}/statistics"

    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        statuses = [_get(client, url, token[1]).status_code for _ in range(4)]
        limited = _get(client, url, token[1])
        other = _get(client, url, other_raw)

    assert statuses == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert limited.json() == {"detail": "Too many requests."}
    assert int(limited["Retry-After"]) == 55
    assert other.status_code == 200

"""Schemathesis over every operation of the partner API, in-process (WSGI), with every kind of
token: whatever is sent, never a server error, and every answer matches the OpenAPI schema at
/api/v1/openapi.json (status code, content type, body).

- A valid token: generated requests, valid ones and invalid ones (``GenerationMode`` positive
  and negative), for the token's own organisation, one below it and generated slugs.
- No token, a malformed one, an unknown one and a revoked one: always 401, nothing else.
- A valid token of another organisation, or of an organisation below the one asked for: 404
  (or 422 when the query itself is invalid), never figures.

One built-in check is left out: "schema-valid request rejected". Some rules span two
parameters (a custom period needs a start and an end, the end not before the start) or need
the database (the course must exist); OpenAPI cannot say so for query parameters, and those
requests are rightly answered 422 with the field named. Generation is derandomized, so every
run sends the same requests.
"""

from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from courses.models import ClassroomAttendance, ClassroomSession
from reporting import tokens
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:The recursion limit will not be reset"),
]

EXAMPLES = 12
BAD_TOKEN_EXAMPLES = 8
OPERATIONS = 3


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 10_000


@pytest.fixture
def api_schema(db):
    """The schema as the application serves it. Like Django's test client, the requests keep
    the test's database connection open (and so see its uncommitted data)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def operations(api_schema):
    found = [result.ok() for result in api_schema.get_all_operations()]
    assert len(found) == OPERATIONS
    return found


@pytest.fixture
def feed(organisation):
    """Some figures to report: completions online and in class, in the academy and a unit."""
    unit = factories.OrganisationFactory(name="Eenheid Oost", parent=organisation)
    course = factories.CourseFactory(slug="sekswerk-basis")
    now = timezone.now()
    for index in range(7):
        where = organisation if index % 2 else unit
        user = factories.MemberFactory(organisation=where).user
        factories.EnrolmentFactory(
            user=user,
            course=course,
            organisation=where,
            started_at=now - timedelta(days=3),
            completed_at=now - timedelta(days=index % 3),
        )
    session = ClassroomSession.objects.create(
        course=course, organisation=organisation, held_on=timezone.localdate()
    )
    ClassroomAttendance.objects.create(
        session=session, user=factories.MemberFactory(organisation=organisation).user
    )
    ClassroomAttendance.objects.create(session=session, email="gast@example.org")
    _row, raw = tokens.token_create(organisation=organisation, name="Schema", actor=None)
    return {"organisation": organisation, "unit": unit, "course": course, "token": raw}


def _bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def _run(operation, *, strategy, headers, expect=None, max_examples=EXAMPLES):
    """Send generated requests with ``headers`` (a dict, or a strategy of them); every answer
    passes the built-in checks and ``expect(response)``.

    Negative cases may also leave out or spoil the Authorization header (the security scheme
    is part of what schemathesis negates): those rightly get a 401."""
    settings = hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )

    def send(case, sent):
        response = case.call_and_validate(headers=sent, excluded_checks=[positive_data_acceptance])
        assert response.status_code < 500
        if expect is not None:
            expect(response)

    if isinstance(headers, dict):
        settings(given(case=strategy)(lambda case: send(case, headers)))()
    else:
        settings(given(case=strategy, sent=headers)(send))()


def _any_data(operation, path_parameters=None):
    """Valid and invalid requests alike (``GenerationMode`` positive and negative)."""
    return st.one_of(
        *(
            operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            for mode in GenerationMode
        )
    )


# --- a valid token ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", list(GenerationMode))
def test_no_server_error_and_no_schema_violation(operations, feed, mode):
    headers = _bearer(feed["token"])
    for operation in operations:
        # The token's own organisation (figures and learner rows), one below it, and
        # whatever slug the generator comes up with (404).
        for slug in (feed["organisation"].slug, feed["unit"].slug, None):
            strategy = operation.as_strategy(
                generation_mode=mode, path_parameters={"slug": slug} if slug else None
            )
            _run(operation, strategy=strategy, headers=headers)


# --- no valid token --------------------------------------------------------------------------


def _unauthorised(response):
    assert response.status_code == 401, response.content[:200]
    assert response.json() == {"detail": "Unauthorized"}
    assert response.headers["www-authenticate"] == ['Bearer realm="api"']


def _revoked(organisation) -> str:
    row, raw = tokens.token_create(organisation=organisation, name="Oud", actor=None)
    tokens.token_revoke(token=row, actor=None)
    return raw


BAD_TOKENS = {
    "missing": lambda feed: st.just({}),
    "malformed": lambda feed: st.sampled_from(
        [
            {"Authorization": ""},
            {"Authorization": "Bearer"},
            {"Authorization": "Bearer "},
            {"Authorization": f"Basic {feed['token']}"},
            {"Authorization": f"Token {feed['token']}"},
            {"Authorization": f"Bearer {feed['token']}x"},
            {"Authorization": f"Bearer {feed['token'][:-1]}"},
            {"Authorization": f"Bearer {feed['token'].upper()}"},
            {"Authorization": "Bearer acad_"},
            {"Authorization": "Bearer " + "a" * 8000},
            {"Authorization": "Bearer acad_' OR 1=1 --"},
            {"Authorization": "Bearer acad_%00%00"},
        ]
    ),
    "unknown": lambda feed: st.builds(
        lambda _: _bearer(tokens.generate_token()), st.integers(0, 10)
    ),
    "random": lambda feed: st.text(
        st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=80
    ).map(_bearer),
    "revoked": lambda feed: st.just(_bearer(_revoked(feed["organisation"]))),
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_without_a_valid_token_always_401(operations, feed, kind):
    headers = BAD_TOKENS[kind](feed)
    for operation in operations:
        for slug in (feed["organisation"].slug, None):
            _run(
                operation,
                strategy=_any_data(operation, {"slug": slug} if slug else None),
                headers=headers,
                expect=_unauthorised,
                max_examples=BAD_TOKEN_EXAMPLES,
            )


# --- a token of another organisation ---------------------------------------------------------


def _not_found(token: str):
    def expect(response):
        if response.request.headers.get("Authorization") != f"Bearer {token}":
            assert response.status_code == 401  # a negative case without the token
        else:
            assert response.status_code in (404, 422), response.content[:200]
        assert b"figures" not in response.content and b"learners" not in response.content

    return expect


@pytest.mark.parametrize("holder", ["other_organisation", "unit"])
def test_another_organisations_token_finds_nothing(operations, feed, other_organisation, holder):
    """A token of an unrelated organisation, or of the unit below the academy, does not see
    the academy (nor, for the unrelated one, its unit)."""
    owner = other_organisation if holder == "other_organisation" else feed["unit"]
    _row, raw = tokens.token_create(organisation=owner, name="Elders", actor=None)
    slugs = [feed["organisation"].slug]
    if holder == "other_organisation":
        slugs.append(feed["unit"].slug)
    for operation in operations:
        for slug in slugs:
            _run(
                operation,
                strategy=_any_data(operation, {"slug": slug}),
                headers=_bearer(raw),
                expect=_not_found(raw),
                max_examples=BAD_TOKEN_EXAMPLES,
            )

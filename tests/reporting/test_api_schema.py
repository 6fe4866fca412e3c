"""A schemathesis run against the partner API in-process (WSGI): with a valid token, generated
requests (valid and invalid ones) never cause a server error, and every answer matches the
OpenAPI schema at /api/v1/openapi.json (status code, content type, body).

One built-in check is left out: "schema-valid request rejected". Some rules span two
parameters (a custom period needs a start and an end, the end not before the start) or need
the database (the course must exist); OpenAPI cannot say so for query parameters, and those
requests are rightly answered 422 with the field named."""

from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
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


def _run(operation, *, mode, headers, path_parameters=None):
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case):
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    check()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error_and_no_schema_violation(api_schema, feed, mode):
    headers = {"Authorization": f"Bearer {feed['token']}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 3
    for operation in operations:
        # The token's own organisation (figures and learner rows), one below it, and
        # whatever slug the generator comes up with (404).
        for slug in (feed["organisation"].slug, feed["unit"].slug, None):
            _run(
                operation,
                mode=mode,
                headers=headers,
                path_parameters={"slug": slug} if slug else None,
            )

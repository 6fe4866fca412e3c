"""The database is down: a styled 503 with ``Retry-After`` instead of a 500, and no traceback.

Two places catch it, because the database can fail before, in or after the view:
- ``DatabaseUnavailableMiddleware.process_exception``: an error raised by a view;
- ``server_error`` (``handler500`` in ``academy.urls``): everything else that Django turns into
  a 500, for example the session or the user loaded by a middleware.

The page (``templates/503.html``) is rendered without the request, so no context processor,
user or session touches the database again. Nothing here has to recover: with
``CONN_HEALTH_CHECKS`` the next request after the database is back opens a fresh connection.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

try:  # the PostgreSQL driver's own errors, when one escapes Django's wrapping
    import psycopg

    DATABASE_ERRORS: tuple[type[BaseException], ...] = (
        OperationalError,
        InterfaceError,
        psycopg.OperationalError,
        psycopg.InterfaceError,
    )
except ImportError:  # pragma: no cover - SQLite installations without psycopg
    DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_database_outage(error: BaseException | None) -> bool:
    """True for a lost or refused database connection (also when wrapped in another error)."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, DATABASE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def unavailable_response() -> HttpResponse:
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that lost the database answers the styled 503 (logged as a warning)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        logger.warning("Database unavailable on %s: %s", request.path, exception)
        return unavailable_response()


def server_error(request, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: the 503 page when the error was the database, else Django's 500 page."""
    if is_database_outage(sys.exc_info()[1]):
        return unavailable_response()
    return defaults.server_error(request, template_name)

"""Integers from outside that do not fit the database name nothing: 404 or a form error, never
a 500.

Ids travel in paths (``/assessments/attempts/<int:attempt_id>/``) and in query strings and
forms (``?learners=12``). Every id column is a bigint, so a number beyond its range can name no
row; without a guard SQLite raises ``OverflowError`` (a 500) the moment such a number reaches a
query. Two guards, each in one place, cover every view and form of every app:

- ``IntegerRangeMiddleware``: a path whose ``<int:...>`` parameter lies outside the bigint range
  is answered 404 before any view (or its ``require_POST``) runs. (A converter registered as
  ``int`` would do the same, but overriding a built-in converter is deprecated in Django 5.1 and
  an error in 6.0.)
- ``IntegerFieldIn``: an ``__in`` lookup on an integer column leaves out values the column
  cannot hold (they match nothing), as Django already does for ``exact``, ``gt``, ``lt`` ...
  So ``ModelMultipleChoiceField`` reports "not a valid choice" next to the field and a query
  such as ``filter(pk__in=request.GET.getlist("learners"))`` finds nothing.
"""

import copy

from django.db.models import IntegerField
from django.db.models.lookups import In
from django.http import Http404

BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1


def fits_bigint(value: int) -> bool:
    return BIGINT_MIN <= value <= BIGINT_MAX


class IntegerRangeMiddleware:
    """404 for a path whose integer parameter lies outside the bigint range."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        values = [*view_args, *view_kwargs.values()]
        if any(isinstance(value, int) and not fits_bigint(value) for value in values):
            raise Http404("No such object.")
        return None


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """``__in`` on an integer column, leaving out the values the column cannot hold."""

    def as_sql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        internal_type = self.lhs.output_field.get_internal_type()
        low, high = connection.ops.integer_field_range(internal_type)
        lookup = copy.copy(self)
        lookup.rhs = [
            value
            for value in self.rhs
            if not isinstance(value, int)
            or ((low is None or value >= low) and (high is None or value <= high))
        ]
        return super(IntegerFieldIn, lookup).as_sql(compiler, connection)

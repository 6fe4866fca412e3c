"""Database helpers of the benchmark: the scale marker and writing many rows fast.

``bulk_write`` uses PostgreSQL's ``COPY … FROM STDIN`` (psycopg 3) or, on SQLite,
``executemany`` in batches. Values must already be in database form (``db_datetime``,
``db_bool``, JSON as text); columns the generator does not set get the model's default.
"""

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

MARKER_TABLE = "bench_marker"
BATCH = 5000


# --- the marker: which scale the database holds ---------------------------------------------


def marker_read() -> dict | None:
    with connection.cursor() as cursor:
        if MARKER_TABLE not in connection.introspection.table_names(cursor):
            return None
        cursor.execute(f"SELECT info FROM {MARKER_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def marker_write(info: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (id integer PRIMARY KEY, info text)"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (id, info) VALUES (1, %s)", [json.dumps(info)])


def marker_clear() -> None:
    with connection.cursor() as cursor:
        if MARKER_TABLE in connection.introspection.table_names(cursor):
            cursor.execute(f"DELETE FROM {MARKER_TABLE}")


# --- writing many rows fast -----------------------------------------------------------------

POSTGRES = connection.vendor == "postgresql"


def db_datetime(value: datetime | None):
    if value is None or POSTGRES:
        return value
    return str(value.astimezone(UTC).replace(tzinfo=None))


def db_bool(value: bool):
    return value if POSTGRES else int(value)


def _default(field: models.Field):
    """The value a column gets when the generator does not set it (as the ORM would)."""
    if field.has_default():
        value = field.get_default()
    elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = timezone.now()
    elif field.null:
        value = None
    elif isinstance(field, models.CharField | models.TextField):
        value = ""
    else:
        raise RuntimeError(f"bench.generate cannot fill {field.model.__name__}.{field.name}")
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(field, models.DateTimeField):
        return db_datetime(value)
    if isinstance(field, models.BooleanField):
        return db_bool(value)
    return value


def next_id(model) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def bulk_write(model, columns: list[str], rows: Iterable[tuple]) -> int:
    """Write ``rows`` (values for ``columns``, already in database form) into ``model``'s table;
    the model's other columns get their defaults. Returns the number of rows."""
    others = [f for f in model._meta.concrete_fields if f.column not in columns]
    tail = tuple(_default(f) for f in others)
    all_columns = [*columns, *(f.column for f in others)]
    table = connection.ops.quote_name(model._meta.db_table)
    column_sql = ", ".join(connection.ops.quote_name(c) for c in all_columns)
    count = 0
    with connection.cursor() as cursor:
        if POSTGRES:
            with cursor.cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + tail)
                    count += 1
        else:
            sql = f"INSERT INTO {table} ({column_sql}) VALUES ({', '.join(['%s'] * len(all_columns))})"
            batch = []
            for row in rows:
                batch.append(row + tail)
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def reset_sequences(models_: list) -> None:
    """After writing explicit ids: let the sequences continue after the highest id."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(sql)

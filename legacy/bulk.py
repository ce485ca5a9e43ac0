"""Inserting many rows fast: PostgreSQL binary ``COPY`` with ids drawn from the table's sequence.

Django's ``bulk_create`` spends about a quarter of a millisecond per row preparing values in Python,
which was most of the import's time (two messages per chat row); text ``COPY`` still spends five
times more formatting values than binary. Rows are plain dicts of field attnames, all with the same
keys; a field left out gets its model default (an ``auto_now``/``auto_now_add`` one: now), and one
given keeps its value even if it is ``auto_now_add`` (a legacy ``created_at``). Rows may give their
primary key (UUID keys, made by the caller so records can point at them before the insert); otherwise
it is drawn from the table's sequence. Like ``bulk_create``:
no ``save()``, no signals. Other databases (the embedded SQLite, small files) use ``bulk_create``,
then put given times back with ``bulk_update``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.db import connection, models
from django.utils import timezone

# Django's column types as psycopg knows them for binary COPY (modifiers such as varchar(16) dropped).
PG_TYPE_NAMES = {
    "timestamp with time zone": "timestamptz",
    "integer": "int4",
    "smallint": "int2",
    "bigint": "int8",
    "boolean": "bool",
    "double precision": "float8",
}


def pg_type(field: models.Field) -> str:
    db_type = field.db_type(connection)
    assert db_type is not None, f"{field.name} has no column"  # only concrete fields are inserted
    name = re.sub(r"\(.*\)", "", db_type).strip().lower()
    return PG_TYPE_NAMES.get(name, name)


def insert_rows(model: type[models.Model], rows: list[dict[str, object]]) -> list[Any]:
    """Insert ``rows`` into ``model``'s table; returns their new primary keys, in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return _bulk_create(model, rows)
    meta = model._meta
    by_name = {f.attname: f for f in meta.concrete_fields if f is not meta.pk}
    pk_given = meta.pk.attname in rows[0]
    given = [name for name in rows[0] if name != meta.pk.attname]
    now = timezone.now()
    constants: list[tuple[models.Field, object]] = []
    per_row: list[tuple[models.Field, Callable[[], object]]] = []
    for name, field in by_name.items():
        if name in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants.append((field, now))
        elif field.has_default() and callable(field.default):
            per_row.append((field, field.default))  # e.g. a fresh uuid4 per row
        else:
            constants.append((field, field.get_default()))
    fields = [meta.pk, *(by_name[n] for n in given), *(f for f, _ in constants), *(f for f, _ in per_row)]
    fixed = tuple(value for _, value in constants)
    makers = [make for _, make in per_row]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if pk_given:
            ids = [row[meta.pk.attname] for row in rows]
        else:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        # The psycopg cursor itself (Django's wrapper has no copy()); its errors still become Django's.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN (FORMAT BINARY)") as copy,
        ):
            types = [pg_type(f) for f in fields]
            copy.set_types(types)
            # Binary COPY takes a UUID column's value only as a UUID; callers may give its text.
            uuids = [i for i, t in enumerate(types) if t == "uuid" and i <= len(given)]
            for pk, row in zip(ids, rows, strict=True):
                values = [pk, *(row[n] for n in given), *fixed, *(make() for make in makers)]
                for i in uuids:
                    if values[i] is not None and not isinstance(values[i], uuid.UUID):
                        values[i] = uuid.UUID(str(values[i]))
                copy.write_row(values)
    return ids


def _bulk_create(model: type[models.Model], rows: list[dict[str, object]]) -> list[Any]:
    objs = [model(**row) for row in rows]
    model._default_manager.bulk_create(objs)
    # bulk_create sets auto_now/auto_now_add fields to now; put back the times the rows gave.
    timed = [
        f.attname
        for f in model._meta.concrete_fields
        if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)) and f.attname in rows[0]
    ]
    if timed:
        for obj, row in zip(objs, rows, strict=True):
            for name in timed:
                setattr(obj, name, row[name])
        model._default_manager.bulk_update(objs, timed)
    return [obj.pk for obj in objs]


def analyze(model_list: list[type[models.Model]]) -> None:
    """Refresh PostgreSQL's statistics for tables that just took many rows, as after any bulk load:
    autovacuum gets there eventually, and until then the planner believes they are nearly empty (a
    re-run's look-ups by legacy id were five times slower)."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(quote(m._meta.db_table) for m in model_list)}")

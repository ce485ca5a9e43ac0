"""Tables the product has no home for yet (notifications, the business tables, anything else):
every row kept in ``LegacyRecord.payload`` as it was, with clean timestamps and money beside it in
``LegacyRecord.normalized``, linked to its shop."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from legacy.bulk import insert_rows
from legacy.models import LegacyRecord, record_pk
from legacy.parsers import checksum, json_row, normalize_row, source_key
from legacy.reader import ident

if TYPE_CHECKING:
    from legacy.importer import Importer


def file_shop(imp: Importer) -> int | None:
    """Business tables hold no shop column: they belong to the file's one shop (its barbershops owner)."""
    if imp.reader.has("barbershops", "owner_id"):
        try:
            for (owner,) in imp.reader.conn.execute("SELECT owner_id FROM barbershops ORDER BY rowid"):
                if (target := imp.user_of(owner)) is not None:
                    return target[1]
        except sqlite3.DataError:  # an owner_id over the reader's length limit: not an id
            pass
    shops = {shop for _, shop in imp.user_map.values()}
    return next(iter(shops)) if len(shops) == 1 else None


def ids_are_keys(imp: Importer, table: str) -> bool:
    """Whether the table's ``id`` column identifies its rows (present and never repeated). Otherwise,
    and for a row whose id is NULL, a row is known by its position (``row<n>``)."""
    if not imp.reader.has(table, "id"):
        return False
    try:
        ids, distinct = imp.reader.conn.execute(
            f"SELECT count(id), count(DISTINCT CAST(id AS TEXT)) FROM {ident(table)}"  # noqa: S608 (names from sqlite_master)
        ).fetchone()
    except sqlite3.DataError:  # an id over the reader's length limit: not a key
        return False
    return ids == distinct


def archive_table(imp: Importer, table: str) -> None:
    stats = imp.report.tables[table]
    total = imp.reader.count(table)
    if len(table) > 64:  # LegacyRecord.source_table's length
        stats.read = total
        stats.skipped["table name longer than 64 characters"] += total
        return
    shop_of_file = file_shop(imp)
    by_id = ids_are_keys(imp, table)
    for batch in imp.reader.rows(table, "rowid", imp.batch_size):
        keyed = [
            ((source_key(row["id"]) if by_id else None) or f"row{stats.read + n + 1}", row)
            for n, row in enumerate(batch)
        ]
        with transaction.atomic():
            records = imp.records(table, [k for k, _ in keyed], "normalized")
            now = timezone.now()
            new: list[dict[str, object]] = []
            for source_id, row in keyed:
                stats.read += 1
                owner_id = row.get("user_id") if row.get("user_id") is not None else row.get("owner_id")
                owner = imp.user_of(owner_id)
                shop_pk = owner[1] if owner is not None else shop_of_file
                digest = checksum(row)
                record = records.get(source_id)
                if record is not None and record["checksum"] == digest and record["normalized"] is not None:
                    stats.unchanged += 1
                    continue
                normalized, problems = normalize_row(table, row)
                imp.report.value_problems.extend(f"{table}#{source_id}: {problem}" for problem in problems)
                values = {
                    "shop_id": shop_pk,
                    "archived": True,
                    "payload": json_row(row),
                    "normalized": normalized,
                    "checksum": digest,
                    "updated_at": now,
                }
                if record is None:
                    new.append({"source_table": table, "source_id": source_id, "imported_at": now, **values})
                    stats.archived += 1
                else:
                    LegacyRecord.objects.filter(pk=record_pk(record)).update(**values)
                    stats.updated += 1
            insert_rows(LegacyRecord, new)
        imp.progress(table, stats.read, total)

"""What the business tables share: the run over one table (each row's identity, its ``LegacyRecord``,
what happened to it) and small readers of loosely typed legacy columns.

A row that went into a model has a record with ``target_type``/``target_id`` and ``archived=False``;
a row that could not (no customer, an overlap, a failed payment) keeps ``archived=True`` with the
reason in the report. Either way the record keeps the row in ``payload`` and its clean timestamps and
money in ``normalized``, so nothing the old system held is lost (visits, commission, tips…).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from legacy.archive import ids_are_keys
from legacy.bulk import insert_rows
from legacy.models import LegacyRecord, record_pk
from legacy.parsers import checksum, clean_text, json_row, normalize_row, source_key
from legacy.report import TableStats

if TYPE_CHECKING:
    from legacy.importer import Importer

DELETED_SINCE = "made by an earlier import and deleted in the product since (not made again)"


@dataclass
class Outcome:
    """What became of one legacy row: its target's pk, or none and the ``reason`` it stays archived;
    ``note`` is counted in the table's report line (``note 3: merged with ...``)."""

    target_id: str = ""
    reason: str = ""
    note: str = ""


@dataclass
class Business:
    """One run over the file's business tables, which all belong to one shop (``shop_pk``)."""

    imp: Importer
    shop_pk: int
    # table -> legacy id -> target pk (as text), for the rows later tables point at
    targets: dict[str, dict[str, str]] = field(default_factory=dict)
    new_services: set[str] = field(default_factory=set)
    new_barbers: set[str] = field(default_factory=set)

    def problem(self, table: str, source_id: str, text: str) -> None:
        self.imp.report.business.append(f"{table}#{source_id}: {text}")


Handler = Callable[[str, dict[str, object], str | None], Outcome]


def new_pk() -> str:
    return str(uuid.uuid4())


def keyed_batches(imp: Importer, table: str) -> Iterator[list[tuple[str, dict[str, object]]]]:
    """Batches of (legacy id, row); rows without a usable id are known by position (``row<n>``),
    as the archive knows them, so records made by earlier runs are found again."""
    by_id = ids_are_keys(imp, table)
    n = 0
    for batch in imp.reader.rows(table, "rowid", imp.batch_size):
        keyed = []
        for row in batch:
            n += 1
            keyed.append(((source_key(row.get("id")) if by_id else None) or f"row{n}", row))
        yield keyed


def run_table(
    biz: Business,
    table: str,
    target_type: str,
    alive: set[str],
    handle: Handler,
    flush: Callable[[], None] = lambda: None,
) -> None:
    """Each row of ``table`` through ``handle`` (which queues its writes; ``flush`` does them at the end
    of the batch), then its record written, a batch per transaction. ``alive``: the pks of
    ``target_type`` the shop has now, so a record whose target was deleted is told apart."""
    imp = biz.imp
    stats = imp.report.tables[table]
    total = imp.reader.count(table)
    targets = biz.targets.setdefault(table, {})
    for batch in keyed_batches(imp, table):
        with transaction.atomic():
            records = imp.records(
                table, [k for k, _ in batch], "target_type", "target_id", "archived", "normalized", "shop_id"
            )
            done: list[tuple[str, dict[str, object], str, Outcome]] = []
            for source_id, row in batch:
                stats.read += 1
                digest = checksum(row)
                record = records.get(source_id)
                # The same row archived under another shop (earlier runs took the first barbershops
                # owner's, a test user's too) is promoted; otherwise the id (unique per file only) is
                # another file's row.
                if (
                    record is not None
                    and record["shop_id"] not in (None, biz.shop_pk)
                    and (record["target_id"] or record["checksum"] != digest)
                ):
                    stats.skipped["id already imported for another shop"] += 1
                    continue
                made_before = bool(record and record["target_type"] == target_type and record["target_id"])
                current = (
                    str(record["target_id"]) if record and made_before and str(record["target_id"]) in alive else None
                )
                if record is not None and record["checksum"] == digest and record["normalized"] is not None:
                    if current is not None:
                        targets[source_id] = current
                        stats.unchanged += 1
                        continue
                    if made_before:
                        stats.unchanged += 1
                        stats.notes[DELETED_SINCE] += 1
                        continue
                done.append((source_id, row, digest, handle(source_id, row, current)))
            flush()
            _write_records(biz, table, target_type, done, records)
        imp.progress(table, stats.read, total)


def _write_records(
    biz: Business,
    table: str,
    target_type: str,
    done: list[tuple[str, dict[str, object], str, Outcome]],
    records: dict[str, dict[str, object]],
) -> None:
    imp, stats, now = biz.imp, biz.imp.report.tables[table], timezone.now()
    new: list[dict[str, object]] = []
    changed: list[LegacyRecord] = []
    for source_id, row, digest, outcome in done:
        record = records.get(source_id)
        normalized, problems = normalize_row(table, row)
        if record is None or record["checksum"] != digest:
            imp.report.value_problems.extend(f"{table}#{source_id}: {problem}" for problem in problems)
        if outcome.target_id:
            biz.targets[table][source_id] = outcome.target_id
        elif outcome.reason:
            biz.problem(table, source_id, f"kept archived: {outcome.reason}")
        values = {
            "shop_id": biz.shop_pk,
            "target_type": target_type if outcome.target_id else "",
            "target_id": outcome.target_id,
            "archived": not outcome.target_id,
            "payload": json_row(row),
            "normalized": normalized,
            "checksum": digest,
            "updated_at": now,
        }
        if record is None:
            new.append({"source_table": table, "source_id": source_id, "imported_at": now, **values})
        else:
            changed.append(LegacyRecord(pk=record_pk(record), **values))
        _count(stats, outcome, record, digest)
    insert_rows(LegacyRecord, new)
    if changed:
        LegacyRecord.objects.bulk_update(changed, [k for k in values if k != "shop_id"] + ["shop"])


def _count(stats: TableStats, outcome: Outcome, record: dict[str, object] | None, digest: str) -> None:
    if outcome.note:
        stats.notes[outcome.note] += 1
    if not outcome.target_id:
        # Still out for the same reason and unchanged: nothing new happened to it.
        same = bool(record and record["archived"] and not record["target_id"] and record["checksum"] == digest)
        stats.unchanged += int(same)
        stats.archived += int(not same)
    elif record is not None and record["target_id"]:
        stats.updated += 1
    else:
        stats.created += 1
        if record is not None:
            stats.notes["promoted from an earlier run's archive"] += 1


# --- loosely typed columns ----------------------------------------------------------------------


def pick(row: dict[str, object], *names: str) -> object:
    """The first of ``names`` the row has with a value (columns differ between legacy versions)."""
    for name in names:
        value = row.get(name)
        if value is not None and value != "":
            return value
    return None


def text(row: dict[str, object], *names: str, limit: int | None = None) -> str:
    value = clean_text(pick(row, *names)).strip()
    return value[:limit] if limit else value


def truthy(value: object, default: bool = True) -> bool:
    """A legacy boolean (0/1, or text from odd writers); NULL is ``default``."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() not in {"0", "false", "f", "no", "n", "off", "inactive"}
    return bool(value)


def recorded_targets(table: str, target_type: str, alive: set[str]) -> dict[str, str]:
    """Legacy id -> target pk of the rows of ``table`` imported by this or earlier runs, still there."""
    rows = LegacyRecord.objects.filter(source_table=table, target_type=target_type).values_list(
        "source_id", "target_id"
    )
    return {source_id: target for source_id, target in rows.iterator(chunk_size=5000) if target in alive}

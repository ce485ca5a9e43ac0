"""``shop_profiles`` → the shop's settings; ``agents`` → the catalog's matching agents."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from agents.models import Agent
from legacy.models import LegacyRecord, record_pk
from legacy.notifications import import_preferences
from legacy.parsers import (
    AGENT_ALIASES,
    checksum,
    clean_text,
    id_sort_key,
    json_row,
    normalize_row,
    parse_profile,
    parse_timestamp,
    source_key,
)
from notifications.models import Preference
from sixfb.models import Shop

if TYPE_CHECKING:
    from legacy.importer import Importer

EPOCH = datetime.min.replace(tzinfo=UTC)


def import_profiles(imp: Importer) -> None:
    """The newest row per shop sets the shop's fields; every row is kept (older ones archived)."""
    stats = imp.report.tables["shop_profiles"]
    total = imp.reader.count("shop_profiles")
    # Pass 1: the newest row per shop (one small tuple per shop, not the rows). Users merged by email
    # share a shop, so "newest" is per shop, not per legacy user id.
    newest: dict[int, tuple[datetime, tuple, str]] = {}
    for batch in imp.reader.rows("shop_profiles", "id", imp.batch_size):
        for row in batch:
            target = imp.user_of(row.get("user_id"))
            source_id = source_key(row.get("id"))
            if target is None or source_id is None:
                continue
            key = (parse_timestamp(row.get("created_at")) or EPOCH, id_sort_key(row["id"]), source_id)
            if target[1] not in newest or key > newest[target[1]]:
                newest[target[1]] = key
    current = {source_id for _, _, source_id in newest.values()}
    # Pass 2: write.
    for batch in imp.reader.rows("shop_profiles", "id", imp.batch_size):
        with transaction.atomic():
            _profile_batch(imp, batch, current)
        imp.progress("shop_profiles", stats.read, total)


def _profile_batch(imp: Importer, batch: list[dict[str, object]], current: set[str]) -> None:
    stats = imp.report.tables["shop_profiles"]
    records = imp.records(
        "shop_profiles", [k for r in batch if (k := source_key(r.get("id")))], "target_type", "normalized"
    )
    now = timezone.now()
    new = []
    for row in batch:
        source_id = imp.row_id(row, stats)
        if source_id is None:
            continue
        target = imp.owner_of(row, stats)
        if target is None:
            continue
        shop_pk, is_current = target[1], source_id in current
        digest = checksum(row)
        record = records.get(source_id)
        changed = record is None or record["checksum"] != digest
        # A row that a newer one replaced, or one recorded before normalised values were kept.
        stale = record is not None and (
            (record["target_type"] == "sixfb.shop") != is_current or record["normalized"] is None
        )
        if not changed and not stale:
            stats.unchanged += 1
            if is_current and not Preference.objects.filter(shop_id=shop_pk, user_id=target[0]).exists():
                # imported before preferences had a home: they get one now
                legacy = parse_profile(row.get("profile_data"))[0].get("notifications")
                import_preferences(imp, shop_pk=shop_pk, user_pk=target[0], legacy=legacy, changed=True)
            continue
        fields, error = parse_profile(row.get("profile_data"))
        notifications = fields.pop("notifications", None)
        if is_current:
            import_preferences(imp, shop_pk=shop_pk, user_pk=target[0], legacy=notifications, changed=changed)
        if changed:
            if error:
                imp.report.profile_errors.append(f"shop_profiles#{source_id} (user {row.get('user_id')}): {error}")
            if is_current and fields:
                Shop.objects.filter(pk=shop_pk).update(**fields, updated_at=now)
        values = {
            "shop_id": shop_pk,
            "target_type": "sixfb.shop" if is_current else "",
            "target_id": str(shop_pk) if is_current else "",
            "archived": not is_current,
            # The legacy notification preferences as they were (the owner's Preference holds their meaning).
            "payload": {"row": json_row(row), "notifications": notifications},
            "normalized": normalize_row("shop_profiles", row)[0],
            "checksum": digest,
            "updated_at": now,
        }
        if record is None:
            new.append(LegacyRecord(source_table="shop_profiles", source_id=source_id, imported_at=now, **values))
            stats.created += 1
        else:
            LegacyRecord.objects.filter(pk=record_pk(record)).update(**values)
            stats.updated += 1
    LegacyRecord.objects.bulk_create(new)


def import_agents(imp: Importer) -> None:
    """Legacy ``agents`` rows update the matching catalog agent (name, description, status).

    An id the catalog does not have becomes a retired agent, as in chat history; it keeps the legacy
    name and description but stays retired (it has no instructions to answer with). An alias
    (``agentic_coach``) is recorded against its agent without renaming it.
    """
    stats = imp.report.tables["agents"]
    for batch in imp.reader.rows("agents", "rowid", imp.batch_size):
        with transaction.atomic():
            records = imp.records("agents", [k for r in batch if (k := source_key(r.get("id")))])
            for row in batch:
                source_id = imp.row_id(row, stats)
                if source_id is None:
                    continue
                digest = checksum(row)
                record = records.get(source_id)
                if record is not None and record["checksum"] == digest:
                    stats.unchanged += 1
                    continue
                agent = imp.agent_for(row.get("id"))
                if clean_text(row.get("id")).strip() not in AGENT_ALIASES:
                    _update_agent(agent, row)
                values = {
                    "target_type": "agents.agent",
                    "target_id": str(agent.pk),
                    "payload": json_row(row),
                    "checksum": digest,
                    "updated_at": timezone.now(),
                }
                LegacyRecord.objects.update_or_create(source_table="agents", source_id=source_id, defaults=values)
                stats.created += record is None
                stats.updated += record is not None
        imp.progress("agents", stats.read, stats.read)


def _update_agent(agent: Agent, row: dict[str, object]) -> None:
    changed: dict[str, object] = {}
    if name := clean_text(row.get("name")).strip():
        changed["name"] = name[:80]
    if description := clean_text(row.get("description")).strip():
        changed["description"] = description[:200]
    status = clean_text(row.get("status")).strip().lower()
    if status in Agent.Status.values and status != agent.status and agent.status != Agent.Status.RETIRED:
        changed["status"] = status
        changed["status_changed_at"] = timezone.now()
    if changed:
        Agent.objects.filter(pk=agent.pk).update(**changed, updated_at=timezone.now())

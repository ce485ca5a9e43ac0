"""The import itself: legacy rows in, a ``LegacyRecord`` for each, a report out.

Writes rows directly with bulk inserts (no ``shop_create``, no ``save()``), so no signals, analytics,
mail or websocket broadcasts happen. Every row's identity is ``(source_table, source_id)`` in
``LegacyRecord``; its ``checksum`` tells a second run whether to update it or leave it alone.
The tables are done by ``users``, ``profiles`` (shop_profiles, agents), ``chat``, ``business`` (the
shop's services, barbers, customers, appointments, payments), ``notifications`` and ``archive``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils.text import slugify

from agents.models import Agent
from bookings.models import Appointment, Barber, Customer, Payment, Service
from chat.models import Conversation, Message
from legacy import archive, chat, profiles, users
from legacy.bulk import analyze
from legacy.business import BUSINESS_TABLES, import_business
from legacy.models import LegacyRecord
from legacy.notifications import NOTIFICATION_TABLES, import_notifications
from legacy.parsers import AGENT_ALIASES, as_int, source_key
from legacy.reader import TOO_LONG, LegacyReader
from legacy.report import Report, TableStats
from notifications.models import Delivery, Notification, Preference
from sixfb.models import Membership, Shop, User

TABLES = ("users", "shop_profiles", "agents", "chat_history", "business", *NOTIFICATION_TABLES, "archive")


class DryRunRollback(Exception):
    pass


class ImportOptionError(Exception):
    """An option names something this file does not have (e.g. ``--only`` with an unknown table)."""


class Importer:
    def __init__(
        self,
        path: str | Path,
        *,
        dry_run: bool = False,
        only: set[str] | None = None,
        batch_size: int = 1000,
        strict: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        self.reader = LegacyReader(path)
        known = set(TABLES) | {t for t in BUSINESS_TABLES if self.reader.has(t)} | set(self.reader.archived_tables())
        if only and (unknown := only - known):
            self.reader.close()
            raise ImportOptionError(
                f"--only: unknown table {', '.join(sorted(unknown))}. This file has: {', '.join(sorted(known))}."
            )
        self.dry_run = dry_run
        self.only = only or set(TABLES)
        self.batch_size = batch_size
        self.strict = strict
        self.progress = progress or (lambda table, done, total: None)
        self.report = Report(dry_run=dry_run, read_from_copy=self.reader.copied_from is not None)
        # legacy user id -> (django user pk, shop pk); filled by users or from earlier runs' records
        self.user_map: dict[int, tuple[int, int]] = {}
        self.agent_cache: dict[str, Agent] = {}
        self.recorded_before: dict[str, bool] = {}

    # --- driver --------------------------------------------------------------------------------
    def run(self) -> Report:
        whole_run_atomic = self.dry_run or self.strict
        try:
            if whole_run_atomic:
                # A dry run is a real import rolled back at the end: it checks exactly what the import
                # would do. PostgreSQL sequences are not transactional, so ids it used stay used (gaps).
                with transaction.atomic():
                    self._run_all()
                    if self.dry_run or (self.strict and self.report.skipped_total):
                        raise DryRunRollback
            else:
                self._run_all()
            analyze([User, EmailAddress, Shop, Membership, Conversation, Message, LegacyRecord])
            analyze([Service, Barber, Customer, Appointment, Payment])
            analyze([Notification, Delivery, Preference])
        except DryRunRollback:
            self.report.rolled_back = True
        finally:
            self.report.undecodable_text = self.reader.undecodable_text
            self.reader.close()
        return self.report

    def _run_all(self) -> None:
        if "users" in self.only:
            users.import_users(self)
        self.load_user_map()
        if "shop_profiles" in self.only and self.reader.has("shop_profiles"):
            profiles.import_profiles(self)
        if "agents" in self.only and self.reader.has("agents"):
            profiles.import_agents(self)
        if "chat_history" in self.only:
            chat.import_chat(self)
        import_business(
            self, [t for t in BUSINESS_TABLES if self.reader.has(t) and ("business" in self.only or t in self.only)]
        )
        for table in NOTIFICATION_TABLES:  # after business: a message's recipient may be a customer
            if table in self.only and self.reader.has(table):
                import_notifications(self, table)
        for table in self.reader.archived_tables():
            if "archive" in self.only or table in self.only:
                archive.archive_table(self, table)
        for table, rowids in self.reader.too_long.items():  # left out by the reader, never read
            stats = self.report.tables[table]
            stats.read += len(rowids)
            stats.skipped[TOO_LONG] += len(rowids)

    # --- shared --------------------------------------------------------------------------------
    def load_user_map(self) -> None:
        shops = dict(
            Membership.objects.filter(role=Membership.Role.OWNER).values_list("user_id", "shop_id").order_by("-pk")
        )
        for source_id, target_id in LegacyRecord.objects.filter(source_table="users").values_list(
            "source_id", "target_id"
        ):
            user_pk, legacy_id = as_int(target_id), as_int(source_id)
            if user_pk in shops and legacy_id is not None:
                self.user_map[legacy_id] = (user_pk, shops[user_pk])

    def row_id(self, row: dict[str, object], stats: TableStats) -> str | None:
        """Count the row as read; its legacy id, or None (counted as skipped) when it has none."""
        stats.read += 1
        source_id = source_key(row.get("id"))
        if source_id is None:
            stats.skipped["no id"] += 1
        return source_id

    def user_of(self, legacy_user_id: object) -> tuple[int, int] | None:
        """(user pk, shop pk) of a legacy user id (``7``, ``"7"``…), or None when none was imported."""
        key = as_int(legacy_user_id)
        return None if key is None else self.user_map.get(key)

    def owner_of(self, row: dict[str, object], stats: TableStats) -> tuple[int, int] | None:
        """(user pk, shop pk) of the row's legacy ``user_id``, or None (counted as skipped)."""
        target = self.user_of(row.get("user_id"))
        if target is None:
            stats.skipped["user not found"] += 1
        return target

    def records(self, table: str, ids: list[str], *fields: str) -> dict[str, dict[str, object]]:
        """What earlier runs recorded for these legacy rows: source_id -> {pk, checksum, *fields}."""
        if table not in self.recorded_before:
            self.recorded_before[table] = LegacyRecord.objects.filter(source_table=table).exists()
        if not self.recorded_before[table]:
            # A first import of this table: nothing to find, since this run reads each row once.
            return {}
        found = LegacyRecord.objects.filter(source_table=table, source_id__in=ids)
        return {r["source_id"]: r for r in found.values("pk", "source_id", "checksum", *fields)}

    def agent_for(self, legacy_id: object) -> Agent:
        text = str(legacy_id or "").strip()
        slug = AGENT_ALIASES.get(text, text)
        if slug not in self.agent_cache:
            agent_slug = slugify(slug)[:60] or "unknown-agent"
            agent = Agent.objects.filter(slug=agent_slug).first()
            if agent is None:
                name = (slug.replace("_", " ").title() or "Unknown agent")[:80]
                agent = Agent.objects.create(
                    slug=agent_slug,
                    name=name,
                    role=name,
                    description="An agent from the old system, kept for its conversation history.",
                    system_prompt="",
                    status=Agent.Status.RETIRED,
                )
                self.report.retired_agents.append(agent.slug)
            self.agent_cache[slug] = agent
        return self.agent_cache[slug]

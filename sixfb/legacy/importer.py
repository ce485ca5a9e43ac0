"""The import itself: legacy rows in, ``LegacyRecord`` for each, a report out.

Writes rows directly (no ``shop_create``), so no analytics, mail or websocket broadcasts happen.
Every row's identity is ``(source_table, source_id)`` in ``LegacyRecord``; its ``checksum`` tells a
second run whether to update it or leave it alone.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify

from agents.models import Agent
from chat.models import Conversation, Message
from sixfb.legacy.parsers import django_password, parse_profile, parse_timestamp, reply_text
from sixfb.legacy.reader import LegacyReader
from sixfb.lib.slugs import unique_slug
from sixfb.models import LegacyRecord, Membership, Shop, User, normalize_email

AGENT_ALIASES = {"agentic_coach": "business_coach"}
TABLES = ("users", "shop_profiles", "agents", "chat_history", "archive")


class DryRunRollback(Exception):
    pass


@dataclass
class TableStats:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    skipped: Counter = field(default_factory=Counter)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


@dataclass
class Report:
    tables: dict[str, TableStats] = field(default_factory=lambda: defaultdict(TableStats))
    unusable_passwords: list[str] = field(default_factory=list)
    merged: list[tuple[str, list[str]]] = field(default_factory=list)
    profile_errors: list[str] = field(default_factory=list)
    retired_agents: list[str] = field(default_factory=list)
    dry_run: bool = False
    rolled_back: bool = False

    @property
    def skipped_total(self) -> int:
        return sum(t.skipped_total for t in self.tables.values())


def checksum(row: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()


def _aware(value: object, default: datetime | None = None) -> datetime:
    return parse_timestamp(value) or default or timezone.now()


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
        self.dry_run = dry_run
        self.only = only or set(TABLES)
        self.batch_size = batch_size
        self.strict = strict
        self.progress = progress or (lambda table, done, total: None)
        self.report = Report(dry_run=dry_run)
        # legacy user id -> (django user pk, shop pk); filled by users or from earlier runs' records
        self.user_map: dict[int, tuple[int, int]] = {}
        self.agent_cache: dict[str, Agent] = {}

    # --- driver --------------------------------------------------------------------------------
    def run(self) -> Report:
        whole_run_atomic = self.dry_run or self.strict
        try:
            if whole_run_atomic:
                with transaction.atomic():
                    self._run_all()
                    if self.dry_run or (self.strict and self.report.skipped_total):
                        raise DryRunRollback
            else:
                self._run_all()
        except DryRunRollback:
            self.report.rolled_back = True
        finally:
            self.reader.close()
        return self.report

    def _run_all(self) -> None:
        if "users" in self.only:
            self.import_users()
        self._load_user_map()
        if "shop_profiles" in self.only and self.reader.has("shop_profiles"):
            self.import_profiles()
        if "agents" in self.only and self.reader.has("agents"):
            self.import_agents()
        if "chat_history" in self.only:
            self.import_chat()
        if "archive" in self.only or self.only & set(self.reader.archived_tables()):
            for table in self.reader.archived_tables():
                if "archive" in self.only or table in self.only:
                    self.archive_table(table)

    def _load_user_map(self) -> None:
        shops = dict(
            Membership.objects.filter(role=Membership.Role.OWNER).values_list("user_id", "shop_id").order_by("-pk")
        )
        for source_id, target_id in LegacyRecord.objects.filter(source_table="users").values_list(
            "source_id", "target_id"
        ):
            user_pk = int(target_id)
            if user_pk in shops:
                self.user_map[int(source_id)] = (user_pk, shops[user_pk])

    def _records(self, table: str, ids: list[str]) -> dict[str, LegacyRecord]:
        return {r.source_id: r for r in LegacyRecord.objects.filter(source_table=table, source_id__in=ids)}

    # --- users ---------------------------------------------------------------------------------
    def import_users(self) -> None:
        stats = self.report.tables["users"]
        groups: dict[str, list[dict[str, object]]] = defaultdict(list)
        total = self.reader.count("users")
        for batch in self.reader.rows("users", "id", self.batch_size):
            for row in batch:
                stats.read += 1
                email = normalize_email(str(row.get("email") or ""))
                if "@" not in email:
                    stats.skipped["no usable email"] += 1
                    continue
                groups[email].append(row)
        done = 0
        items = list(groups.items())
        for start in range(0, len(items), self.batch_size):
            chunk = items[start : start + self.batch_size]
            with transaction.atomic():
                records = self._records("users", [str(r["id"]) for _, rows in chunk for r in rows])
                for email, rows in chunk:
                    rows.sort(key=lambda r: (_aware(r.get("created_at")), r["id"]))
                    self._import_person(email, rows, records, stats)
            done += sum(len(rows) for _, rows in chunk)
            self.progress("users", done, total)

    def _import_person(
        self, email: str, rows: list[dict[str, object]], records: dict[str, LegacyRecord], stats: TableStats
    ) -> None:
        oldest = rows[0]
        if len(rows) > 1:
            self.report.merged.append((email, [str(r["email"]) for r in rows]))
        password = django_password(oldest.get("password_hash"))
        if password is None:
            for other in rows[1:]:
                password = django_password(other.get("password_hash"))
                if password:
                    break
        joined = _aware(oldest.get("created_at"))
        is_active = any(bool(r.get("is_active", 1)) for r in rows)
        digest = checksum({"rows": rows})
        existing = records.get(str(oldest["id"]))
        if existing is not None:
            user = User.objects.filter(pk=int(existing.target_id)).first()
        else:
            user = User.objects.filter(email__iexact=email).first()
        if password is None and (user is None or existing is None or existing.checksum != digest):
            self.report.unusable_passwords.append(email)
        if user is None:
            user = User(email=email, date_joined=joined, is_active=is_active)
            user.password = password or make_password(None)
            user.save()
            # The old system let them in with this address for years: treat it as verified, so
            # mandatory verification does not lock them out (no mail is sent).
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            stats.created += len(rows)
        elif existing is not None and existing.checksum == digest:
            stats.unchanged += len(rows)
        elif existing is None:
            # Someone already signed up here with this email: link the legacy rows, change nothing of theirs.
            stats.updated += len(rows)
        else:
            changed: dict[str, object] = {"date_joined": joined, "is_active": is_active}
            # Only replace a password the legacy row changed; never undo an upgrade made on login.
            if password and existing.payload != oldest.get("password_hash"):
                changed["password"] = password
            User.objects.filter(pk=user.pk).update(**changed)
            stats.updated += len(rows)
        membership = Membership.objects.filter(user=user, role=Membership.Role.OWNER).order_by("pk").first()
        if membership is None:
            shop_name = str(oldest.get("shop_name") or "").strip() or f"{email.split('@')[0]}'s shop"
            shop = Shop.objects.create(
                name=shop_name[:120], slug=unique_slug(Shop, shop_name, fallback="shop", max_length=140), email=email
            )
            membership = Membership.objects.create(shop=shop, user=user, role=Membership.Role.OWNER)
        shop_id = membership.shop_id
        now = timezone.now()
        for row in rows:
            LegacyRecord.objects.update_or_create(
                source_table="users",
                source_id=str(row["id"]),
                defaults={
                    "shop_id": shop_id,
                    "target_type": "sixfb.user",
                    "target_id": str(user.pk),
                    "checksum": digest,
                    "payload": oldest.get("password_hash") if row is oldest else None,
                    "updated_at": now,
                },
            )

    # --- shop profiles -------------------------------------------------------------------------
    def import_profiles(self) -> None:
        stats = self.report.tables["shop_profiles"]
        newest: dict[int, tuple[datetime, int]] = {}
        for batch in self.reader.rows("shop_profiles", "id", self.batch_size):
            for row in batch:
                stats.read += 1
                key = (_aware(row.get("created_at")), int(row["id"]))
                uid = int(row["user_id"])
                if uid not in newest or key > newest[uid]:
                    newest[uid] = key
        current = {pid for _, pid in newest.values()}
        for batch in self.reader.rows("shop_profiles", "id", self.batch_size):
            with transaction.atomic():
                records = self._records("shop_profiles", [str(r["id"]) for r in batch])
                for row in batch:
                    self._import_profile(row, row["id"] in current, records, stats)
        self.progress("shop_profiles", stats.read, stats.read)

    def _import_profile(
        self, row: dict[str, object], is_current: bool, records: dict[str, LegacyRecord], stats: TableStats
    ) -> None:
        target = self.user_map.get(int(row["user_id"]))
        if target is None:
            stats.skipped["user not found"] += 1
            return
        shop_pk = target[1]
        digest = checksum(row)
        record = records.get(str(row["id"]))
        if record is not None and record.checksum == digest:
            stats.unchanged += 1
            return
        fields, error = parse_profile(row.get("profile_data"))
        if error:
            self.report.profile_errors.append(f"shop_profiles#{row['id']} (user {row['user_id']}): {error}")
        notifications = fields.pop("notifications", None)
        if is_current and fields:
            Shop.objects.filter(pk=shop_pk).update(**fields, updated_at=timezone.now())
        LegacyRecord.objects.update_or_create(
            source_table="shop_profiles",
            source_id=str(row["id"]),
            defaults={
                "shop_id": shop_pk,
                "target_type": "sixfb.shop" if is_current else "",
                "target_id": str(shop_pk) if is_current else "",
                "archived": not is_current,
                "payload": {"row": row, "notifications": notifications},
                "checksum": digest,
                "updated_at": timezone.now(),
            },
        )
        if record is None:
            stats.created += 1
        else:
            stats.updated += 1

    # --- agents --------------------------------------------------------------------------------
    def agent_for(self, legacy_id: str) -> Agent:
        slug = AGENT_ALIASES.get(legacy_id, legacy_id)
        if slug not in self.agent_cache:
            agent = Agent.objects.filter(slug=slugify(slug)[:60] or "unknown-agent").first()
            if agent is None:
                name = slug.replace("_", " ").title()[:80]
                agent = Agent.objects.create(
                    slug=slugify(slug)[:60] or "unknown-agent",
                    name=name,
                    role=name,
                    description="An agent from the old system, kept for its conversation history.",
                    system_prompt="",
                    status=Agent.Status.RETIRED,
                )
                self.report.retired_agents.append(agent.slug)
            self.agent_cache[slug] = agent
        return self.agent_cache[slug]

    def import_agents(self) -> None:
        stats = self.report.tables["agents"]
        for batch in self.reader.rows("agents", "rowid", self.batch_size):
            with transaction.atomic():
                records = self._records("agents", [str(r["id"]) for r in batch])
                for row in batch:
                    stats.read += 1
                    digest = checksum(row)
                    record = records.get(str(row["id"]))
                    if record is not None and record.checksum == digest:
                        stats.unchanged += 1
                        continue
                    agent = self.agent_for(str(row["id"]))
                    changed = {}
                    if row.get("name"):
                        changed["name"] = str(row["name"])[:80]
                    if row.get("description"):
                        changed["description"] = str(row["description"])[:200]
                    if row.get("status") in Agent.Status.values:
                        changed["status"] = row["status"]
                    Agent.objects.filter(pk=agent.pk).update(**changed)
                    LegacyRecord.objects.update_or_create(
                        source_table="agents",
                        source_id=str(row["id"]),
                        defaults={
                            "target_type": "agents.agent",
                            "target_id": str(agent.pk),
                            "checksum": digest,
                            "updated_at": timezone.now(),
                        },
                    )
                    stats.created += record is None
                    stats.updated += record is not None

    # --- chat history --------------------------------------------------------------------------
    def import_chat(self) -> None:
        stats = self.report.tables["chat_history"]
        total = self.reader.count("chat_history")
        conversations: dict[tuple[int, int], int] = {}
        for rec in LegacyRecord.objects.filter(source_table="chat_history.conversation").values_list(
            "source_id", "target_id"
        ):
            user_pk, agent_pk = rec[0].split(":")
            conversations[(int(user_pk), int(agent_pk))] = int(rec[1])
        touched: set[int] = set()
        for batch in self.reader.rows("chat_history", "id", self.batch_size):
            with transaction.atomic():
                self._chat_batch(batch, conversations, touched, stats)
            self.progress("chat_history", stats.read, total)
        if touched:
            latest = Message.objects.filter(conversation=OuterRef("pk")).values("conversation")
            latest = latest.annotate(m=Max("created_at")).values("m")
            ids = list(touched)
            for start in range(0, len(ids), 5000):
                Conversation.objects.filter(pk__in=ids[start : start + 5000]).update(updated_at=Subquery(latest))

    def _chat_batch(
        self,
        batch: list[dict[str, object]],
        conversations: dict[tuple[int, int], int],
        touched: set[int],
        stats: TableStats,
    ) -> None:
        records = self._records("chat_history", [str(r["id"]) for r in batch])
        new_msgs: list[tuple[dict[str, object], Message, Message, datetime]] = []
        updates: list[Message] = []
        for row in batch:
            stats.read += 1
            target = self.user_map.get(int(row["user_id"]))
            if target is None:
                stats.skipped["user not found"] += 1
                continue
            digest = checksum(row)
            record = records.get(str(row["id"]))
            if record is not None and record.checksum == digest:
                stats.unchanged += 1
                continue
            user_pk, shop_pk = target
            agent = self.agent_for(str(row["agent_id"]))
            when = _aware(row.get("created_at"))
            question = str(row.get("message") or "")
            answer = reply_text(row.get("response"))
            if record is not None:
                user_msg_pk, reply_pk = (int(x) for x in record.target_id.split(","))
                Message.objects.filter(pk=user_msg_pk).update(content=question, created_at=when)
                Message.objects.filter(pk=reply_pk).update(content=answer, created_at=when + timedelta(microseconds=1))
                record.checksum = digest
                record.updated_at = timezone.now()
                record.save(update_fields=["checksum", "updated_at"])
                stats.updated += 1
                continue
            key = (user_pk, agent.pk)
            if key not in conversations:
                conv = Conversation.objects.create(
                    shop_id=shop_pk, user_id=user_pk, agent=agent, title=question.strip()[:120]
                )
                Conversation.objects.filter(pk=conv.pk).update(created_at=when)
                LegacyRecord.objects.create(
                    source_table="chat_history.conversation",
                    source_id=f"{user_pk}:{agent.pk}",
                    shop_id=shop_pk,
                    target_type="chat.conversation",
                    target_id=str(conv.pk),
                    checksum="",
                )
                conversations[key] = conv.pk
            conv_pk = conversations[key]
            touched.add(conv_pk)
            common = {"conversation_id": conv_pk, "shop_id": shop_pk, "status": Message.Status.COMPLETE}
            new_msgs.append(
                (
                    {"row": row, "digest": digest},
                    Message(role=Message.Role.USER, content=question, **common),
                    Message(role=Message.Role.ASSISTANT, content=answer, model="legacy", **common),
                    when,
                )
            )
        if not new_msgs:
            return
        Message.objects.bulk_create([m for _, q, a, _ in new_msgs for m in (q, a)], batch_size=self.batch_size)
        legacy_records = []
        now = timezone.now()
        for meta, question_msg, answer_msg, when in new_msgs:
            # bulk_create runs auto_now_add; put the legacy times back and save them with bulk_update.
            question_msg.created_at = question_msg.updated_at = when
            answer_msg.created_at = answer_msg.updated_at = when + timedelta(microseconds=1)
            updates.extend((question_msg, answer_msg))
            legacy_records.append(
                LegacyRecord(
                    source_table="chat_history",
                    source_id=str(meta["row"]["id"]),
                    shop_id=question_msg.shop_id,
                    target_type="chat.message",
                    target_id=f"{question_msg.pk},{answer_msg.pk}",
                    checksum=meta["digest"],
                    imported_at=now,
                    updated_at=now,
                )
            )
            stats.created += 1
        Message.objects.bulk_update(updates, ["created_at", "updated_at"], batch_size=self.batch_size)
        LegacyRecord.objects.bulk_create(legacy_records, batch_size=self.batch_size)

    # --- archive -------------------------------------------------------------------------------
    def _file_shop(self) -> int | None:
        """Business tables hold no shop column: they belong to the file's one shop (its barbershops owner)."""
        if self.reader.has("barbershops", "owner_id"):
            for (owner,) in self.reader.conn.execute("SELECT owner_id FROM barbershops ORDER BY rowid"):
                try:
                    return self.user_map[int(owner)][1]
                except (KeyError, ValueError, TypeError):
                    continue
        shops = {shop for _, shop in self.user_map.values()}
        return next(iter(shops)) if len(shops) == 1 else None

    def archive_table(self, table: str) -> None:
        stats = self.report.tables[table]
        total = self.reader.count(table)
        file_shop = self._file_shop()
        for batch in self.reader.rows(table, "rowid", self.batch_size):
            with transaction.atomic():
                keyed = []
                for n, row in enumerate(batch):
                    source_id = str(row.get("id") if row.get("id") is not None else f"row{stats.read + n + 1}")
                    keyed.append((source_id, row))
                records = self._records(table, [k for k, _ in keyed])
                new = []
                for source_id, row in keyed:
                    stats.read += 1
                    owner = row.get("user_id") or row.get("owner_id")
                    try:
                        shop_pk = self.user_map[int(owner)][1] if owner is not None else file_shop
                    except (KeyError, ValueError, TypeError):
                        shop_pk = file_shop
                    digest = checksum(row)
                    record = records.get(source_id)
                    if record is not None:
                        if record.checksum == digest:
                            stats.unchanged += 1
                        else:
                            record.payload, record.checksum, record.shop_id = row, digest, shop_pk
                            record.updated_at = timezone.now()
                            record.save(update_fields=["payload", "checksum", "shop", "updated_at"])
                            stats.updated += 1
                        continue
                    new.append(
                        LegacyRecord(
                            source_table=table,
                            source_id=source_id,
                            shop_id=shop_pk,
                            archived=True,
                            payload=json.loads(json.dumps(row, default=str)),
                            checksum=digest,
                        )
                    )
                    stats.archived += 1
                LegacyRecord.objects.bulk_create(new, batch_size=self.batch_size)
            self.progress(table, stats.read, total)

"""``chat_history`` → one ``Conversation`` per (user, agent); each row a user and an assistant ``Message``.

Per batch (one transaction): the new conversations in one insert, the messages in one insert with their
legacy times, the ``LegacyRecord`` rows in one insert, and the conversations' dates set from their
messages, so an interrupted run leaves every finished batch complete.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max, Min, OuterRef, Subquery
from django.utils import timezone

from chat.models import Conversation, Message
from sixfb.legacy.parsers import as_int, checksum, clean_text, parse_timestamp, reply_text, source_key
from sixfb.legacy.report import TableStats
from sixfb.models import LegacyRecord

if TYPE_CHECKING:
    from sixfb.legacy.importer import Importer

CONVERSATION_TABLE = "chat_history.conversation"
# The reply sorts right after its question even when both carry the same legacy time.
REPLY_OFFSET = timedelta(microseconds=1)


def import_chat(imp: Importer) -> None:
    stats = imp.report.tables["chat_history"]
    total = imp.reader.count("chat_history")
    # (user pk, agent pk) -> conversation pk, for conversations earlier runs made that still exist.
    conversations: dict[tuple[int, int], int] = {}
    recorded = LegacyRecord.objects.filter(source_table=CONVERSATION_TABLE).values_list("source_id", "target_id")
    for source_id, target_id in recorded.iterator(chunk_size=5000):
        user_pk, _, agent_pk = (as_int(part) for part in source_id.partition(":"))
        conv_pk = as_int(target_id)
        if user_pk is not None and agent_pk is not None and conv_pk is not None:
            conversations[(user_pk, agent_pk)] = conv_pk
    alive: set[int] = set()
    pks = list(conversations.values())
    for start in range(0, len(pks), 5000):
        alive.update(Conversation.objects.filter(pk__in=pks[start : start + 5000]).values_list("pk", flat=True))
    conversations = {key: pk for key, pk in conversations.items() if pk in alive}

    for batch in imp.reader.rows("chat_history", "id", imp.batch_size):
        with transaction.atomic():
            _chat_batch(imp, batch, conversations, stats)
        imp.progress("chat_history", stats.read, total)


def _chat_batch(
    imp: Importer, batch: list[dict[str, object]], conversations: dict[tuple[int, int], int], stats: TableStats
) -> None:
    records = imp.records("chat_history", [k for r in batch if (k := source_key(r.get("id")))], "target_id")
    now = timezone.now()
    new_rows: list[tuple[str, str, int, tuple[int, int], Message, Message]] = []
    new_conversations: dict[tuple[int, int], Conversation] = {}
    for row in batch:
        stats.read += 1
        source_id = source_key(row.get("id"))
        if source_id is None:
            stats.skipped["no id"] += 1
            continue
        target = imp.user_map.get(as_int(row.get("user_id")))
        if target is None:
            stats.skipped["user not found"] += 1
            continue
        digest = checksum(row)
        record = records.get(source_id)
        if record is not None and record["checksum"] == digest:
            stats.unchanged += 1
            continue
        user_pk, shop_pk = target
        agent = imp.agent_for(row.get("agent_id"))
        when = parse_timestamp(row.get("created_at"))
        if when is None:
            stats.notes["no readable created_at (import time used)"] += 1
            when = now
        question = clean_text(row.get("message"))
        answer = reply_text(row.get("response"))
        if record is not None:
            _update_row(record, digest, question, answer, when, now)
            stats.updated += 1
            continue
        key = (user_pk, agent.pk)
        if key not in conversations and key not in new_conversations:
            new_conversations[key] = Conversation(
                shop_id=shop_pk, user_id=user_pk, agent=agent, title=question.strip()[:120], created_at=when
            )
        common = {"shop_id": shop_pk, "status": Message.Status.COMPLETE}
        question_msg = Message(role=Message.Role.USER, content=question, created_at=when, **common)
        answer_msg = Message(
            role=Message.Role.ASSISTANT, content=answer, model="legacy", created_at=when + REPLY_OFFSET, **common
        )
        new_rows.append((source_id, digest, shop_pk, key, question_msg, answer_msg))
        stats.created += 1
    touched = _create_conversations(new_conversations, conversations, now)
    if not new_rows:
        return
    for _, _, _, key, question_msg, answer_msg in new_rows:
        question_msg.conversation_id = answer_msg.conversation_id = conversations[key]
        touched.add(conversations[key])
    Message.objects.bulk_create([m for *_, q, a in new_rows for m in (q, a)], batch_size=1000)
    LegacyRecord.objects.bulk_create(
        [
            LegacyRecord(
                source_table="chat_history",
                source_id=source_id,
                shop_id=shop_pk,
                target_type="chat.message",
                target_id=f"{q.pk},{a.pk}",
                checksum=digest,
                imported_at=now,
                updated_at=now,
            )
            for source_id, digest, shop_pk, _, q, a in new_rows
        ]
    )
    _date_conversations(touched)


def _update_row(
    record: dict[str, object], digest: str, question: str, answer: str, when: datetime, now: datetime
) -> None:
    question_pk, _, answer_pk = str(record["target_id"]).partition(",")
    Message.objects.filter(pk=as_int(question_pk)).update(content=question, created_at=when, updated_at=now)
    Message.objects.filter(pk=as_int(answer_pk)).update(content=answer, created_at=when + REPLY_OFFSET, updated_at=now)
    LegacyRecord.objects.filter(pk=record["pk"]).update(checksum=digest, updated_at=now)


def _create_conversations(
    new: dict[tuple[int, int], Conversation], conversations: dict[tuple[int, int], int], now: datetime
) -> set[int]:
    if not new:
        return set()
    Conversation.objects.bulk_create(list(new.values()))
    # update_conflicts: a conversation recorded by an earlier run but deleted since gets its record
    # pointed at the new one instead of failing on the unique (source_table, source_id).
    LegacyRecord.objects.bulk_create(
        [
            LegacyRecord(
                source_table=CONVERSATION_TABLE,
                source_id=f"{user_pk}:{agent_pk}",
                shop_id=conv.shop_id,
                target_type="chat.conversation",
                target_id=str(conv.pk),
                checksum="",
                imported_at=now,
                updated_at=now,
            )
            for (user_pk, agent_pk), conv in new.items()
        ],
        update_conflicts=True,
        unique_fields=["source_table", "source_id"],
        update_fields=["shop", "target_id", "updated_at"],
    )
    for key, conv in new.items():
        conversations[key] = conv.pk
    return {conv.pk for conv in new.values()}


def _date_conversations(pks: set[int]) -> None:
    """A conversation's dates are those of its first and latest message (legacy times, not today)."""
    messages = Message.objects.filter(conversation=OuterRef("pk")).values("conversation")
    Conversation.objects.filter(pk__in=pks).update(
        created_at=Subquery(messages.annotate(first=Min("created_at")).values("first")),
        updated_at=Subquery(messages.annotate(last=Max("created_at")).values("last")),
    )

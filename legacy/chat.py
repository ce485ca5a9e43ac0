"""``chat_history`` → one ``Conversation`` per (user, agent); each row a user and an assistant ``Message``.

Rows are read ordered by user, so a conversation's rows arrive together and it is created once, with
its first and latest message's times as its dates. Per batch (one transaction): the new conversations,
the messages (with their legacy times) and the ``LegacyRecord`` rows each go in with one ``COPY``; a
conversation continued from an earlier batch or run gets its dates widened. An interrupted run thus
leaves every finished batch complete and consistent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from chat.models import Conversation, Message
from legacy.bulk import insert_rows
from legacy.models import LegacyRecord, record_pk
from legacy.parsers import as_int, checksum, clean_text, parse_timestamp, reply_text, source_key
from legacy.report import TableStats

if TYPE_CHECKING:
    from legacy.importer import Importer

CONVERSATION_TABLE = "chat_history.conversation"
# The reply sorts right after its question even when both carry the same legacy time.
REPLY_OFFSET = timedelta(microseconds=1)

Key = tuple[int, int]  # (user pk, agent pk): one conversation each


@dataclass
class Turn:
    """One legacy chat row on its way in: a question and its answer."""

    source_id: str
    digest: str
    shop_pk: int
    key: Key
    when: datetime
    question: str
    answer: str


def import_chat(imp: Importer) -> None:
    stats = imp.report.tables["chat_history"]
    total = imp.reader.count("chat_history")
    conversations = _known_conversations()
    for batch in imp.reader.rows("chat_history", "user_id, id", imp.batch_size):
        with transaction.atomic():
            _chat_batch(imp, batch, conversations, stats)
        imp.progress("chat_history", stats.read, total)


def _known_conversations() -> dict[Key, int]:
    """(user pk, agent pk) -> conversation pk, for conversations earlier runs made that still exist.
    Records of conversations deleted since are dropped, so a new one can take their place."""
    recorded: dict[Key, tuple[str, int]] = {}
    rows = LegacyRecord.objects.filter(source_table=CONVERSATION_TABLE).values_list("source_id", "target_id")
    for source_id, target_id in rows.iterator(chunk_size=5000):
        user_pk, _, agent_pk = (as_int(part) for part in source_id.partition(":"))
        conv_pk = as_int(target_id)
        if user_pk is not None and agent_pk is not None and conv_pk is not None:
            recorded[(user_pk, agent_pk)] = (source_id, conv_pk)
    pks = [pk for _, pk in recorded.values()]
    alive: set[int] = set()
    for start in range(0, len(pks), 5000):
        alive.update(Conversation.objects.filter(pk__in=pks[start : start + 5000]).values_list("pk", flat=True))
    gone = [source_id for source_id, pk in recorded.values() if pk not in alive]
    for start in range(0, len(gone), 5000):
        LegacyRecord.objects.filter(source_table=CONVERSATION_TABLE, source_id__in=gone[start : start + 5000]).delete()
    return {key: pk for key, (_, pk) in recorded.items() if pk in alive}


def _chat_batch(
    imp: Importer, batch: list[dict[str, object]], conversations: dict[Key, int], stats: TableStats
) -> None:
    records = imp.records("chat_history", [k for r in batch if (k := source_key(r.get("id")))], "target_id")
    now = timezone.now()
    turns: list[Turn] = []
    titles: dict[Key, str] = {}
    for row in batch:
        source_id = imp.row_id(row, stats)
        if source_id is None:
            continue
        target = imp.owner_of(row, stats)
        if target is None:
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
            _update_turn(record, digest, question, answer, when, now)
            stats.updated += 1
            continue
        key = (user_pk, agent.pk)
        titles.setdefault(key, question.strip()[:120])
        turns.append(Turn(source_id, digest, shop_pk, key, when, question, answer))
        stats.created += 1
    if turns:
        _date_conversations(turns, titles, conversations, now)
        _insert_turns(turns, conversations, now)


def _date_conversations(
    turns: list[Turn], titles: dict[Key, str], conversations: dict[Key, int], now: datetime
) -> None:
    """Create the batch's new conversations dated by their messages; widen the dates of known ones."""
    spans: dict[Key, tuple[datetime, datetime, int]] = {}
    for turn in turns:
        first, last, shop_pk = spans.get(turn.key, (turn.when, turn.when, turn.shop_pk))
        spans[turn.key] = (min(first, turn.when), max(last, turn.when + REPLY_OFFSET), shop_pk)
    new = [key for key in spans if key not in conversations]
    pks = insert_rows(
        Conversation,
        [
            {
                "shop_id": spans[key][2],
                "user_id": key[0],
                "agent_id": key[1],
                "title": titles[key],
                "created_at": spans[key][0],
                "updated_at": spans[key][1],
            }
            for key in new
        ],
    )
    conversations.update(zip(new, pks, strict=True))
    insert_rows(
        LegacyRecord,
        [
            {
                "source_table": CONVERSATION_TABLE,
                "source_id": f"{key[0]}:{key[1]}",
                "shop_id": spans[key][2],
                "target_type": "chat.conversation",
                "target_id": str(pk),
                "checksum": "",
                "imported_at": now,
                "updated_at": now,
            }
            for key, pk in zip(new, pks, strict=True)
        ],
    )
    # Rows read by user: only the conversation straddling the batch boundary (or one that new legacy
    # rows extend on a re-run) gets here, so this is a query or two per batch, not one per row.
    for key, (first, last, _) in spans.items():
        if key not in new:
            Conversation.objects.filter(pk=conversations[key]).update(
                created_at=Least(F("created_at"), Value(first)), updated_at=Greatest(F("updated_at"), Value(last))
            )


def _insert_turns(turns: list[Turn], conversations: dict[Key, int], now: datetime) -> None:
    messages: list[dict[str, object]] = []
    for turn in turns:
        for role, content, at, model in (
            (Message.Role.USER.value, turn.question, turn.when, ""),
            (Message.Role.ASSISTANT.value, turn.answer, turn.when + REPLY_OFFSET, "legacy"),
        ):
            messages.append(
                {
                    "conversation_id": conversations[turn.key],
                    "shop_id": turn.shop_pk,
                    "role": role,
                    "content": content,
                    "model": model,
                    "status": Message.Status.COMPLETE.value,
                    "created_at": at,
                    "updated_at": at,
                }
            )
    pks = insert_rows(Message, messages)
    insert_rows(
        LegacyRecord,
        [
            {
                "source_table": "chat_history",
                "source_id": turn.source_id,
                "shop_id": turn.shop_pk,
                "target_type": "chat.message",
                "target_id": f"{pks[2 * n]},{pks[2 * n + 1]}",
                "checksum": turn.digest,
                "imported_at": now,
                "updated_at": now,
            }
            for n, turn in enumerate(turns)
        ],
    )


def _update_turn(
    record: dict[str, object], digest: str, question: str, answer: str, when: datetime, now: datetime
) -> None:
    question_text, _, answer_text = str(record["target_id"]).partition(",")
    # Written by the import as "<question pk>,<answer pk>"; a pk that does not parse matches no message.
    if (question_pk := as_int(question_text)) is not None:
        Message.objects.filter(pk=question_pk).update(content=question, created_at=when, updated_at=now)
    if (answer_pk := as_int(answer_text)) is not None:
        Message.objects.filter(pk=answer_pk).update(content=answer, created_at=when + REPLY_OFFSET, updated_at=now)
    LegacyRecord.objects.filter(pk=record_pk(record)).update(checksum=digest, updated_at=now)

"""The statements each question and answer runs, written out in SQL: the shop's agent with the
agent, the shop and the membership, and the history (both before the model is asked), the count
of a shop's streaming answers, and the heartbeat (once a second per answer). Built through the ORM,
compiling the first two cost more CPU than running them (about 0.9 and 0.4 ms a question,
bench/orm_compile_cost.py) on the GIL that relays every other answer, and the 50-chat figures of
bench/chat_overhead.py were missed by far without them (docs/benchmarks.md). Everything else
goes through the ORM; ``chat/tests/test_hand_written_sql_matches_the_orm.py`` holds these to what
the ORM reads and writes.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TypeVar

from django.db import connection, models
from django.db.models import Model

from agents.models import Agent, ShopAgent
from chat.models import Message
from chat.prompt import Turn
from sixfb.models import Shop

M = TypeVar("M", bound=Model)
STREAMING = Message.Status.STREAMING.value

# What a reply needs (the checks and the prompt) of the shop's agent, the agent and the shop.
_REPLY_FIELDS: tuple[tuple[type[Model], str, tuple[str, ...]], ...] = (
    (ShopAgent, "sa", ("id", "enabled", "display_name", "instructions")),
    (
        Agent,
        "a",
        ("id", "slug", "name", "status", "system_prompt", "model", "temperature", "max_output_tokens", "shop_id"),
    ),
    (Shop, "s", ("id", "name", "timezone", "business_hours", "notes_for_agents")),
)


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{name} is not a column"
    return field.column


_REPLY_COLUMNS = ", ".join(f"{alias}.{_column(model, name)}" for model, alias, names in _REPLY_FIELDS for name in names)
_REPLY_CONTEXT = f"""
SELECT {_REPLY_COLUMNS},
       EXISTS (SELECT 1 FROM sixfb_membership m WHERE m.shop_id = sa.shop_id AND m.user_id = %s)
FROM agents_shopagent sa
JOIN agents_agent a ON a.id = sa.agent_id
JOIN sixfb_shop s ON s.id = sa.shop_id
WHERE sa.shop_id = %s AND sa.agent_id = %s
"""  # noqa: S608 (only the models' own column names are formatted in)


def shop_agent_for_reply(*, shop_id: int, agent_id: int, user_id: int) -> tuple[ShopAgent | None, bool]:
    """The shop's agent with the agent and the shop, holding just what a reply needs (the checks
    and the prompt), read afresh (None when the shop has never enabled the agent); and whether
    ``user_id`` is a member of the shop now."""
    with connection.cursor() as cursor:
        cursor.execute(_REPLY_CONTEXT, [user_id, shop_id, agent_id])
        row = cursor.fetchone()
    if row is None:
        return None, False
    *values, is_member = row
    columns = iter(values)
    shop_agent_values, agent_values, shop_values = (
        {name: next(columns) for name in names} for _model, _alias, names in _REPLY_FIELDS
    )
    # Django's fields convert these on the way out of the database; a raw row needs the same.
    agent_values["temperature"] = _decimal(agent_values["temperature"])
    shop_values["business_hours"] = _json(shop_values["business_hours"])
    shop_agent_values.update(enabled=bool(shop_agent_values["enabled"]), shop_id=shop_id, agent_id=agent_id)
    shop_agent = _loaded(ShopAgent, **shop_agent_values)
    shop_agent.agent, shop_agent.shop = _loaded(Agent, **agent_values), _loaded(Shop, **shop_values)
    return shop_agent, bool(is_member)


def _loaded(model_class: type[M], /, **values: object) -> M:
    """An instance as ``.only(*values)`` would load it: the other fields load if they are touched."""
    names = [field.attname for field in model_class._meta.concrete_fields if field.attname in values]
    return model_class.from_db(connection.alias, names, [values[name] for name in names])


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))  # SQLite reads decimals as floats


def _json(value: object) -> object:
    # Django reads JSON columns as text on both backends (its field decodes them); so do we.
    return json.loads(value) if isinstance(value, str | bytes) else value


_STREAMING_COUNTS = """
SELECT COUNT(*), COUNT(CASE WHEN conversation_id = %s THEN 1 END)
FROM chat_message
WHERE shop_id = %s AND status = %s
"""


def streaming_counts(*, shop_id: int, conversation_id: int) -> tuple[int, int]:
    """Answers being written for the shop, and how many of them in this conversation."""
    with connection.cursor() as cursor:
        cursor.execute(_STREAMING_COUNTS, [conversation_id, shop_id, STREAMING])
        shop, here = cursor.fetchone()
    return shop, here


_HISTORY = """
SELECT id, role, content
FROM chat_message
WHERE conversation_id = %s AND superseded = %s AND content <> '' AND LENGTH(content) <= %s
ORDER BY created_at DESC, id DESC
LIMIT %s
"""


def recent_turns(*, conversation_id: int, limit: int, max_chars: int) -> list[Turn]:
    """The newest ``limit`` visible messages with text, oldest first; rows longer than
    ``max_chars`` are left out (they could never fit a prompt)."""
    with connection.cursor() as cursor:
        cursor.execute(_HISTORY, [conversation_id, False, max_chars, limit])
        rows = cursor.fetchall()
    return [Turn(pk, role, content) for pk, role, content in reversed(rows)]


def streaming_message_update(*, message_id: int, **values: object) -> bool:
    """Write ``values`` to a reply that is still streaming, each prepared by its field as the ORM
    would; False when it no longer streams."""
    meta = Message._meta
    columns, params = [], []
    for name, value in values.items():
        field = meta.get_field(name)
        assert isinstance(field, models.Field), f"{name} is not a column"  # not a reverse relation
        columns.append(f"{field.column} = %s")
        params.append(field.get_db_prep_save(value, connection))
    # Only the model's own table and column names are formatted in; every value is a parameter.
    sql = f"UPDATE {meta.db_table} SET {', '.join(columns)} WHERE id = %s AND status = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, message_id, STREAMING])
        return cursor.rowcount > 0

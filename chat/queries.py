"""The two statements every answer runs over and over, in SQL: the heartbeat (once a second per
answer) and the count of a shop's streaming answers (twice per question). Compiling them through
the ORM cost about ten times running them (docs/benchmarks.md, chat overhead). Everything else
goes through the ORM; ``chat/tests/test_hand_written_sql_matches_the_orm.py`` holds these two to what
the ORM reads and writes.
"""

from __future__ import annotations

from django.db import connection

from chat.models import Message

STREAMING = Message.Status.STREAMING.value

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


def streaming_message_update(*, message_id: int, **values: object) -> bool:
    """Write ``values`` to a reply that is still streaming, each prepared by its field as the ORM
    would; False when it no longer streams."""
    meta = Message._meta
    columns, params = [], []
    for name, value in values.items():
        field = meta.get_field(name)
        columns.append(f"{field.column} = %s")
        params.append(field.get_db_prep_save(value, connection))
    # Only the model's own table and column names are formatted in; every value is a parameter.
    sql = f"UPDATE {meta.db_table} SET {', '.join(columns)} WHERE id = %s AND status = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, message_id, STREAMING])
        return cursor.rowcount > 0

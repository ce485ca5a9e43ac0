"""CPU to build and compile, through the ORM, each statement a question and its answer run.

Why chat/queries.py writes some of them out in SQL: a statement whose compiling costs a large part
of a millisecond, run for every question on the GIL that relays every other answer, shows in the
50-chat figures of bench/chat_overhead.py. Compiling only (no query is sent), so any database URL
works, even an empty database:

    DJANGO_DEBUG=true python bench/orm_compile_cost.py [--repeat 3000]
"""

from __future__ import annotations

import argparse
import os
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sixfb.settings")

import django

django.setup()

from django.db.models import Exists, OuterRef  # noqa: E402
from django.db.models.functions import Length  # noqa: E402
from django.db.models.sql.subqueries import UpdateQuery  # noqa: E402
from django.utils import timezone  # noqa: E402

from agents.models import ShopAgent  # noqa: E402
from chat.models import Conversation, Message  # noqa: E402
from sixfb.models import Membership  # noqa: E402


def compiled(query) -> tuple[str, tuple]:
    return query.get_compiler("default").as_sql()


def reply_context() -> object:  # chat.queries.shop_agent_for_reply (SQL)
    membership = Membership.objects.filter(shop_id=OuterRef("shop_id"), user_id=3)
    rows = ShopAgent.objects.filter(shop_id=1, agent_id=2).select_related("agent", "shop")
    return compiled(rows.annotate(is_member=Exists(membership)).order_by("pk")[:1].query)


def history() -> object:  # chat.queries.recent_turns (SQL)
    rows = (
        Message.objects.filter(conversation_id=1, superseded=False)
        .exclude(content="")
        .alias(length=Length("content"))
        .filter(length__lte=24_000)
        .order_by("-created_at", "-id")
        .values_list("id", "role", "content")[:40]
    )
    return compiled(rows.query)


def streaming_counts() -> object:  # chat.queries.streaming_counts (SQL), as two ORM counts
    compiled(Message.objects.filter(shop_id=1, status="streaming").query)
    return compiled(Message.objects.filter(shop_id=1, status="streaming", conversation_id=1).query)


def final_save() -> object:  # chat.services.generation.message_finish (ORM)
    query = UpdateQuery(Message)
    query.add_update_values(
        {"content": "x" * 500, "status": "complete", "updated_at": timezone.now(), "prompt_tokens": 1,
         "completion_tokens": 2, "usage_estimated": False, "finish_reason": "stop", "cost_usd": None}
    )  # fmt: skip
    query.add_filter("pk", 1)
    return compiled(query)


def conversation_touch() -> object:  # chat.services.asking.chat_commit (ORM)
    query = UpdateQuery(Conversation)
    query.add_update_values({"updated_at": timezone.now()})
    query.add_filter("pk", 1)
    return compiled(query)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3000)
    args = parser.parse_args()
    print(f"{'statement':<20} {'ms per compile':>14}   (load {os.getloadavg()[0]:.2f})")
    for statement in (reply_context, history, streaming_counts, final_save, conversation_touch):
        statement()  # warm
        seconds = min(timeit.repeat(statement, number=args.repeat, repeat=3)) / args.repeat
        print(f"{statement.__name__:<20} {seconds * 1000:>14.3f}")


if __name__ == "__main__":
    main()

"""Answers streaming at once on the SSE API do not each hold a database connection to their end.

A real uvicorn process with a pool of three connections; six questions asked together on
`POST /api/v1/chat/`. Each request gives its connection back before the answer streams (asking
uses connections of its own): all six stream to a complete end. When every request kept its
connection until its stream ended, three streams emptied the pool, the asks behind them waited out
the pool's timeout, and the API answered 500.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from chat.models import Message
from chat.services import conversation_start
from sixfb.services import api_token_create
from tests.base import make_owner
from tests.fakes.openai_server import Reply
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), requires_shared_stack]

AT_ONCE = 6


def ask(port: int, token: str, conversation: str) -> tuple[int, list[dict]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/chat/",
        data=json.dumps({"conversation": conversation, "message": "How do I fill Tuesday mornings?"}).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            lines = response.read().decode().splitlines()
            return response.status, [json.loads(line[6:]) for line in lines if line.startswith("data: ")]
    except urllib.error.HTTPError as error:
        return error.code, [{"body": error.read().decode(errors="replace")[:300]}]


def test_six_answers_at_once_stream_to_their_end_on_a_pool_of_three(fake):
    owner, shop = make_owner()
    conversations = [
        str(conversation_start(user=owner, shop=shop, agent_slug="business_coach").uuid) for _ in range(AT_ONCE)
    ]
    _token, key = api_token_create(user=owner, name="at once")
    # Long enough that all six are streaming together: 0.3 s to the first token, then 20 over a second.
    fake.default = Reply(tokens=[f" word{n}" for n in range(20)], time_to_first_token=0.3, gap=0.05)
    env = {
        "OPENAI_API_KEY": "sk-test-fake-key-0000",
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_MAX_RETRIES": "0",
        "DATABASE_POOL_MAX_SIZE": "3",
        "DATABASE_POOL_TIMEOUT": "4",
        "CHAT_MAX_CONCURRENT_PER_SHOP": "20",
    }
    with running_servers(1, command="uvicorn", env=env) as (port,), ThreadPoolExecutor(AT_ONCE) as pool:
        answers = list(pool.map(lambda uuid: ask(port, key, uuid), conversations))

    for status, frames in answers:
        assert status == 200, frames
        assert frames[-1]["type"] == "end" and frames[-1]["status"] == "complete", frames[-1]
        assert "".join(f["text"] for f in frames if f["type"] == "delta").strip().endswith("word19")
    assert Message.objects.filter(role="assistant", status="complete").count() == AT_ONCE

"""Chat in a phone-sized Chromium: the answer grows in steps, Stop keeps it, a reload resumes it."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password

from agents.models import Agent
from agents.services import shop_agent_enable
from chat.models import Message
from tests.base import PASSWORD, make_owner
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]

WORDS = [f" word{n}" for n in range(40)]


def bubble_text(page) -> str:
    return page.evaluate(
        "(() => { const b = document.querySelectorAll('.bubble.assistant .bubble-body');"
        " return b.length ? b[b.length - 1].textContent : ''; })()"
    )


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll ``expression`` with page.evaluate (wait_for_function needs eval, which our CSP forbids)."""
    for _ in range(int(timeout * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def test_send_watch_it_grow_stop_and_reload_mid_answer(page):
    owner, shop = make_owner(email="owner@freshcuts.com")
    owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    owner.save(update_fields=["password"])
    shop_agent_enable(shop=shop, agent=Agent.objects.get(slug="business_coach"))
    fake = FakeOpenAI().start()
    fake.script(Reply(tokens=WORDS, gap=0.1), Reply(tokens=WORDS, gap=0.08))
    env = {"OPENAI_API_KEY": "sk-e2e-fake-key-0000", "OPENAI_BASE_URL": fake.base_url}
    try:
        with running_servers(1, env=env) as (port,):
            base = f"http://127.0.0.1:{port}"
            page.goto(f"{base}/accounts/login/")
            page.fill("input[name=login]", "owner@freshcuts.com")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/dashboard/")

            page.goto(f"{base}/chat/?agent=business_coach")
            page.fill("#new-prompt", "How do I grow my shop?")
            page.click("form[action='/chat/new/'] button[type=submit]")
            page.wait_for_selector(".bubble.user")

            # The answer grows in several visible steps.
            seen = set()
            for _ in range(40):
                seen.add(len(bubble_text(page)))
                if len(seen) >= 4:
                    break
                page.wait_for_timeout(100)
            assert len(seen) >= 4

            page.click("#chat-stop")
            page.wait_for_selector(".bubble.assistant.stopped", timeout=5000)
            stopped = bubble_text(page)
            assert 0 < len(stopped) < len("".join(WORDS))

            # Ask again, then reload while the answer is being written.
            page.fill("#chat-input", "And my prices?")
            page.press("#chat-input", "Enter")
            wait_until(
                page,
                "document.querySelectorAll('.bubble.assistant').length === 2"
                " && document.querySelectorAll('.bubble.assistant')[1].textContent.length > 20",
            )
            page.reload()
            page.wait_for_selector(".bubble.assistant.streaming", timeout=5000)
            wait_until(page, "document.querySelectorAll('.bubble.assistant:not(.streaming)').length === 2", 15)
            assert "word39" in bubble_text(page)
            assert page.locator(".bubble.assistant.stopped").count() == 1
    finally:
        fake.stop()
    answers = list(Message.objects.filter(role="assistant").order_by("created_at"))
    assert [a.status for a in answers] == ["stopped", "complete"]
    assert answers[1].content == "".join(WORDS)

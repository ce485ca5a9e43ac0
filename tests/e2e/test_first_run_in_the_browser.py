"""A new owner's first minutes on a phone: the dashboard says what to do first, and one tap on a
"Try asking" question lands in the conversation with the question sent and the answer streaming."""

from __future__ import annotations

import pytest

from chat.models import Message
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]

WORDS = [f" tip{n}" for n in range(30)]


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll ``expression`` with page.evaluate (wait_for_function needs eval, which our CSP forbids)."""
    for _ in range(int(timeout * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def answer_length(page) -> int:
    return page.evaluate(
        "(() => { const b = document.querySelector('.bubble.assistant .bubble-body');"
        " return b ? b.textContent.length : 0; })()"
    )


def test_a_new_owner_follows_the_checklist_into_a_first_conversation(page):
    fake = FakeOpenAI().start()
    fake.script(Reply(tokens=WORDS, gap=0.08))
    env = {"OPENAI_API_KEY": "sk-e2e-fake-key-0000", "OPENAI_BASE_URL": fake.base_url}
    try:
        with running_servers(1, env=env) as (port,):
            base = f"http://127.0.0.1:{port}"
            page.goto(f"{base}/accounts/signup/")
            page.fill("input[name=shop_name]", "Sharp Lines")
            page.fill("input[name=email]", "new@sharplines.com")
            page.fill("input[name=password1]", "clipper-fade-2026")
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/dashboard/")

            checklist = page.locator("[data-checklist]")
            assert checklist.is_visible()
            assert checklist.locator('[data-step="agent"]').get_attribute("data-done") == "true"  # the coach
            question = checklist.locator('[data-step="question"]')
            assert question.get_attribute("data-done") == "false"

            question.locator("a", has_text="Try asking").click()
            page.wait_for_url(f"{base}/agents/business_coach/")
            starter = page.locator(".starters button.starter").first
            prompt = starter.inner_text()
            starter.click()

            page.wait_for_url(f"{base}/chat/*/")
            page.wait_for_selector(".bubble.user")
            assert prompt in page.locator(".bubble.user").first.inner_text()
            lengths = set()
            for _ in range(100):  # the answer arrives in several visible steps
                lengths.add(answer_length(page))
                if len(lengths - {0}) >= 3:
                    break
                page.wait_for_timeout(100)
            assert len(lengths - {0}) >= 3
            wait_until(page, "document.querySelector('.bubble.assistant:not(.streaming)') !== null", 15)

            page.goto(f"{base}/dashboard/")
            assert page.locator('[data-step="question"]').get_attribute("data-done") == "true"
    finally:
        fake.stop()
    asked = Message.objects.get(role=Message.Role.USER)
    assert asked.content == prompt
    assert Message.objects.get(role=Message.Role.ASSISTANT).content == "".join(WORDS)

"""Demo mode on a phone: the owner's answer streams in, comes from the shop's own facts, and is
labelled "Demo answer" live and after a reload; the owner sees nothing about connecting a model."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from agents.models import Agent
from agents.services import shop_agent_enable
from chat.services import conversation_start
from tests.base import PASSWORD, make_owner
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]

LABEL = ".bubble.assistant .bubble-note.demo-answer"


def count(page, selector: str) -> int:
    return page.evaluate(f"document.querySelectorAll({selector!r}).length")


def test_a_demo_answer_streams_in_with_its_label(page):
    owner, shop = make_owner(email="owner@kingsrow.com", shop_name="Kings Row Barbers")
    owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    owner.save(update_fields=["password"])
    shop_agent_enable(shop=shop, agent=Agent.objects.get(slug="business_coach"))
    conversation = conversation_start(user=owner, shop=shop, agent_slug="business_coach")
    # No model configured; a quick pace, still word by word.
    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "CHAT_DEMO_WORD_DELAY_MS": "10"}
    with running_servers(1, env=env) as (port,):
        base = f"http://127.0.0.1:{port}"
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", "owner@kingsrow.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/dashboard/")

        url = base + reverse("chat_conversation", kwargs={"conversation_uuid": conversation.uuid})
        page.goto(url)
        for _ in range(50):  # until the page's socket is open and the question goes
            page.fill("#chat-input", "Should I raise my prices?")
            page.press("#chat-input", "Enter")
            if count(page, ".bubble.user"):
                break
            page.wait_for_timeout(200)
        page.wait_for_selector(LABEL, timeout=20000)
        answer = page.inner_text(".bubble.assistant .bubble-body")
        assert "Pricing at Kings Row Barbers" in answer
        assert count(page, ".bubble.assistant .bubble-body strong") >= 2  # markdown, rendered
        assert page.inner_text(LABEL) == "Demo answer"
        content = page.content()
        assert "OPENAI_API_KEY" not in content and 'id="demo-banner"' not in content

        page.reload()
        page.wait_for_selector(LABEL)
        assert count(page, LABEL) == 1

"""The ai_chat_enabled switch in a phone-sized Chromium: a message refused mid-session goes back in
the composer; after a reload the page says chat is paused and the composer is off."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect
from waffle.models import Switch

from agents.models import Agent
from agents.services import shop_agent_enable
from chat.models import Message
from chat.services import conversation_start
from sixfb.flags import AI_CHAT_ENABLED
from tests.base import PASSWORD, make_owner
from tests.fakes.openai_server import FakeOpenAI
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]


def test_a_refused_message_stays_in_the_composer_and_the_reloaded_page_says_paused(page):
    owner, shop = make_owner(email="owner@freshcuts.com")
    owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    owner.save(update_fields=["password"])
    shop_agent_enable(shop=shop, agent=Agent.objects.get(slug="business_coach"))
    conversation = conversation_start(user=owner, shop=shop, agent_slug="business_coach")
    fake = FakeOpenAI().start()
    env = {"OPENAI_API_KEY": "sk-e2e-fake-key-0000", "OPENAI_BASE_URL": fake.base_url}
    try:
        with running_servers(1, env=env) as (port,):
            base = f"http://127.0.0.1:{port}"
            page.goto(f"{base}/accounts/login/")
            page.fill("input[name=login]", "owner@freshcuts.com")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/dashboard/")
            page.goto(f"{base}/chat/{conversation.uuid}/")
            expect(page.locator("#chat-send")).to_be_enabled()
            expect(page.locator("#chat-paused")).to_have_count(0)

            Switch.objects.update_or_create(name=AI_CHAT_ENABLED, defaults={"active": False})
            Switch.objects.get(name=AI_CHAT_ENABLED).save()  # waffle flushes the cached switch on save
            page.fill("#chat-input", "Should I raise prices?")
            page.press("#chat-input", "Enter")
            expect(page.locator("#chat-error-text")).to_contain_text("Chat is paused for maintenance.")
            expect(page.locator("#chat-input")).to_have_value("Should I raise prices?")
            expect(page.locator(".bubble.user")).to_have_count(0)

            page.reload()
            expect(page.locator("#chat-paused")).to_contain_text("Chat is paused for maintenance.")
            expect(page.locator("#chat-input")).to_be_disabled()
            expect(page.locator("#chat-send")).to_be_disabled()
    finally:
        fake.stop()
    assert not Message.objects.exists()
    assert fake.requests == []

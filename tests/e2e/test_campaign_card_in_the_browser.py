"""Issue 18's campaign card on a phone (390x844 Chromium): the owner asks the marketing expert for a
win-back email, the model (the OpenAI-compatible fake) drafts it with ``campaign_draft``; the card
shows who gets it after consent (four of five lapsed customers), three rendered samples and the cost;
"Send to me first" emails the owner one copy; nothing goes to a customer until Approve, and then
each consenting customer gets exactly one."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import Proposal
from actions.tests.support import visit
from agents.models import Agent
from agents.services import shop_agent_enable
from billing.models import Plan
from billing.services import shop_plan_set_manually
from bookings.models import Customer
from bookings.tests.support import booking_shop
from chat.services import conversation_start
from notifications.models import Notification
from sixfb.flags import AI_AGENT_V2
from sixfb.models import Flag
from tests.base import PASSWORD
from tests.fakes.openai_server import FakeOpenAI, FakeToolCall, Reply
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]

DRAFT = {"channel": "email", "segment": "lapsed", "subject": "We miss you", "text": "Come back for 10% off this week."}


def lapsed_customers(world) -> list[Customer]:
    """Five customers last seen ten weeks ago; the last one never agreed to marketing email."""
    now = timezone.now()
    customers = []
    for n, name in enumerate(["Ann Lee", "Bo Diaz", "Cal Ng", "Dia Roe", "Eli Fox"]):
        customer = Customer.objects.create(
            shop=world.shop,
            name=name,
            email=f"{name.split()[0].lower()}@example.com",
            email_consent_at=now if n < 4 else None,
        )
        visit(customer=customer, barber=world.barbers[0], service=world.cut, start=now - dt.timedelta(weeks=10))
        customers.append(customer)
    return customers


def test_the_campaign_card_counts_samples_tests_and_sends_only_after_approve(page):
    world = booking_shop(barbers=1)
    world.owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    world.owner.save(update_fields=["password"])
    shop_plan_set_manually(shop=world.shop, plan=Plan.objects.get(slug="professional"))
    shop_agent_enable(shop=world.shop, agent=Agent.objects.get(slug="marketing_expert"))
    Flag.objects.get_or_create(name=AI_AGENT_V2)[0].shops.add(world.shop)  # earlier browser tests flush the seeded row
    customers = lapsed_customers(world)
    conversation = conversation_start(user=world.owner, shop=world.shop, agent_slug="marketing_expert")
    fake = FakeOpenAI().start()
    fake.script(
        Reply(tool_calls=[FakeToolCall("campaign_draft", json.dumps(DRAFT))]),
        Reply(tokens=["Here", " is", " the", " email.", " Approve", " it", " to", " send."]),
    )
    env = {"OPENAI_API_KEY": "sk-e2e-fake-key-0000", "OPENAI_BASE_URL": fake.base_url}
    try:
        with running_servers(1, env=env) as (port,):
            base = f"http://127.0.0.1:{port}"
            page.goto(f"{base}/accounts/login/")
            page.fill("input[name=login]", world.owner.email)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/dashboard/")
            page.goto(f"{base}/chat/{conversation.uuid}/")
            page.wait_for_selector("#chat-composer[data-connected=true]")

            page.fill("#chat-input", "Email my lapsed regulars a win-back offer")
            page.click("#chat-send")
            card = page.locator(".proposal")
            card.wait_for()
            page.wait_for_selector(".bubble.assistant:not(.streaming)")
            text = card.inner_text()
            assert "4 customers" in card.locator(".proposal-summary").inner_text()
            assert "Free (email)" in text and "no consent" in text.lower()
            samples = card.locator(".proposal-details dd ul li")
            assert samples.count() == 3
            assert "Come back for 10% off this week." in samples.first.inner_text()
            assert Notification.objects.filter(kind="campaign").count() == 0

            # Send to me first: one copy to the owner, none to a customer.
            tester = card.locator(".proposal-test")
            box = tester.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 390 and box["height"] >= 44
            tester.click()
            expect(card.locator(".proposal-status")).to_contain_text("Sent to")
            assert world.owner.email in card.locator(".proposal-status").inner_text()
            assert Notification.objects.filter(kind="campaign_test", user=world.owner).count() == 1
            assert Notification.objects.filter(kind="campaign").count() == 0
            # Three copies a proposal: the third turns the button off, and a refused decision's
            # settling (an error frame) turns the card's other buttons back on, not that one.
            for _copy in (2, 3):
                expect(tester).to_be_enabled()
                tester.click()  # the status reads "Sending you a copy…" until the answer
                expect(card.locator(".proposal-status")).to_contain_text("Sent to")
            expect(tester).to_be_disabled()
            assert Notification.objects.filter(kind="campaign_test", user=world.owner).count() == 3
            card.locator(".proposal-approve").evaluate("button => { button.disabled = true; }")
            page.evaluate("() => window.chatActions.settle(document.getElementById('chat-log'))")
            expect(card.locator(".proposal-approve")).to_be_enabled()
            expect(tester).to_be_disabled()

            card.locator(".proposal-approve").click()
            page.wait_for_selector(".proposal.decided.done")
            assert "Queued 4 emails" in card.locator(".proposal-status").inner_text()
    finally:
        fake.stop()
    sent_to = set(Notification.objects.filter(kind="campaign").values_list("customer_id", flat=True))
    assert sent_to == {c.pk for c in customers[:4]}
    assert Proposal.objects.get().decided_by == world.owner

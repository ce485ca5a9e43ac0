"""Issue 18 end to end, on a phone (390x844 Chromium): the owner asks the booking manager to book,
the model (the OpenAI-compatible fake, in OpenAI's streamed tool-call shape) checks the free slots
and proposes the booking; the page shows what the agent did and a card; nothing is booked until
the owner taps Approve; then the appointment is in the calendar, and a second tap changes nothing."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.hashers import make_password

from actions.models import Proposal, ToolCall
from agents.models import Agent
from agents.services import shop_agent_enable
from billing.models import Plan
from billing.services import shop_plan_set_manually
from bookings.models import Appointment
from bookings.tests.support import booking_shop
from chat.services import conversation_start
from sixfb.flags import AI_AGENT_V2
from sixfb.models import Flag
from tests.base import PASSWORD
from tests.fakes.openai_server import FakeOpenAI, FakeToolCall, Reply
from tests.servers import requires_shared_stack, running_servers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), requires_shared_stack]


def open_day():
    from actions.tests.proposal_support import open_day as tuesday

    return tuesday()


def test_the_booking_manager_books_only_after_the_owner_approves(page):
    world = booking_shop(barbers=1)
    world.owner.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    world.owner.save(update_fields=["password"])
    # The Free plan takes one agent and the sign-up enabled it; the booking manager needs a bigger plan.
    shop_plan_set_manually(shop=world.shop, plan=Plan.objects.get(slug="professional"))
    shop_agent_enable(shop=world.shop, agent=Agent.objects.get(slug="booking_manager"))
    Flag.objects.get_or_create(name=AI_AGENT_V2)[0].shops.add(world.shop)  # earlier browser tests flush the seeded row
    conversation = conversation_start(user=world.owner, shop=world.shop, agent_slug="booking_manager")
    day = open_day()
    start = world.at(day, "10:00")
    fake = FakeOpenAI().start()
    fake.script(
        Reply(
            tool_calls=[
                FakeToolCall(
                    "availability",
                    json.dumps({"service": str(world.cut.pk), "from": day.isoformat(), "to": day.isoformat()}),
                )
            ]
        ),
        Reply(
            tool_calls=[
                FakeToolCall(
                    "appointment_book",
                    json.dumps(
                        {"service": str(world.cut.pk), "start": start.isoformat(), "customer": str(world.customer.pk)}
                    ),
                )
            ]
        ),
        Reply(
            tokens=["Dee", " can", " have", " 10:00", " with", " Ana.", " Approve", " the", " card", " to", " book."]
        ),
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

            page.fill("#chat-input", "Book Dee Walker for a haircut next Tuesday at 10")
            page.click("#chat-send")
            card = page.locator(".proposal")
            card.wait_for()
            page.wait_for_selector(".bubble.assistant:not(.streaming)")
            # What the agent did, and what it proposes; nothing is booked yet.
            steps = page.locator(".tool-steps li")
            assert steps.count() == 2
            assert "Book" in card.locator(".proposal-summary").inner_text()
            assert "Dee Walker" in card.inner_text()
            assert Appointment.objects.count() == 0
            approve = card.locator(".proposal-approve")
            box = approve.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 44

            approve.click()  # a real tap
            page.wait_for_selector(".proposal.decided.done")
            assert "Approved and done" in card.locator(".proposal-status").inner_text()
            assert Appointment.objects.filter(customer=world.customer, start=start).count() == 1

            # A reload shows the decided card where it was, with no buttons to tap twice.
            page.reload()
            page.wait_for_selector("#chat-composer[data-connected=true]")
            assert page.locator(".proposal.decided.done").count() == 1
            assert page.locator(".proposal-approve").count() == 0

            # The calendar shows it.
            page.goto(f"{base}/bookings/?date={day.isoformat()}")
            assert "Dee Walker" in page.locator("#calendar").inner_text()
    finally:
        fake.stop()
    assert Proposal.objects.get().status == Proposal.Status.DONE
    assert list(ToolCall.objects.order_by("created_at").values_list("name", "status")) == [
        ("availability", "done"),
        ("appointment_book", "proposed"),
    ]
    # The model read the slots back: its second request carried the tool turn.
    second = fake.requests[1]
    assert any(m.get("role") == "tool" for m in second["messages"])
    assert [t["function"]["name"] for t in second["tools"]].count("appointment_book") == 1

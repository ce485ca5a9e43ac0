"""Events for the shop's owners: payment failed from a signed Stripe webhook, a plan that really
changed, the chat quota once per period, the weekly summary's numbers, the welcome, agent status."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from agents.models import Agent, ShopAgent
from agents.services import agent_status_set
from billing.services import shop_plan_set_manually
from billing.tests.conftest import (  # noqa: F401  (fixtures)
    fake_stripe,
    owner,
    plans_in_stripe,
    post_event,
    signed_in_owner,
    webhook_path,
)
from billing.tests.test_webhooks import checked_out  # noqa: F401
from bookings import services as bookings
from bookings.tests.support import booking_shop
from chat.models import Conversation, Message
from chat.signals import chat_counted
from insights.periods import Period
from insights.selectors import headline
from notifications.models import Notification
from notifications.triggers.summaries import weekly_summaries_send
from sixfb.models import Membership
from sixfb.services import shop_create
from tests.base import add_member, make_owner, make_user

pytestmark = pytest.mark.django_db


def test_payment_failed_from_a_signed_webhook_tells_the_owner_once(
    checked_out,  # noqa: F811
    post_event,  # noqa: F811
    plans_in_stripe,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    shop, _session, events = checked_out
    with django_capture_on_commit_callbacks(execute=True):
        for event in events:
            assert post_event(event).status_code == 200
    [paid] = Notification.objects.filter(shop=shop, kind="payment_received")
    assert paid.payload["currency"] == "USD" and paid.payload["invoice_url"].startswith("https://invoice.stripe.com/")
    [plan] = Notification.objects.filter(shop=shop, kind="subscription_changed")
    assert (plan.payload["plan"], plan.payload["previous_plan"]) == ("Starter", "Free")

    sub_id = events[0]["data"]["object"]["id"]
    failing = plans_in_stripe.fail_renewal(sub_id)
    with django_capture_on_commit_callbacks(execute=True):
        for event in failing:
            assert post_event(event).status_code == 200
        assert post_event(failing[0]).status_code == 200  # Stripe sends it again
    [failed] = Notification.objects.filter(shop=shop, kind="payment_failed")
    invoice = failing[0]["data"]["object"]
    assert failed.dedupe_key == f"payment_failed:{invoice['id']}"
    assert failed.payload == {
        "amount": f"{invoice['amount_due'] / 100:.2f}",
        "currency": invoice["currency"].upper(),
        "grace_days": 7,
    }
    assert failed.user.email == "owner@freshcuts.com" and failed.inbox
    # The renewal's sync kept the plan: no "plan changed" for it.
    assert Notification.objects.filter(shop=shop, kind="subscription_changed").count() == 1


def test_plan_changed_only_when_the_plan_changed(django_capture_on_commit_callbacks):
    from billing.models import Plan

    user, shop = make_owner()
    pro = Plan.objects.get(slug="professional")
    with django_capture_on_commit_callbacks(execute=True):
        shop_plan_set_manually(shop=shop, plan=None)  # still Free: not news
        shop_plan_set_manually(shop=shop, plan=pro)
        shop_plan_set_manually(shop=shop, plan=pro, monthly_chats=5000)  # same plan, other limits
    [note] = Notification.objects.filter(shop=shop, kind="subscription_changed")
    assert (note.user, note.payload["plan"], note.payload["previous_plan"]) == (user, "Professional", "Free")


def _chat(shop, user, agent):
    conversation = Conversation.objects.filter(shop=shop).first() or Conversation.objects.create(
        shop=shop, user=user, agent=agent
    )
    Message.objects.create(
        conversation=conversation, shop=shop, role=Message.Role.ASSISTANT, status=Message.Status.COMPLETE, content="ok"
    )
    chat_counted.send(sender=Message, shop_id=shop.pk)


def test_chat_quota_warns_at_80_and_100_percent_once_per_period(django_capture_on_commit_callbacks):
    user, shop = make_owner()
    manager = add_member(shop=shop, role=Membership.Role.MANAGER)
    from billing.models import Plan

    with django_capture_on_commit_callbacks(execute=True):  # the cached allowance is dropped on commit
        shop_plan_set_manually(shop=shop, plan=Plan.objects.filter(limits_set_per_shop=True).first(), monthly_chats=5)
    agent = Agent.objects.for_shop(shop).first()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _chat(shop, user, agent)
        assert not Notification.objects.filter(kind__startswith="chat_quota").exists()
        _chat(shop, user, agent)  # 4 of 5: 80 %
        _chat(shop, user, agent)  # 5 of 5: 100 %
        chat_counted.send(sender=Message, shop_id=shop.pk)  # again at 100 %: nothing new
    quota = Notification.objects.filter(kind__startswith="chat_quota").order_by("created_at")
    assert [(n.kind, n.user, n.payload["used"]) for n in quota] == [
        ("chat_quota_80", user, 4),
        ("chat_quota_100", user, 5),
    ]
    assert not Notification.objects.filter(user=manager, kind__startswith="chat_quota").exists()
    assert quota[0].dedupe_key.startswith("chat_quota_80:")


def test_weekly_summary_numbers_on_monday_morning_in_the_shops_zone(django_capture_on_commit_callbacks):
    bs = booking_shop()
    tz = bs.shop.tzinfo
    long_ago = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)

    def book(day, hhmm):
        return bookings.appointment_book(
            shop=bs.shop, service=bs.cut, start=bs.at(day, hhmm), customer=bs.customer, now=long_ago
        )

    done = book(dt.date(2026, 12, 1), "10:00")
    visit_end = bs.at(dt.date(2026, 12, 1), "11:00")
    done = bookings.appointment_status_set(appointment=done, status="completed", now=visit_end)
    bookings.payment_record(appointment=done, amount="35.00", now=visit_end)
    book(dt.date(2026, 12, 5), "15:00")  # in the week, not paid yet
    bookings.appointment_cancel(appointment=book(dt.date(2026, 12, 3), "10:00"))  # cancelled: not counted
    book(dt.date(2026, 12, 7), "10:00")  # this week: not counted
    book(dt.date(2026, 11, 28), "10:00")  # the week before: not counted
    agent = Agent.objects.for_shop(bs.shop).first()
    conversation = Conversation.objects.create(shop=bs.shop, user=bs.owner, agent=agent)
    for when in (dt.datetime(2026, 12, 2, 12, tzinfo=tz), dt.datetime(2026, 12, 8, 12, tzinfo=tz)):
        message = Message.objects.create(
            conversation=conversation, shop=bs.shop, role=Message.Role.ASSISTANT, content="ok", status="complete"
        )
        Message.objects.filter(pk=message.pk).update(created_at=when)

    monday_0730 = dt.datetime(2026, 12, 7, 7, 30, tzinfo=tz)
    assert weekly_summaries_send(now=monday_0730) == 0
    monday_0830 = dt.datetime(2026, 12, 7, 8, 30, tzinfo=tz)
    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_summaries_send(now=monday_0830) == 1
        assert weekly_summaries_send(now=monday_0830 + dt.timedelta(minutes=20)) == 0  # the same ISO week
    [note] = Notification.objects.filter(kind="weekly_summary")
    assert note.user == bs.owner and note.dedupe_key == "weekly_summary:2026-W49"
    assert note.payload == {"week": "30 Nov-6 Dec", "bookings": 2, "revenue": "35.00", "currency": "USD", "chats": 1}
    assert Decimal(note.payload["revenue"]) == Decimal("35.00")
    # The owner's dashboard shows the same figures for that week.
    dashboard = headline(shop=bs.shop, period=Period(dt.date(2026, 11, 30), dt.date(2026, 12, 6), tz))
    assert (dashboard.bookings, dashboard.revenue, dashboard.chats) == (2, Decimal("35.00"), 1)


def test_a_new_shop_welcomes_its_owner_once_committed(django_capture_on_commit_callbacks):
    owner_user = make_user(email="new@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        shop = shop_create(owner=owner_user, name="New Cuts")
    [note] = Notification.objects.filter(shop=shop, kind="welcome")
    assert note.user == owner_user and set(note.deliveries.values_list("status", flat=True)) == {"sent"}


def test_agent_status_reaches_the_staff_of_shops_that_use_it(django_capture_on_commit_callbacks):
    owner_a, shop_a = make_owner(shop_name="A")
    barber_a = add_member(shop=shop_a, role=Membership.Role.BARBER)
    _owner_b, shop_b = make_owner(shop_name="B")
    agent = ShopAgent.objects.filter(shop=shop_a).enabled().get().agent  # the agent a new shop starts with
    ShopAgent.objects.filter(shop=shop_b).update(enabled=False)
    for status in (Agent.Status.BUSY, Agent.Status.ACTIVE, Agent.Status.MAINTENANCE, Agent.Status.ACTIVE):
        with django_capture_on_commit_callbacks(execute=True):  # each change commits on its own
            agent_status_set(agent=agent, status=status)
    notes = Notification.objects.filter(kind="agent_status").order_by("created_at")
    assert {n.user for n in notes} == {owner_a, barber_a}
    assert [n.payload["status"] for n in notes if n.user == owner_a] == ["maintenance", "active"]
    assert not Notification.objects.filter(shop=shop_b, kind="agent_status").exists()
    assert notes[0].payload["agent"] == agent.name and notes[0].inbox

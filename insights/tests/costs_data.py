"""A week of AI use, deliveries and Stripe money, small enough to compute every figure by hand.

Period: Mon 2 Nov 2026 to Sun 8 Nov 2026 (UTC). D1 = 2 Nov, D2 = 3 Nov.

Replies (assistant messages):
  Alpha, business_coach, gpt-4o-mini, D1: complete 1000/500 $0.45 ttft 150 · stopped (estimated)
      200/50 $0.05 ttft 250 · error rate_limited, no usage
  Alpha, marketing_expert, gpt-4o, D2: complete 3000/1000 $2.00 ttft 900
  Bleeding, business_coach, gpt-4o, D2: complete 4000/2000 $23.50 ttft 1800 · error timeout
      100/10 $0.01 ttft 2500
  Out: a user message, a reply still streaming, a reply at 23:59 on 1 Nov ($9.99).
Deliveries sent: Alpha 2 emails (D1), 1 SMS (D2), 1 in-app; a failed email. Bleeding 10 SMS (D2).
Stripe: Alpha paid $49.00 (fee $1.72), an open invoice; Bleeding paid $19.00 (fee $0.85) and
  EUR 10.00. Subscriptions: Alpha $49/month, Bleeding $190/year, Idle canceled.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from djstripe.models import BalanceTransaction, Charge, Customer, Invoice, Subscription

from agents.models import Agent
from chat.models import Conversation, Message
from notifications.models import Delivery, Notification
from sixfb.models import Shop, User
from tests.base import make_owner

D0 = dt.date(2026, 11, 1)
D1 = dt.date(2026, 11, 2)
D2 = dt.date(2026, 11, 3)


def at(day: dt.date, hhmm: str = "12:00") -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=dt.UTC)


def _owner(shop: Shop) -> User:
    return User.objects.get(memberships__shop=shop)


def reply(shop: Shop, agent: str, model: str, when: dt.datetime, **fields: object) -> Message:
    user = _owner(shop)
    conversation = Conversation.objects.create(shop=shop, user=user, agent=Agent.objects.get(slug=agent))
    fields.setdefault("role", Message.Role.ASSISTANT)
    fields.setdefault("content", "an answer")
    message = Message.objects.create(conversation=conversation, shop=shop, model=model, **fields)
    Message.objects.filter(pk=message.pk).update(created_at=when)
    return message


def sent(shop: Shop, channel: str, when: dt.datetime, status: str = Delivery.Status.SENT) -> None:
    notification = Notification.objects.create(
        shop=shop,
        user=_owner(shop),
        kind="welcome",
        dedupe_key=f"{channel}-{when}-{Notification.objects.count()}",
    )
    Delivery.objects.create(notification=notification, channel=channel, status=status, sent_at=when)


def stripe_customer(shop: Shop, n: int) -> Customer:
    return Customer.objects.create(id=f"cus_test{n}", subscriber=shop, livemode=False, stripe_data={})


def invoice(
    customer: Customer, n: int, when: dt.datetime, cents: int, status: str = "paid", currency: str = "usd"
) -> None:
    data = {"status": status, "amount_paid": cents if status == "paid" else 0, "total": cents, "currency": currency}
    Invoice.objects.create(id=f"in_test{n}", customer=customer, created=when, livemode=False, stripe_data=data)


def charge(customer: Customer, n: int, when: dt.datetime, cents: int, fee: int) -> None:
    balance = BalanceTransaction.objects.create(
        id=f"txn_test{n}",
        amount=cents,
        currency="usd",
        source=f"ch_test{n}",
        type="charge",
        livemode=False,
        stripe_data={"fee": fee, "amount": cents, "currency": "usd"},
        created=when,
    )
    Charge.objects.create(
        id=f"ch_test{n}",
        customer=customer,
        amount=Decimal(cents) / 100,
        currency="usd",
        status="succeeded",
        balance_transaction=balance,
        created=when,
        livemode=False,
        stripe_data={"amount": cents},
    )


def subscription(customer: Customer, n: int, status: str, cents: int, interval: str) -> None:
    price = {
        "id": f"price_{n}",
        "unit_amount": cents,
        "currency": "usd",
        "recurring": {"interval": interval, "interval_count": 1},
    }
    Subscription.objects.create(
        id=f"sub_test{n}",
        customer=customer,
        livemode=False,
        stripe_data={"status": status, "items": {"data": [{"price": price, "quantity": 1}]}},
    )


def week() -> dict[str, Shop]:
    _o, alpha = make_owner(shop_name="Alpha Fades")
    _o, bleeding = make_owner(shop_name="Bleeding Cuts")
    _o, idle = make_owner(shop_name="Idle Shears")
    S = Message.Status
    reply(
        alpha,
        "business_coach",
        "gpt-4o-mini",
        at(D1, "09:00"),
        prompt_tokens=1000,
        completion_tokens=500,
        cost_usd=Decimal("0.45"),
        time_to_first_token_ms=150,
    )
    reply(
        alpha,
        "business_coach",
        "gpt-4o-mini",
        at(D1, "10:00"),
        status=S.STOPPED,
        usage_estimated=True,
        prompt_tokens=200,
        completion_tokens=50,
        cost_usd=Decimal("0.05"),
        time_to_first_token_ms=250,
    )
    reply(
        alpha, "business_coach", "gpt-4o-mini", at(D1, "11:00"), status=S.ERROR, error_code="rate_limited", content=""
    )
    reply(
        alpha,
        "marketing_expert",
        "gpt-4o",
        at(D2, "00:00"),
        prompt_tokens=3000,
        completion_tokens=1000,
        cost_usd=Decimal("2.00"),
        time_to_first_token_ms=900,
    )
    reply(
        bleeding,
        "business_coach",
        "gpt-4o",
        at(D2, "13:00"),
        prompt_tokens=4000,
        completion_tokens=2000,
        cost_usd=Decimal("23.50"),
        time_to_first_token_ms=1800,
    )
    reply(
        bleeding,
        "business_coach",
        "gpt-4o",
        at(D2, "14:00"),
        status=S.ERROR,
        error_code="timeout",
        content="x",
        prompt_tokens=100,
        completion_tokens=10,
        cost_usd=Decimal("0.01"),
        time_to_first_token_ms=2500,
    )
    reply(alpha, "business_coach", "gpt-4o", at(D1), role=Message.Role.USER)
    reply(alpha, "business_coach", "gpt-4o", at(D1), status=S.STREAMING)
    reply(alpha, "business_coach", "gpt-4o", at(D0, "23:59"), cost_usd=Decimal("9.99"), time_to_first_token_ms=100)

    sent(alpha, "email", at(D1, "08:00"))
    sent(alpha, "email", at(D1, "09:00"))
    sent(alpha, "sms", at(D2))
    sent(alpha, "in_app", at(D2))
    sent(alpha, "email", at(D2), status=Delivery.Status.FAILED)
    for _ in range(10):
        sent(bleeding, "sms", at(D2))

    a, b, c = stripe_customer(alpha, 1), stripe_customer(bleeding, 2), stripe_customer(idle, 3)
    invoice(a, 1, at(D1), 4900)
    invoice(a, 2, at(D2), 4900, status="open")
    invoice(b, 3, at(D2), 1900)
    invoice(b, 4, at(D2), 1000, currency="eur")
    charge(a, 1, at(D1), 4900, fee=172)
    charge(b, 2, at(D2), 1900, fee=85)
    subscription(a, 1, "active", 4900, "month")
    subscription(b, 2, "active", 19000, "year")
    subscription(c, 3, "canceled", 4900, "month")
    return {"alpha": alpha, "bleeding": bleeding, "idle": idle}

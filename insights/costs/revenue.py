"""Money from Stripe (as dj-stripe stored it) and each shop's margin over a period.

- *Revenue*: invoices with status ``paid`` created in the period, their ``amount_paid``.
- *Fees*: Stripe's fee on the balance transaction of each succeeded charge created in the period.
- *MRR*: active subscriptions' prices times quantity, per month (a yearly price / 12, weekly x 52 / 12,
  daily x 365 / 12, over the interval count).
- *Messaging cost*: sent deliveries x ``COST_EMAIL_USD`` / ``COST_SMS_USD`` (in-app ones are free).
- *Margin*: revenue - fees - AI cost - messaging cost, in US dollars.

Amounts are integer cents from Stripe, turned into ``Decimal`` dollars only for display. Only USD
enters the totals and margins: amounts in other currencies are summed per currency and shown apart,
not converted (no exchange rate is stored with them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import BigIntegerField, Count, Sum
from django.db.models.fields.json import KT, KeyTextTransform
from django.db.models.functions import Cast, Lower
from djstripe.models import Charge, Invoice, Subscription

from billing.subscriptions import GRANTING
from insights.models import DailyAiCost, DailyMessaging
from insights.periods import Period
from notifications.models import Channel
from sixfb.models import Shop

USD = "usd"
CENT = Decimal("0.01")
MONTHS_PER_INTERVAL = {"month": Decimal(1), "year": Decimal(1) / 12, "week": Decimal(52) / 12, "day": Decimal(365) / 12}


def dollars(cents: int | Decimal) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def _paid_invoices(period: Period) -> list[dict[str, Any]]:
    return list(
        Invoice.objects.filter(created__gte=period.start, created__lt=period.end, customer__subscriber__isnull=False)
        .filter(stripe_data__status="paid")
        .annotate(cur=Lower(KT("stripe_data__currency")))
        .values("customer__subscriber_id", "cur")
        .annotate(cents=Sum(Cast(KT("stripe_data__amount_paid"), BigIntegerField())), invoices=Count("pk"))
        .order_by()
    )


def _fees(period: Period) -> list[dict[str, Any]]:
    return list(
        Charge.objects.filter(
            created__gte=period.start,
            created__lt=period.end,
            status="succeeded",
            customer__subscriber__isnull=False,
            balance_transaction__isnull=False,
        )
        .annotate(cur=Lower("balance_transaction__currency"))
        .values("customer__subscriber_id", "cur")
        .annotate(
            cents=Sum(Cast(KeyTextTransform("fee", "balance_transaction__stripe_data"), BigIntegerField())),
            charges=Count("pk"),
        )
        .order_by()
    )


@dataclass
class Money:
    revenue_cents: int = 0
    invoices: int = 0
    fees_cents: int = 0
    charges: int = 0
    other_currencies: dict[str, int] = field(default_factory=dict)  # revenue in other currencies, cents

    @property
    def revenue(self) -> Decimal:
        return dollars(self.revenue_cents)

    @property
    def fees(self) -> Decimal:
        return dollars(self.fees_cents)

    @property
    def other_currencies_display(self) -> str:
        return ", ".join(f"{code.upper()} {dollars(cents)}" for code, cents in sorted(self.other_currencies.items()))


def stripe_money(*, period: Period) -> tuple[Money, dict[int, Money]]:
    """The period's totals and the same per shop (by shop id)."""
    total, shops = Money(), defaultdict[int, Money](Money)
    for row in _paid_invoices(period):
        for money in (total, shops[row["customer__subscriber_id"]]):
            if row["cur"] == USD:
                money.revenue_cents += row["cents"] or 0
                money.invoices += row["invoices"]
            else:
                money.other_currencies[row["cur"]] = money.other_currencies.get(row["cur"], 0) + (row["cents"] or 0)
    for row in _fees(period):
        if row["cur"] != USD:
            continue  # a fee is in the settlement currency: USD for this account
        for money in (total, shops[row["customer__subscriber_id"]]):
            money.fees_cents += row["cents"] or 0
            money.charges += row["charges"]
    return total, dict(shops)


def mrr() -> tuple[Decimal, int]:
    """Monthly recurring revenue in USD from active subscriptions, and how many there are."""
    monthly, count = Decimal(0), 0
    active = Subscription.objects.filter(
        customer__subscriber__isnull=False, stripe_data__status__in=sorted(GRANTING - {"trialing"})
    )
    for data in active.values_list("stripe_data", flat=True):  # one row per paying shop: a few hundred
        count += 1
        for item in (data.get("items") or {}).get("data") or []:
            price = item.get("price") or {}
            recurring = price.get("recurring") or {}
            if str(price.get("currency", "")).lower() != USD or recurring.get("interval") not in MONTHS_PER_INTERVAL:
                continue
            per_interval = Decimal(int(price.get("unit_amount") or 0) * int(item.get("quantity") or 1))
            monthly += (
                per_interval * MONTHS_PER_INTERVAL[recurring["interval"]] / int(recurring.get("interval_count") or 1)
            )
    return (monthly / 100).quantize(CENT, rounding=ROUND_HALF_UP), count


@dataclass(frozen=True)
class ShopMargin:
    shop_id: int
    name: str
    revenue: Decimal
    fees: Decimal
    ai_cost: Decimal
    messaging_cost: Decimal

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.fees - self.ai_cost - self.messaging_cost


def shop_margins(
    *, period: Period, money: dict[int, Money], ai_by_shop: dict[int, Decimal] | None = None
) -> list[ShopMargin]:
    """Every shop with revenue or costs in the period, the ones losing the most money first; the AI
    cost per shop from ``ai_by_shop`` when the caller has it."""
    span = {"day__gte": period.first_day, "day__lte": period.last_day}
    ai = ai_by_shop
    if ai is None:
        ai = dict(
            DailyAiCost.objects.filter(**span).values("shop_id").annotate(c=Sum("cost_usd")).values_list("shop_id", "c")
        )
    unit = {Channel.EMAIL.value: settings.COST_EMAIL_USD, Channel.SMS.value: settings.COST_SMS_USD}
    messaging: dict[int, Decimal] = defaultdict(Decimal)
    for shop_id, channel, sent in (
        DailyMessaging.objects.filter(**span)
        .values("shop_id", "channel")
        .annotate(n=Sum("sent"))
        .values_list("shop_id", "channel", "n")
    ):
        messaging[shop_id] += unit.get(channel, Decimal(0)) * sent
    ids = set(ai) | set(messaging) | set(money)
    names = dict(Shop.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = [
        ShopMargin(
            shop_id=pk,
            name=names.get(pk, f"Shop {pk}"),
            revenue=money[pk].revenue if pk in money else Decimal("0.00"),
            fees=money[pk].fees if pk in money else Decimal("0.00"),
            ai_cost=ai.get(pk) or Decimal(0),
            messaging_cost=messaging.get(pk, Decimal(0)),
        )
        for pk in ids
        if pk in names
    ]
    return sorted(rows, key=lambda row: (row.margin, row.name))

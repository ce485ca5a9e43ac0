"""What the staff cost page and its CSV exports show, gathered from the selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from insights.costs import budgets, revenue, selectors
from insights.models import DailyUsage
from insights.periods import Period


def page(*, period: Period) -> dict[str, Any]:
    total_money, shop_money = revenue.stripe_money(period=period)
    monthly, subscriptions = revenue.mrr()
    today = timezone.now().astimezone(dt.UTC).date()
    ttft = selectors.ttft(period=period)
    by = {group: selectors.ai_spend_by(period=period, group=group) for group in selectors.GROUPS}
    ai = selectors.ai_totals(period=period, by_day=by["day"])  # the same sums, without another scan
    ai_by_shop = {row["shop_id"]: row["cost_usd"] for row in by["shop"]}
    return {
        "ai": ai,
        "ai_tables": [
            ("AI spend by day", "days", by["day"], "Day"),
            ("AI spend by model", "models", by["model"], "Model"),
            ("AI spend by agent", "agents", by["agent"], "Agent"),
            ("AI spend by shop (top 20)", "shops", by["shop"][:20], "Shop"),
        ],
        "ttft": ttft,
        "ttft_p50": selectors.Ttft.label(ttft.p50_ms),
        "ttft_p95": selectors.Ttft.label(ttft.p95_ms),
        "errors": selectors.error_rates(period=period, replies=ai["messages"]),
        "money": total_money,
        "mrr": monthly,
        "subscriptions": subscriptions,
        "margins": revenue.shop_margins(period=period, money=shop_money, ai_by_shop=ai_by_shop)[:50],
        "meters": budgets.meters(today=today),
        "last_rollup": DailyUsage.objects.order_by("-rolled_up_at").values_list("rolled_up_at", flat=True).first(),
    }


def _ai_rows(period: Period, group: str) -> Iterable[list[Any]]:
    fields = selectors.GROUPS[group][0]
    for row in selectors.ai_spend_by(period=period, group=group):
        yield [
            *(row[f] for f in fields),
            row["messages"],
            row["stopped"],
            row["estimated"],
            row["errors"],
            row["prompt_tokens"],
            row["completion_tokens"],
            row["cost_usd"],
        ]


AI_COLUMNS = ["replies", "stopped", "estimated", "errors", "tokens_in", "tokens_out", "cost_usd"]


def _margins(period: Period) -> Iterable[list[Any]]:
    _total, shops = revenue.stripe_money(period=period)
    for row in revenue.shop_margins(period=period, money=shops):
        yield [row.shop_id, row.name, row.revenue, row.fees, row.ai_cost, row.messaging_cost, row.margin]


def _errors(period: Period) -> Iterable[list[Any]]:
    for row in selectors.error_rates(period=period):
        yield [row["code"], row["errors"], row["rate"]]


def _usage(period: Period) -> Iterable[list[Any]]:
    rows = DailyUsage.objects.filter(day__gte=period.first_day, day__lte=period.last_day).order_by("day")
    for u in rows:
        yield [u.day, u.db_bytes, u.redis_bytes, u.realtime_messages, u.peak_sockets, u.emails, u.sms]


def _ai(group: str) -> Any:
    return lambda period: _ai_rows(period, group)


# table name -> (header, rows of the period)
TABLES: dict[str, tuple[list[str], Any]] = {
    "days": (["day", *AI_COLUMNS], _ai("day")),
    "models": (["model", *AI_COLUMNS], _ai("model")),
    "agents": (["agent", "agent_name", *AI_COLUMNS], _ai("agent")),
    "shops": (["shop_id", "shop", *AI_COLUMNS], _ai("shop")),
    "errors": (["code", "errors", "rate"], _errors),
    "margins": (["shop_id", "shop", "revenue_usd", "fees_usd", "ai_usd", "messaging_usd", "margin_usd"], _margins),
    "usage": (["day", "db_bytes", "redis_bytes", "realtime_messages", "peak_sockets", "emails", "sms"], _usage),
}

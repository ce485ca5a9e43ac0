"""Every figure of the cost dashboard against the hand-computed week of ``costs_data``."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from insights.costs import revenue, selectors
from insights.costs.services import costs_rollup
from insights.models import DailyAiCost, DailyMessaging, DailyUsage
from insights.periods import Period
from insights.tests.costs_data import D1, D2, at, reply, week

pytestmark = pytest.mark.django_db

PERIOD = Period(dt.date(2026, 11, 2), dt.date(2026, 11, 8), zoneinfo.ZoneInfo("UTC"))
NOW = at(dt.date(2026, 11, 9), "03:00")


@pytest.fixture
def shops():
    shops = week()
    costs_rollup(now=NOW)
    return shops


def test_ai_totals_shares(shops):
    ai = selectors.ai_totals(period=PERIOD)
    assert ai["messages"] == 6  # the user message, the streaming reply and 1 Nov's are out
    assert (ai["stopped"], ai["estimated"], ai["errors"]) == (1, 1, 2)
    assert (ai["prompt_tokens"], ai["completion_tokens"]) == (8300, 3560)
    assert ai["cost_usd"] == Decimal("26.01")
    assert ai["stopped_share"] == ai["estimated_share"] == 0.1667  # 1 of 6
    assert ai["error_rate"] == 0.3333


def test_the_page_sums_its_daily_rows_to_the_same_totals_and_margins(shops):
    by_day = selectors.ai_spend_by(period=PERIOD, group="day")
    assert selectors.ai_totals(period=PERIOD, by_day=by_day) == selectors.ai_totals(period=PERIOD)
    by_shop = {row["shop_id"]: row["cost_usd"] for row in selectors.ai_spend_by(period=PERIOD, group="shop")}
    _total, per_shop = revenue.stripe_money(period=PERIOD)
    assert revenue.shop_margins(period=PERIOD, money=per_shop, ai_by_shop=by_shop) == revenue.shop_margins(
        period=PERIOD, money=per_shop
    )
    assert selectors.error_rates(period=PERIOD, replies=6) == selectors.error_rates(period=PERIOD)


def test_ai_spend_by_day_model_agent_shop(shops):
    by_day = selectors.ai_spend_by(period=PERIOD, group="day")
    assert [(r["day"], r["messages"], r["cost_usd"]) for r in by_day] == [
        (D1, 3, Decimal("0.50")),
        (D2, 3, Decimal("25.51")),  # 00:00 UTC on 3 Nov belongs to 3 Nov
    ]
    by_model = selectors.ai_spend_by(period=PERIOD, group="model")
    assert [(r["model"], r["cost_usd"]) for r in by_model] == [
        ("gpt-4o", Decimal("25.51")),
        ("gpt-4o-mini", Decimal("0.50")),
    ]
    by_agent = selectors.ai_spend_by(period=PERIOD, group="agent")
    assert [(r["agent__slug"], r["messages"], r["cost_usd"]) for r in by_agent] == [
        ("business_coach", 5, Decimal("24.01")),
        ("marketing_expert", 1, Decimal("2.00")),
    ]
    by_shop = selectors.ai_spend_by(period=PERIOD, group="shop")
    assert [(r["shop__name"], r["cost_usd"], r["prompt_tokens"]) for r in by_shop] == [
        ("Bleeding Cuts", Decimal("23.51"), 4100),
        ("Alpha Fades", Decimal("2.50"), 4200),
    ]


def test_time_to_first_token_percentiles(shops):
    # 150, 250, 900, 1800, 2500 ms fall in the buckets up to 200, 300, 1000, 2000 and 3000 ms:
    # p50 is the 3rd of 5 (ceil 2.5), p95 the 5th (ceil 4.75).
    ttft = selectors.ttft(period=PERIOD)
    assert (ttft.replies, ttft.p50_ms, ttft.p95_ms) == (5, 1000, 3000)


def test_error_rate_by_code(shops):
    assert selectors.error_rates(period=PERIOD) == [
        {"code": "rate_limited", "errors": 1, "rate": 0.1667},
        {"code": "timeout", "errors": 1, "rate": 0.1667},
    ]


def test_revenue_fees_and_other_currencies(shops):
    total, per_shop = revenue.stripe_money(period=PERIOD)
    assert (total.revenue, total.invoices, total.fees) == (Decimal("68.00"), 2, Decimal("2.57"))
    assert total.other_currencies == {"eur": 1000}  # shown apart, not converted
    assert per_shop[shops["alpha"].pk].revenue == Decimal("49.00")
    assert per_shop[shops["bleeding"].pk].fees == Decimal("0.85")


def test_mrr_from_active_subscriptions(shops):
    # $49 a month + $190 a year / 12 = 49 + 15.8333 = 64.83; the canceled one is out.
    assert revenue.mrr() == (Decimal("64.83"), 2)


def test_margins_list_the_shop_losing_money_first(shops):
    _total, per_shop = revenue.stripe_money(period=PERIOD)
    rows = revenue.shop_margins(period=PERIOD, money=per_shop)
    assert [r.name for r in rows] == ["Bleeding Cuts", "Alpha Fades"]  # Idle has nothing in the period
    bleeding, alpha = rows
    # 19.00 - 0.85 - 23.51 - 10 SMS x 0.0079
    assert bleeding.messaging_cost == Decimal("0.0790")
    assert bleeding.margin == Decimal("-5.4390")
    # 49.00 - 1.72 - 2.50 - (2 emails x 0.001 + 1 SMS x 0.0079); in-app and failed ones are free
    assert alpha.messaging_cost == Decimal("0.0099")
    assert alpha.margin == Decimal("44.7701")


def test_rollup_is_idempotent_and_a_rerun_replaces_the_day(shops):
    counts = (DailyAiCost.objects.count(), DailyMessaging.objects.count(), DailyUsage.objects.count())
    costs_rollup(now=NOW)
    assert (DailyAiCost.objects.count(), DailyMessaging.objects.count(), DailyUsage.objects.count()) == counts
    assert selectors.ai_totals(period=PERIOD)["cost_usd"] == Decimal("26.01")

    reply(shops["alpha"], "business_coach", "gpt-4o-mini", at(D1, "20:00"), cost_usd=Decimal("1.00"))
    costs_rollup(now=NOW)  # 2 Nov is already rolled up and not recent: a later run leaves it alone
    assert selectors.ai_totals(period=PERIOD)["cost_usd"] == Decimal("26.01")
    costs_rollup(now=at(dt.date(2026, 11, 3), "01:00"))  # yesterday is re-rolled on every run
    assert selectors.ai_totals(period=PERIOD)["cost_usd"] == Decimal("27.01")
    usage = DailyUsage.objects.get(day=D2)
    assert (usage.emails, usage.sms) == (0, 11)

"""Budget alerts: one email when month-to-date AI spend crosses 80 %, one more at 100 %, never twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from insights.costs import budgets
from insights.costs.services import costs_rollup
from insights.models import BudgetAlert
from insights.tests.costs_data import D2, at, reply, week

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(settings):
    settings.ADMINS = [("Ops", "ops@example.com")]
    settings.COST_BUDGET_AI_USD = Decimal("42")
    for name in ("DB_BYTES", "REDIS_BYTES", "REALTIME_MESSAGES", "PEAK_SOCKETS", "EMAILS", "SMS"):
        setattr(settings, f"COST_BUDGET_{name}", 0)  # off: only AI spend is under test


def test_alert_once_at_80_and_once_at_100_percent(budget):
    shops = week()
    now = at(D2, "18:00")
    costs_rollup(now=now)  # November so far: 9.99 on the 1st + 26.01 = 36.00 of 42 = 85.7 %
    assert [m.subject for m in mail.outbox] == ["[6FB] AI spend at 85% of this month's budget"]
    assert mail.outbox[0].to == ["ops@example.com"]
    costs_rollup(now=now)
    assert len(mail.outbox) == 1

    reply(shops["alpha"], "business_coach", "gpt-4o", at(D2, "17:00"), cost_usd=Decimal("6.00"))
    costs_rollup(now=now)  # 42.00 of 42 = 100 %
    assert len(mail.outbox) == 2 and "at 100%" in mail.outbox[1].subject
    costs_rollup(now=now)
    assert len(mail.outbox) == 2
    assert list(BudgetAlert.objects.values_list("metric", "threshold").order_by("threshold")) == [
        ("ai_usd", 80),
        ("ai_usd", 100),
    ]


def test_a_new_month_starts_over(budget):
    week()
    costs_rollup(now=at(D2, "18:00"))
    costs_rollup(now=at(dt.date(2026, 12, 1), "05:00"))  # December has no spend yet
    assert len(mail.outbox) == 1


def test_meter_states():
    def state(used: int) -> str:
        return budgets.Meter("sms", "SMS", "count", Decimal(used), Decimal(100)).state

    assert [state(79), state(80), state(99), state(100), state(250)] == ["ok", "warn", "warn", "over", "over"]
    assert budgets.Meter("sms", "SMS", "count", Decimal(250), Decimal(100)).bar_width == 100
    assert budgets.Meter("sms", "SMS", "count", Decimal(5), Decimal(0)).state == "off"


@pytest.mark.parametrize("raw", ["abc", "-1", "NaN"])
def test_a_bad_price_or_budget_stops_start_up(monkeypatch, raw):
    from django.core.exceptions import ImproperlyConfigured

    from sixfb import settings as project_settings

    monkeypatch.setenv("COST_SMS_USD", raw)
    with pytest.raises(ImproperlyConfigured, match="COST_SMS_USD"):
        project_settings._usd("COST_SMS_USD", "0.0079")

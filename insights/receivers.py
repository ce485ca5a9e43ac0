"""Insights' answers to other apps' signals (connected in InsightsConfig.ready)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from insights.periods import Period, last_days
from insights.selectors import daily, headline, lapsed_customers, top_services
from sixfb.models import Shop
from sixfb.signals import ShopFacts

# The figures look back four weeks: one of each weekday four times, so busiest and slowest mean something.
LOOKBACK_DAYS = 28
LAPSED_LISTED = 200


def numbers_for_agents(
    sender: Any, *, shop: Shop, figures: bool = False, numbers: bool = False, **kwargs: Any
) -> ShopFacts:
    """``sixfb.signals.shop_facts_wanted``: the shop's recent numbers, for the demo answers to an owner
    or manager (a barber is refused them on /insights/ too); nothing for a real model's prompt (it gets
    no numbers yet)."""
    if not (figures and numbers):
        return ShopFacts()
    now = timezone.now()
    today = now.astimezone(shop.tzinfo).date()
    month = last_days(days=LOOKBACK_DAYS, today=today, tz=shop.tzinfo)
    days = daily(shop=shop, period=month)
    this_week, last_week = days[-7:], days[-14:-7]
    by_weekday = [0] * 7
    for day in days:
        by_weekday[day.day.weekday()] += day.bookings
    worked = [weekday for weekday in range(7) if by_weekday[weekday]]
    ahead = daily(shop=shop, period=Period(today + dt.timedelta(days=1), today + dt.timedelta(days=7), shop.tzinfo))
    quietest = min(ahead, key=lambda d: d.bookings) if ahead else None
    top = headline(shop=shop, period=month)
    lapsed = lapsed_customers(shop=shop, now=now, limit=LAPSED_LISTED)
    return ShopFacts(
        figures={
            "week_bookings": sum(d.bookings for d in this_week),
            "week_revenue": sum((d.revenue for d in this_week), start=top.revenue * 0),
            "last_week_bookings": sum(d.bookings for d in last_week),
            "last_week_revenue": sum((d.revenue for d in last_week), start=top.revenue * 0),
            "month_bookings": top.bookings,
            "month_revenue": top.revenue,
            "average_ticket": top.average_ticket,
            "no_show_rate": top.no_show_rate,
            "cancellation_rate": top.cancellation_rate,
            "rebooking_rate": top.rebooking_rate,
            "new_customers": top.new_customers,
            "returning_customers": top.returning_customers,
            "bookings_by_weekday": by_weekday,
            "busiest_weekday": max(worked, key=lambda w: by_weekday[w]) if worked else None,
            "slowest_weekday": min(worked, key=lambda w: by_weekday[w]) if worked else None,
            "next_week_bookings": sum(d.bookings for d in ahead),
            "quietest_day_ahead": (quietest.day, quietest.bookings) if quietest else None,
            "lapsed_customers": len(lapsed),
            "lapsed_names": [row["name"] for row in lapsed[:3]],
            "top_services": [row["service_name"] for row in top_services(shop=shop, period=month, limit=3)],
        }
    )

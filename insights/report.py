"""The owner's dashboard put together: each number beside the previous period's, charts and tables.

Reads only (the selectors here and in bookings and chat); the views render what this returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bookings.selectors import booking_settings_for
from chat.selectors import ChatUsage, chat_usage_for_shop
from insights import charts, selectors, tables
from insights.charts import Chart
from insights.compare import Metric, percent_text
from insights.periods import Period
from insights.selectors import BarberUse, Headline
from insights.tables import Table
from sixfb.models import Shop


@dataclass(frozen=True)
class Report:
    period: Period
    previous: Period
    currency: str
    metrics: list[Metric]
    charts: dict[str, Chart]
    tables: dict[str, Table]
    usage: ChatUsage


def overall_utilisation(rows: list[BarberUse]) -> float | None:
    """Booked over working minutes of all barbers together (a short list of barbers, not of rows)."""
    working = sum(r.working_minutes for r in rows)
    return round(sum(r.booked_minutes for r in rows) / working, 4) if working else None


def headline_metrics(
    now: Headline, before: Headline, *, currency: str, utilisation: tuple[float | None, float | None] | None = None
) -> list[Metric]:
    metrics = [
        Metric("bookings", "Bookings", "count", now.bookings, before.bookings),
        Metric("revenue", "Revenue", "money", now.revenue, before.revenue, currency),
        Metric("average_ticket", "Average ticket", "money", now.average_ticket, before.average_ticket, currency),
    ]
    if utilisation is not None:
        metrics.append(Metric("utilisation", "Utilisation", "rate", *utilisation))
    return [
        *metrics,
        Metric("new_customers", "New customers", "count", now.new_customers, before.new_customers),
        Metric(
            "returning_customers", "Returning customers", "count", now.returning_customers, before.returning_customers
        ),
        Metric("rebooking_rate", "Rebooking rate", "rate", now.rebooking_rate, before.rebooking_rate),
        Metric("no_show_rate", "No-show rate", "rate", now.no_show_rate, before.no_show_rate, up_is_good=False),
        Metric(
            "cancellation_rate",
            "Cancellation rate",
            "rate",
            now.cancellation_rate,
            before.cancellation_rate,
            up_is_good=False,
        ),
        Metric("chats", "AI chats", "count", now.chats, before.chats),
    ]


def owner_report(*, shop: Shop, period: Period, now: dt.datetime) -> Report:
    currency = booking_settings_for(shop=shop).currency
    previous = period.previous()
    barbers = selectors.utilisation(shop=shop, period=period)
    utilisation = (overall_utilisation(barbers), overall_utilisation(selectors.utilisation(shop=shop, period=previous)))
    metrics = headline_metrics(
        selectors.headline(shop=shop, period=period),
        selectors.headline(shop=shop, period=previous),
        currency=currency,
        utilisation=utilisation,
    )
    days = selectors.daily(shop=shop, period=period)
    services = selectors.top_services(shop=shop, period=period)
    grid = selectors.busiest_hours(shop=shop, period=period)
    agents = selectors.chats_by_agent(shop=shop, period=period)
    found = {
        "daily": tables.daily_table(days, currency=currency),
        "barbers": tables.barbers_table(barbers),
        "services": tables.services_table(services, currency=currency),
        "hours": tables.hours_table(grid),
        "lapsed": tables.lapsed_table(selectors.lapsed_customers(shop=shop, now=now), tz=period.tz),
        "agents": tables.agents_table(agents),
    }
    day_list = [d.day for d in days]
    drawn = {
        "bookings": charts.columns(
            key="bookings", title="Bookings by day", days=day_list, values=[d.bookings for d in days], unit="bookings"
        ),
        "revenue": charts.columns(
            key="revenue",
            title=f"Revenue by day ({currency})",
            days=day_list,
            values=[d.revenue for d in days],
            unit=currency,
        ),
        "barbers": charts.horizontal_bars(
            key="barbers",
            title="Utilisation by barber",
            rows=[(r.name, r.utilisation or 0, percent_text(r.utilisation)) for r in barbers],
            unit="barbers",
        ),
        "services": charts.horizontal_bars(
            key="services",
            title="Top services by bookings",
            rows=[(r["service_name"], r["bookings"], f"{r['bookings']}") for r in services],
            unit="services",
        ),
        "hours": charts.heat_map(key="hours", title="Busiest hours (weekday by hour)", grid=grid),
        "agents": charts.horizontal_bars(
            key="agents",
            title="AI chats by agent",
            rows=[(r["conversation__agent__name"], r["chats"], f"{r['chats']}") for r in agents],
            unit="agents",
        ),
    }
    return Report(period, previous, currency, metrics, drawn, found, chat_usage_for_shop(shop=shop))


def owner_table(*, shop: Shop, period: Period, now: dt.datetime, name: str) -> Table:
    """One table alone, with only its own queries (the CSV export). ``name`` is one of ``tables.NAMES``."""
    currency = booking_settings_for(shop=shop).currency
    builders: dict[str, Callable[[], Table]] = {
        "daily": lambda: tables.daily_table(selectors.daily(shop=shop, period=period), currency=currency),
        "barbers": lambda: tables.barbers_table(selectors.utilisation(shop=shop, period=period)),
        "services": lambda: tables.services_table(selectors.top_services(shop=shop, period=period), currency=currency),
        "hours": lambda: tables.hours_table(selectors.busiest_hours(shop=shop, period=period)),
        "lapsed": lambda: tables.lapsed_table(selectors.lapsed_customers(shop=shop, now=now), tz=period.tz),
        "agents": lambda: tables.agents_table(selectors.chats_by_agent(shop=shop, period=period)),
    }
    return builders[name]()


def home_metrics(*, shop: Shop, now: dt.datetime) -> dict[str, list[Metric]]:
    """The new /dashboard/'s lead: today against the same weekday a week ago, and the last 7 days
    against the 7 before. Revenue is taken up to this time of day in both (a morning is not set
    against a whole day); bookings count the whole day, booked ahead included."""
    currency = booking_settings_for(shop=shop).currency
    tz = shop.tzinfo
    today = now.astimezone(tz).date()
    a_week_ago = now - dt.timedelta(days=7)
    day = Period(today, today, tz)
    week = Period(today - dt.timedelta(days=6), today, tz)
    last_week_day = Period(today - dt.timedelta(days=7), today - dt.timedelta(days=7), tz)
    keep = {"bookings", "revenue", "average_ticket"}

    def compared(current: Period, before: Period) -> list[Metric]:
        both = (
            selectors.headline(shop=shop, period=current, paid_before=now),
            selectors.headline(shop=shop, period=before, paid_before=a_week_ago),
        )
        return [m for m in headline_metrics(*both, currency=currency) if m.key in keep]

    return {"today": compared(day, last_week_day), "week": compared(week, week.previous())}

"""Read tools on the shop as a whole: its numbers for a period, its services and prices, and what
the agent should know about it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from actions.registry import MAX_ROWS, Tool, ToolContext, ToolError, ToolResult, tool_register
from actions.tools.reads.common import capped, date_schema, day, guarded, money, today
from agents.models import ShopAgent
from bookings.availability import shop_opening
from bookings.selectors import booking_settings_for, services_for_shop
from insights import selectors as insights
from insights.periods import MAX_DAYS, Period
from insights.report import overall_utilisation
from sixfb.models import WEEKDAYS
from sixfb.selectors import user_manages_shop

PERIODS = ("today", "this_week", "last_week", "this_month", "last_month")
NOTES_MAX_CHARS = 4000  # as chat.prompt bounds the same texts


def _named_period(name: str, now: dt.date) -> tuple[dt.date, dt.date]:
    monday = now - dt.timedelta(days=now.weekday())
    first_of_month = now.replace(day=1)
    if name == "today":
        return now, now
    if name == "this_week":
        return monday, now
    if name == "last_week":
        return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    if name == "this_month":
        return first_of_month, now
    last_month_end = first_of_month - dt.timedelta(days=1)
    return last_month_end.replace(day=1), last_month_end


def _period(ctx: ToolContext, args: dict[str, Any]) -> tuple[Period, str]:
    if "from" in args or "to" in args:
        if "period" in args:
            raise ToolError("invalid_arguments", "Give either period or from/to, not both.")
        first, last = day(ctx, args, "from"), day(ctx, args, "to", default=today(ctx))
        if last < first:
            raise ToolError("invalid_arguments", "to: the period ends before it starts.")
        if (last - first).days + 1 > MAX_DAYS:
            raise ToolError("invalid_arguments", f"to: a period is at most {MAX_DAYS} days.")
        return Period(first, last, ctx.shop.tzinfo), f"{first} to {last}"
    name = args.get("period", "this_month")
    first, last = _named_period(name, today(ctx))
    return Period(first, last, ctx.shop.tzinfo), name.replace("_", " ")


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@guarded
def shop_metrics_run(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    if not user_manages_shop(user=ctx.user, shop=ctx.shop):
        raise ToolError("not_allowed", "Only the shop's owner or a manager can see its business numbers.")
    period, label = _period(ctx, args)
    currency = booking_settings_for(shop=ctx.shop).currency
    head = insights.headline(shop=ctx.shop, period=period)
    barbers = insights.utilisation(shop=ctx.shop, period=period)
    data = {
        "period": {"from": period.first_day.isoformat(), "to": period.last_day.isoformat(), "label": label},
        "currency": currency,
        "revenue": money(head.revenue),
        "bookings": head.bookings,
        "paid_appointments": head.paid_appointments,
        "average_ticket": money(head.average_ticket),
        "utilisation": _rate(overall_utilisation(barbers)),
        "utilisation_by_barber": [{"barber": b.name, "utilisation": _rate(b.utilisation)} for b in barbers][:MAX_ROWS],
        "rebooking_rate": head.rebooking_rate,
        "no_show_rate": head.no_show_rate,
        "cancellation_rate": head.cancellation_rate,
        "new_customers": head.new_customers,
        "returning_customers": head.returning_customers,
        "top_services": [
            {"service": row["service_name"], "bookings": row["bookings"], "value": money(row["value"])}
            for row in insights.top_services(shop=ctx.shop, period=period)
        ],
    }
    summary = f"Shop numbers for {label}: {head.bookings} bookings, {money(head.revenue)} {currency} revenue"
    return ToolResult(summary=summary, data=data)


shop_metrics = tool_register(
    Tool(
        name="shop_metrics",
        description=(
            "The shop's numbers for a period: revenue and average ticket (decimal strings in the shop's "
            "currency), bookings, utilisation (booked over working minutes, overall and per barber), "
            "rebooking, no-show and cancellation rates (fractions 0 to 1, null when there is nothing to "
            "divide), new and returning customers, and the top services. Give a named period (default "
            "this_month; weeks start on Monday) or from/to dates. Owners and managers only."
        ),
        parameters={
            "type": "object",
            "properties": {
                "period": {"type": "string", "enum": list(PERIODS)},
                "from": date_schema("First day of a custom period"),
                "to": date_schema("Last day of a custom period, inclusive (default: today; at most 366 days)"),
            },
            "additionalProperties": False,
        },
        kind="read",
        run=shop_metrics_run,
    )
)


@guarded
def services_and_prices_run(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    found = services_for_shop(shop=ctx.shop, active_only=bool(args.get("active_only")))
    services = list(found.order_by("position", "name")[: MAX_ROWS + 1])
    total = found.count() if len(services) > MAX_ROWS else len(services)
    rows = [
        {
            "id": str(s.pk),
            "name": s.name,
            "duration_minutes": s.duration_minutes,
            "price": money(s.price),
            "active": s.active,
            "barbers": [{"id": str(b.pk), "name": b.name} for b in s.barbers.all() if not b.is_placeholder],
        }
        for s in services[:MAX_ROWS]
    ]
    data = {"currency": booking_settings_for(shop=ctx.shop).currency} | capped(rows, total, "services")
    return ToolResult(summary=f"{total} service{'' if total == 1 else 's'}", data=data)


services_and_prices = tool_register(
    Tool(
        name="services_and_prices",
        description=(
            "The shop's services: id (a UUID string), name, duration in minutes, price (a decimal string "
            "in the shop's currency), whether it is offered (active), and the barbers who offer it."
        ),
        parameters={
            "type": "object",
            "properties": {"active_only": {"type": "boolean", "description": "Leave out services no longer offered."}},
            "additionalProperties": False,
        },
        kind="read",
        run=services_and_prices_run,
    )
)


def _bounded(text: str) -> str:
    text = text.strip()
    return text if len(text) <= NOTES_MAX_CHARS else text[:NOTES_MAX_CHARS].rstrip() + " …"


@guarded
def shop_notes_run(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    shop = ctx.shop
    shop_agent = ShopAgent.objects.filter(shop=shop, agent=ctx.agent).only("instructions").first()
    hours = {}
    for weekday, name in enumerate(WEEKDAYS):
        opening = shop_opening(shop, weekday)
        hours[name] = "closed" if opening is None else f"{opening[0]:%H:%M}-{opening[1]:%H:%M}"
    data = {
        "shop": shop.name,
        "time_zone": shop.timezone,
        "today": today(ctx).isoformat(),
        "opening_hours": hours,
        "notes_for_agents": _bounded(shop.notes_for_agents),
        "instructions_for_you": _bounded(shop_agent.instructions) if shop_agent is not None else "",
    }
    written = [k for k in ("notes_for_agents", "instructions_for_you") if data[k]]
    summary = f"Notes about {shop.name}" + ("" if written else " (none written yet)")
    return ToolResult(summary=summary, data=data)


shop_notes = tool_register(
    Tool(
        name="shop_notes",
        description=(
            "What the shop wrote for its agents (notes about the shop, and instructions for you), its "
            "opening hours each weekday (HH:MM, the shop's time zone), its time zone and today's date."
        ),
        parameters={"type": "object", "properties": {}, "additionalProperties": False},
        kind="read",
        run=shop_notes_run,
    )
)

"""Read tools on the calendar: free slots, and the appointments in a range."""

from __future__ import annotations

from collections import Counter
from typing import Any

from actions.registry import MAX_ROWS, Tool, ToolContext, ToolResult, tool_register
from actions.tools.reads.common import (
    barber_for,
    capped,
    date_schema,
    day_range,
    guarded,
    ref_schema,
    service_for,
    stamp,
)
from bookings import selectors
from bookings.models import Appointment, Barber

AVAILABILITY_DAYS = 14
APPOINTMENTS_DAYS = 31


def _span(first: Any, last: Any) -> str:
    return f"{first:%a %d %b}" if first == last else f"{first:%a %d %b} to {last:%a %d %b}"


@guarded
def availability_run(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    service = service_for(ctx, args["service"])
    barber = barber_for(ctx, args["barber"]) if args.get("barber") else None
    first, last = day_range(ctx, args, max_days=AVAILABILITY_DAYS)
    # Staff rules (no online notice or horizon): the agent books for the shop, as staff do.
    slots = selectors.availability(
        shop=ctx.shop, service=service, barber=barber, first_day=first, last_day=last, online=False, now=ctx.now
    )
    names = dict(Barber.objects.filter(shop=ctx.shop).values_list("pk", "name"))
    rows = [
        {"start": slot.start.isoformat(), "barber_id": str(slot.barber_id), "barber": names.get(slot.barber_id, "")}
        for slot in slots[:MAX_ROWS]
    ]
    # Per day, so a capped list still shows where the free time is.
    by_day = Counter(slot.start.date().isoformat() for slot in slots)
    data: dict[str, Any] = {
        "service": {"id": str(service.pk), "name": service.name, "duration_minutes": service.duration_minutes},
        "free_slots_by_day": dict(sorted(by_day.items())),
    }
    data |= capped(rows, len(slots), "slots")
    who = f" with {barber.name}" if barber is not None else ""
    summary = f"{len(slots)} free slot{'' if len(slots) == 1 else 's'} for {service.name}{who}, {_span(first, last)}"
    return ToolResult(summary=summary, data=data)


availability = tool_register(
    Tool(
        name="availability",
        description=(
            "Free start times for a service, from one date to another (at most 14 days), with any barber "
            "who offers it or with one barber, and how many there are each day. Times are ISO 8601 with "
            "the shop's UTC offset. Call services_and_prices first if you do not know the service's exact "
            "name or id."
        ),
        parameters={
            "type": "object",
            "properties": {
                "service": ref_schema("service"),
                "barber": ref_schema("barber"),
                "from": date_schema("First day"),
                "to": date_schema("Last day, inclusive (default: the first day; at most 14 days in all)"),
            },
            "required": ["service", "from"],
            "additionalProperties": False,
        },
        kind="read",
        run=availability_run,
    )
)


@guarded
def appointments_run(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    first, last = day_range(ctx, args, max_days=APPOINTMENTS_DAYS)
    barber = barber_for(ctx, args["barber"]) if args.get("barber") else None
    # A barber member sees their own column only (the calendar's rule).
    found = selectors.appointments_between(membership=ctx.membership, first_day=first, last_day=last, barber=barber)
    if args.get("status"):
        found = found.filter(status=args["status"])
    total = found.count()
    rows = [
        {
            "id": str(a.pk),
            "start": stamp(a.start, ctx),
            "minutes": a.duration_minutes,
            "service": a.service_name,
            "barber": a.barber.name,
            "customer": a.customer.name,
            "status": a.status,
        }
        for a in found[:MAX_ROWS]
    ]
    summary = f"{total} appointment{'' if total == 1 else 's'}, {_span(first, last)}"
    return ToolResult(summary=summary, data=capped(rows, total, "appointments"))


appointments = tool_register(
    Tool(
        name="appointments",
        description=(
            "The shop's appointments from one date to another (at most 31 days), optionally for one barber "
            "or with one status, ordered by start. A barber sees only their own appointments. Each has "
            "its id (a UUID string), start (ISO 8601 with offset), length in minutes, service, barber and "
            "customer name (customer_lookup gives customers' ids)."
        ),
        parameters={
            "type": "object",
            "properties": {
                "from": date_schema("First day"),
                "to": date_schema("Last day, inclusive (default: the first day; at most 31 days in all)"),
                "barber": ref_schema("barber"),
                "status": {
                    "type": "string",
                    "enum": list(Appointment.Status.values),
                    "description": "Only appointments with this status.",
                },
            },
            "required": ["from"],
            "additionalProperties": False,
        },
        kind="read",
        run=appointments_run,
    )
)

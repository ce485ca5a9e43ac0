"""Read tools on the shop's customers: a lookup by name, phone or email, and segments."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, OuterRef, Subquery

from actions import segments
from actions.registry import MAX_ROWS, Tool, ToolContext, ToolResult, tool_register
from actions.tools.reads.common import capped, guarded, money, stamp
from bookings.models import Appointment, Customer
from bookings.selectors import customers_search

QUERY_MAX = 100


def customer_row(customer: Customer, ctx: ToolContext) -> dict[str, Any]:
    """What the model reads about a customer: no phone or email, only whether they may be written to."""
    return {
        "id": str(customer.pk),
        "name": customer.name,
        "visits": customer.visits,  # type: ignore[attr-defined]
        "total_spent": money(customer.total_spent),  # type: ignore[attr-defined]
        "last_visit": stamp(customer.last_visit, ctx),  # type: ignore[attr-defined]
        "email_consent": customer.email_consent_at is not None,
        "sms_consent": customer.sms_consent_at is not None,
    }


@guarded
def customer_lookup_run(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    query = args["query"].strip()
    last_visit = Subquery(
        Appointment.objects.filter(customer=OuterRef("pk"), status=Appointment.Status.COMPLETED)
        .order_by()
        .values("customer")
        .annotate(last=Max("start"))
        .values("last")
    )
    found = customers_search(shop=ctx.shop, query=query).annotate(last_visit=last_visit)
    rows = list(found[: MAX_ROWS + 1])
    total = found.count() if len(rows) > MAX_ROWS else len(rows)
    data = capped([customer_row(c, ctx) for c in rows[:MAX_ROWS]], total, "customers")
    summary = f"{total} customer{'' if total == 1 else 's'} matching “{query[:40]}”"
    return ToolResult(summary=summary, data=data)


customer_lookup = tool_register(
    Tool(
        name="customer_lookup",
        description=(
            "Find the shop's customers by a fragment of their name, phone number (3 or more digits) or "
            "email. Each has its id (a UUID string), completed visits, total spent (a decimal string in "
            "the shop's currency), last visit (ISO 8601) and whether they agreed to marketing email and SMS."
        ),
        parameters={
            "type": "object",
            "properties": {
                "query": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": QUERY_MAX,
                    "pattern": r"\S",
                    "description": "Part of a name, phone number or email.",
                },
            },
            "required": ["query"],
            "additionalProperties": False,
        },
        kind="read",
        run=customer_lookup_run,
    )
)


@guarded
def customer_segment_run(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    segment = args["segment"]
    weeks = int(args.get("weeks", segments.DEFAULT_WEEKS[segment]))
    found = segments.customer_segment(shop=ctx.shop, segment=segment, weeks=weeks, now=ctx.now)
    rows = list(found[: MAX_ROWS + 1])
    total = found.count() if len(rows) > MAX_ROWS else len(rows)
    customers = []
    for customer in rows[:MAX_ROWS]:
        row = customer_row(customer, ctx)
        if segment == "no_shows":
            row["no_shows"] = customer.no_shows  # type: ignore[attr-defined]
        elif segment == "top_spenders":
            row["spent_in_period"] = money(customer.spent_in_period)  # type: ignore[attr-defined]
        customers.append(row)
    data = {"segment": segment, "weeks": weeks} | capped(customers, total, "customers")
    label = segment.replace("_", " ")
    return ToolResult(summary=f"{total} customer{'' if total == 1 else 's'} {label} ({weeks} weeks)", data=data)


customer_segment = tool_register(
    Tool(
        name="customer_segment",
        description=(
            "A group of the shop's customers, with how many there are. Segments: overdue (regulars, 2+ "
            "visits, whose last visit was at least `weeks` weeks ago, default 6, nothing booked ahead); "
            "lapsed (anyone whose last visit was at least `weeks` weeks ago, default 6, nothing booked "
            "ahead); no_shows (1+ no-show in the last `weeks` weeks, default 12); top_spenders (most paid "
            "in the last `weeks` weeks, default 12). Rows as in customer_lookup."
        ),
        parameters={
            "type": "object",
            "properties": {
                "segment": {"type": "string", "enum": list(segments.SEGMENTS)},
                "weeks": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": segments.MAX_WEEKS,
                    "description": "The number of weeks the segment looks back (see each segment's default).",
                },
            },
            "required": ["segment"],
            "additionalProperties": False,
        },
        kind="read",
        run=customer_segment_run,
    )
)

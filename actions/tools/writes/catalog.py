"""Write tools on the shop's menu and records: a service's price, a new service, a note on a
customer. Prices and new services are shop-wide (owners and managers approve them)."""

from __future__ import annotations

from typing import Any

from actions.registry import ProposalDraft, Tool, ToolContext, ToolError, ToolResult
from actions.tools.writes.support import ID, PRICE, customer_of, price_of, schema_object, service_of, with_refusals
from bookings import services as bookings

# The catalog ----------------------------------------------------------------------------------


@with_refusals
def price_propose(ctx: ToolContext, args: dict[str, Any]) -> ProposalDraft:
    service = service_of(ctx, args["service"])
    price = price_of(args["price"])
    if price == service.price:
        raise ToolError("no_change", f"{service.name} already costs {price}.")
    details = {"action": "price", "service": service.name, "old_price": str(service.price), "price": str(price)}
    summary = f"Change the price of {service.name} from {service.price} to {price}"
    return ProposalDraft(summary, details, {"service": str(service.pk), "price": str(price)})


@with_refusals
def price_execute(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    service = service_of(ctx, args["service"])
    old = service.price
    service = bookings.service_update(service=service, price=price_of(args["price"]))
    summary = f"{service.name} now costs {service.price} (was {old})"
    return ToolResult(summary, {"service": str(service.pk), "price": str(service.price)})


def _service_name_check(ctx: ToolContext, name: str) -> str:
    name = name.strip()
    if not name:
        raise ToolError("invalid_arguments", "name: give the service a name.")
    if ctx.shop.services.filter(name__iexact=name).exists():
        raise ToolError("service_exists", f"The shop already has a service called {name}.")
    return name


@with_refusals
def service_create_propose(ctx: ToolContext, args: dict[str, Any]) -> ProposalDraft:
    name = _service_name_check(ctx, args["name"])
    price = price_of(args["price"])
    minutes = args["duration_minutes"]
    checked = {"name": name, "duration_minutes": minutes, "price": str(price)}
    details = {"action": "create_service", "service": name, "duration_minutes": minutes, "price": str(price)}
    return ProposalDraft(f"Add a service: {name}, {minutes} minutes, {price}", details, checked)


@with_refusals
def service_create_execute(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    name = _service_name_check(ctx, args["name"])
    service = bookings.service_create(
        shop=ctx.shop, name=name, duration_minutes=args["duration_minutes"], price=price_of(args["price"])
    )
    summary = f"Added {service.name} ({service.duration_minutes} minutes, {service.price})"
    return ToolResult(summary, {"service": str(service.pk)})


# Customers ------------------------------------------------------------------------------------


@with_refusals
def note_propose(ctx: ToolContext, args: dict[str, Any]) -> ProposalDraft:
    customer = customer_of(ctx, args["customer"])
    note = " ".join(args["note"].split())
    if not note:
        raise ToolError("invalid_arguments", "note: write something.")
    details = {"action": "note", "customer": customer.name, "note": note}
    return ProposalDraft(
        f"Add a note on {customer.name}: {note}"[:300], details, {"customer": str(customer.pk), "note": note}
    )


@with_refusals
def note_execute(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    customer = customer_of(ctx, args["customer"], lock=True)  # two notes approved at once both land
    line = f"{ctx.now.astimezone(ctx.shop.tzinfo).date().isoformat()}: {args['note']}"
    notes = f"{customer.notes.rstrip()}\n{line}".lstrip("\n")
    bookings.customer_update(customer=customer, notes=notes)
    return ToolResult(f"Noted on {customer.name}: {args['note']}"[:300], {"customer": str(customer.pk)})


TOOLS = [
    Tool(
        name="service_price_set",
        description="Propose a new price for one of the shop's services. An owner or manager approves it.",
        parameters=schema_object({"service": ID, "price": PRICE}, ["service", "price"]),
        kind="write",
        propose=price_propose,
        execute=price_execute,
        shop_wide=True,
    ),
    Tool(
        name="service_create",
        description="Propose adding a service to the shop's menu. An owner or manager approves it.",
        parameters=schema_object(
            {
                "name": {"type": "string", "minLength": 1, "maxLength": 120},
                "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 600},
                "price": PRICE,
            },
            ["name", "duration_minutes", "price"],
        ),
        kind="write",
        propose=service_create_propose,
        execute=service_create_execute,
        shop_wide=True,
    ),
    Tool(
        name="customer_note",
        description="Propose adding a dated note to a customer's record. A person approves it.",
        parameters=schema_object(
            {"customer": ID, "note": {"type": "string", "minLength": 1, "maxLength": 500}}, ["customer", "note"]
        ),
        kind="write",
        propose=note_propose,
        execute=note_execute,
        shop_wide=False,
    ),
]

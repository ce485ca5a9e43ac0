"""Write tools on the calendar: book, move and cancel appointments. ``propose`` checks the slot,
the service and the customer against the shop's data now and writes nothing; ``execute`` runs the
bookings services staff use, so no double booking (or any other of their rules) can slip through.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from actions.registry import ProposalDraft, Tool, ToolContext, ToolError, ToolResult
from actions.tools.writes.support import (
    ID,
    START,
    appointment_of,
    barber_of,
    column_check,
    customer_of,
    fitting_barber,
    is_barber_member,
    own_barber,
    schema_object,
    service_of,
    start_of,
    when,
    with_refusals,
)
from bookings import services as bookings
from bookings.errors import BookingError
from bookings.models import Appointment, Customer

# Booking ---------------------------------------------------------------------------------------


def _customer_for_proposal(ctx: ToolContext, value: Any) -> tuple[str | dict[str, str], str, bool]:
    """(what execute gets, the name, whether they are new): a known customer by id, phone or email."""
    if isinstance(value, str):
        customer = customer_of(ctx, value)
        return str(customer.pk), customer.name, False
    name = value["name"].strip()
    if not name:
        raise ToolError("invalid_arguments", "customer.name: give the customer's name.")
    email = value.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ToolError("invalid_arguments", "customer.email: not an email address.") from None
    phone = bookings.phone_normalize(shop=ctx.shop, phone=value.get("phone", ""))
    known = bookings.customer_match(shop=ctx.shop, phone=phone, email=email)
    if known is not None:
        return str(known.pk), known.name, False
    return {"name": name[:120], "phone": phone, "email": email}, name[:120], True


def _customer_for_booking(ctx: ToolContext, value: str | dict[str, str]) -> Customer:
    if isinstance(value, str):
        return customer_of(ctx, value)
    if value["phone"]:
        return bookings.customer_for_booking(
            shop=ctx.shop, name=value["name"], phone=value["phone"], email=value["email"]
        )
    try:
        return bookings.customer_create(shop=ctx.shop, name=value["name"], email=value["email"])
    except BookingError as exc:
        known = bookings.customer_match(shop=ctx.shop, phone="", email=value["email"])
        if exc.code != "customer_exists" or known is None:
            raise
        return known


def _book_summary(ctx: ToolContext, customer: str, service: str, args: dict[str, Any], barber: str) -> str:
    return f"{customer} for {service}, {when(ctx, start_of(ctx, args['start']))} with {barber}"


@with_refusals
def book_propose(ctx: ToolContext, args: dict[str, Any]) -> ProposalDraft:
    service = service_of(ctx, args["service"])
    start = start_of(ctx, args["start"])
    barber = barber_of(ctx, args["barber"]) if args.get("barber") else None
    if barber is None and is_barber_member(ctx):
        barber = own_barber(ctx)
        if barber is None:
            raise ToolError("not_allowed", "Your login is not linked to a barber, so you cannot book.")
    if barber is not None:
        column_check(ctx, barber)
    chosen = fitting_barber(ctx, service=service, start=start, barber=barber)
    customer, name, new = _customer_for_proposal(ctx, args["customer"])
    checked = {"service": str(service.pk), "start": start.isoformat(), "barber": str(chosen.pk), "customer": customer}
    details = {
        "action": "book",
        "customer": name,
        "new_customer": new,
        "service": service.name,
        "barber": chosen.name,
        "start": start.isoformat(),
        "when": when(ctx, start),
        "duration_minutes": service.duration_minutes,
        "price": str(service.price),
    }
    return ProposalDraft(f"Book {_book_summary(ctx, name, service.name, checked, chosen.name)}", details, checked)


@with_refusals
def book_execute(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    service = service_of(ctx, args["service"])
    barber = barber_of(ctx, args["barber"]) if args.get("barber") else None
    if barber is not None:
        column_check(ctx, barber)
    customer = _customer_for_booking(ctx, args["customer"])
    appointment = bookings.appointment_book(
        shop=ctx.shop,
        service=service,
        start=start_of(ctx, args["start"]),
        customer=customer,
        barber=barber,
        source=Appointment.Source.AGENT,
        actor=ctx.user,
    )
    summary = _book_summary(ctx, customer.name, service.name, args, appointment.barber.name)
    data = {"appointment": str(appointment.pk), "status": appointment.status, "customer": str(customer.pk)}
    return ToolResult(f"Booked {summary}", data)


# Moving and cancelling ------------------------------------------------------------------------


@with_refusals
def move_propose(ctx: ToolContext, args: dict[str, Any]) -> ProposalDraft:
    appointment = appointment_of(ctx, args["appointment"])
    if not appointment.is_live:
        raise ToolError(
            "invalid_transition", f"A {appointment.get_status_display().lower()} appointment cannot be moved."
        )
    target = barber_of(ctx, args["barber"]) if args.get("barber") else appointment.barber
    column_check(ctx, appointment.barber, target)
    start = start_of(ctx, args["start"])
    fitting_barber(ctx, service=appointment.service, start=start, barber=target, moving=appointment)
    checked = {"appointment": str(appointment.pk), "start": start.isoformat(), "barber": str(target.pk)}
    summary = (
        f"Move {appointment.customer.name}'s {appointment.service_name} from {when(ctx, appointment.start)} "
        f"to {when(ctx, start)} with {target.name}"
    )
    details = {
        "action": "move",
        "customer": appointment.customer.name,
        "service": appointment.service_name,
        "from": appointment.start.astimezone(ctx.shop.tzinfo).isoformat(),
        "from_barber": appointment.barber.name,
        "start": start.isoformat(),
        "when": when(ctx, start),
        "barber": target.name,
    }
    return ProposalDraft(summary, details, checked)


@with_refusals
def move_execute(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    appointment = appointment_of(ctx, args["appointment"], visible_only=False)
    target = barber_of(ctx, args["barber"]) if args.get("barber") else appointment.barber
    column_check(ctx, appointment.barber, target)
    moved = bookings.appointment_reschedule(appointment=appointment, start=start_of(ctx, args["start"]), barber=target)
    summary = f"Moved {moved.customer.name}'s {moved.service_name} to {when(ctx, moved.start)} with {moved.barber.name}"
    return ToolResult(summary, {"appointment": str(moved.pk), "start": moved.start.isoformat()})


@with_refusals
def cancel_propose(ctx: ToolContext, args: dict[str, Any]) -> ProposalDraft:
    appointment = appointment_of(ctx, args["appointment"])
    column_check(ctx, appointment.barber)
    if not appointment.is_live:
        status = appointment.get_status_display().lower()
        raise ToolError("invalid_transition", f"A {status} appointment cannot be cancelled.")
    reason = args.get("reason", "").strip()
    summary = f"Cancel {appointment.customer.name}'s {appointment.service_name}, {when(ctx, appointment.start)}"
    details = {
        "action": "cancel",
        "customer": appointment.customer.name,
        "service": appointment.service_name,
        "barber": appointment.barber.name,
        "start": appointment.start.astimezone(ctx.shop.tzinfo).isoformat(),
        "when": when(ctx, appointment.start),
        "reason": reason,
    }
    return ProposalDraft(summary, details, {"appointment": str(appointment.pk), "reason": reason})


@with_refusals
def cancel_execute(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
    appointment = appointment_of(ctx, args["appointment"], visible_only=False)
    column_check(ctx, appointment.barber)
    if appointment.status == Appointment.Status.CANCELLED:
        raise ToolError("invalid_transition", "That appointment was already cancelled.")
    cancelled = bookings.appointment_cancel(appointment=appointment, reason=args.get("reason", ""))
    summary = f"Cancelled {cancelled.customer.name}'s {cancelled.service_name}, {when(ctx, cancelled.start)}"
    return ToolResult(summary, {"appointment": str(cancelled.pk), "status": cancelled.status})


CUSTOMER = {
    "anyOf": [
        {**ID, "description": "A known customer's id."},
        schema_object(
            {
                "name": {"type": "string", "minLength": 1, "maxLength": 120},
                "phone": {"type": "string", "maxLength": 32},
                "email": {"type": "string", "maxLength": 254},
            },
            ["name"],
        ),
    ],
    "description": "A known customer's id, or a new customer's name with a phone or email.",
}

TOOLS = [
    Tool(
        name="appointment_book",
        description="Propose booking a customer for a service at a time (a person approves it). Check "
        "availability first. Leave out barber for whoever is free.",
        parameters=schema_object(
            {"service": ID, "start": START, "barber": ID, "customer": CUSTOMER}, ["service", "start", "customer"]
        ),
        kind="write",
        propose=book_propose,
        execute=book_execute,
        shop_wide=False,
    ),
    Tool(
        name="appointment_move",
        description="Propose moving an appointment to another time (and barber). A person approves it.",
        parameters=schema_object({"appointment": ID, "start": START, "barber": ID}, ["appointment", "start"]),
        kind="write",
        propose=move_propose,
        execute=move_execute,
        shop_wide=False,
    ),
    Tool(
        name="appointment_cancel",
        description="Propose cancelling an appointment. A person approves it.",
        parameters=schema_object({"appointment": ID, "reason": {"type": "string", "maxLength": 280}}, ["appointment"]),
        kind="write",
        propose=cancel_propose,
        execute=cancel_execute,
        shop_wide=False,
    ),
]

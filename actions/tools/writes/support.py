"""What the write tools share: the schema pieces, the shop's objects by the ids the model gives, start times, prices,
the barber's own column, and bookings' refusals as ToolErrors.

Every lookup is scoped to ``ctx.shop``; an id of another shop, or one that is not an id at all, is
"not found", never its data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from uuid import UUID

from django.db.models import Model, QuerySet

from actions.registry import ToolContext, ToolError
from bookings.availability import Rules, barbers_for, load_calendars, start_problem
from bookings.errors import BookingError
from bookings.models import Appointment, Barber, Customer, Service
from bookings.selectors import appointments_visible_to
from sixfb.models import Membership

MAX_PRICE = Decimal("10000")
M = TypeVar("M", bound=Model)
R = TypeVar("R")


def _uuid(value: object) -> UUID | None:
    try:
        return UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _one(found: QuerySet[M], value: object, what: str) -> M:
    pk = _uuid(value)
    obj = found.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise ToolError("not_found", f"No {what} with id {str(value)[:64]!r} in this shop.")
    return obj


def service_of(ctx: ToolContext, value: object) -> Service:
    return _one(Service.objects.filter(shop=ctx.shop), value, "service")


def barber_of(ctx: ToolContext, value: object) -> Barber:
    return _one(Barber.objects.filter(shop=ctx.shop, is_placeholder=False), value, "barber")


def customer_of(ctx: ToolContext, value: object, *, lock: bool = False) -> Customer:
    found = Customer.objects.filter(shop=ctx.shop)
    return _one(found.select_for_update() if lock else found, value, "customer")


def appointment_of(ctx: ToolContext, value: object, *, visible_only: bool = True) -> Appointment:
    """The appointment if this member may see it (a barber sees their own column only). Approval
    looks in the whole shop, so that a column that is no longer theirs is refused (column_check)."""
    found = (
        appointments_visible_to(membership=ctx.membership)
        if visible_only
        else Appointment.objects.filter(shop=ctx.shop)
    )
    return _one(found.select_related("customer", "barber", "service"), value, "appointment")


def own_barber(ctx: ToolContext) -> Barber | None:
    """The barber linked to the member's login, when they have one."""
    return Barber.objects.filter(shop=ctx.shop, membership=ctx.membership).first()


def is_barber_member(ctx: ToolContext) -> bool:
    return ctx.membership.role == Membership.Role.BARBER


def column_check(ctx: ToolContext, *barbers: Barber) -> None:
    """A barber member acts on their own column only; owners and managers on any."""
    if not is_barber_member(ctx):
        return
    own = own_barber(ctx)
    if own is None or any(barber.pk != own.pk for barber in barbers):
        raise ToolError("not_allowed", "A barber can only change appointments in their own column.")


def start_of(ctx: ToolContext, value: object) -> dt.datetime:
    """An ISO time with its offset, or a wall-clock time "YYYY-MM-DDTHH:MM" in the shop's zone."""
    try:
        start = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ToolError(
            "invalid_arguments", "start: give a time like 2026-12-10T14:00 (the shop's time) or with an offset."
        ) from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=ctx.shop.tzinfo)
    return start.astimezone(ctx.shop.tzinfo).replace(second=0, microsecond=0)


def price_of(value: object) -> Decimal:
    """A sane price: a number of whole cents, at least 0 and under 10,000."""
    try:
        price = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ToolError("invalid_arguments", "price: give an amount like 35 or 35.50.") from None
    if not price.is_finite() or price != price.quantize(Decimal("0.01")):
        raise ToolError("invalid_arguments", "price: give an amount in whole cents, like 35.50.")
    if not Decimal(0) <= price < MAX_PRICE:
        raise ToolError("invalid_arguments", f"price: must be at least 0 and under {MAX_PRICE}.")
    return price.quantize(Decimal("0.01"))


def when(ctx: ToolContext, start: dt.datetime) -> str:
    """For people: "Thu 10 Dec 14:00" in the shop's zone."""
    local = start.astimezone(ctx.shop.tzinfo)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def fitting_barber(
    ctx: ToolContext,
    *,
    service: Service,
    start: dt.datetime,
    barber: Barber | None,
    moving: Appointment | None = None,
) -> Barber:
    """Who can take ``service`` at ``start`` now (``barber``, or the first free one), checked as the
    booking services check it (staff rules: no notice, no horizon); else bookings' own refusal."""
    if not service.active:
        raise ToolError("service_unavailable", f"{service.name} is not offered at the moment.")
    if barber is not None and not barber.active:
        raise ToolError("barber_unavailable", f"{barber.name} is not taking bookings.")
    candidates = barbers_for(service=service, barber=barber)
    if not candidates:
        who = barber.name if barber is not None else "Nobody"
        raise ToolError("service_not_offered", f"{who} does not offer {service.name}.")
    day = start.astimezone(ctx.shop.tzinfo).date()
    calendars = load_calendars(
        shop=ctx.shop, barbers=candidates, first_day=day, last_day=day, exclude=moving.pk if moving else None
    )
    rules = Rules.for_booking(shop=ctx.shop, now=ctx.now, online=False)
    problems = [start_problem(shop=ctx.shop, service=service, calendar=c, start=start, rules=rules) for c in calendars]
    for calendar, problem in zip(calendars, problems, strict=True):
        if problem is None:
            return calendar.barber
    taken = next((p for p in problems if p is not None and p.code == "slot_taken"), None)
    problem = taken or problems[0]
    assert problem is not None
    raise ToolError(problem.code, problem.message)


@contextmanager
def booking_refusals() -> Iterator[None]:
    """Bookings' refusals (bookings/errors.py) become ToolErrors with the same code and message."""
    try:
        yield
    except BookingError as exc:
        raise ToolError(exc.code, exc.message) from exc


def with_refusals(function: Callable[[ToolContext, dict[str, Any]], R]) -> Callable[[ToolContext, dict[str, Any]], R]:
    def wrapped(ctx: ToolContext, args: dict[str, Any]) -> R:
        with booking_refusals():
            return function(ctx, args)

    wrapped.__name__ = function.__name__
    wrapped.__doc__ = function.__doc__
    return wrapped


ID = {"type": "string", "maxLength": 64, "description": "An id the read tools gave."}
START = {
    "type": "string",
    "maxLength": 40,
    "description": "When: 'YYYY-MM-DDTHH:MM' in the shop's time zone, or ISO 8601 with an offset.",
}
PRICE = {"type": ["string", "number"], "description": "An amount in the shop's currency, e.g. '35.00'."}


def schema_object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}

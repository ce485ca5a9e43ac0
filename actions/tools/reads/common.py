"""What the read tools share: their arguments turned into the shop's objects, the shop's day, and
the one place where the domain's refusals become ``ToolError`` for the model.

Every lookup is scoped to ``ctx.shop``: an id of another shop is "not found", like an id that never
existed, so nothing tells the model that it belongs to someone else.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from django.http import Http404

from actions.registry import MAX_RESULT_CHARS, MAX_ROWS, ToolContext, ToolError, ToolResult
from bookings.models import Barber, Service
from sixfb.errors import AppError

# Dates a tool accepts: nothing older exists, and nothing later can be booked (the calendar's edges,
# year 1 and 9999, cannot be turned into instants).
EARLIEST = dt.date(2000, 1, 1)
AHEAD_DAYS = 366
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
NAME_OR_ID_MAX = 120
# Room kept in a result for what goes beside its rows (the count, the service, the currency...).
ENVELOPE_CHARS = 1_000

Run = Callable[[ToolContext, dict[str, Any]], ToolResult]
T = TypeVar("T")


def date_schema(what: str) -> dict[str, Any]:
    return {"type": "string", "pattern": DATE_PATTERN, "description": f"{what}, YYYY-MM-DD in the shop's time zone."}


def ref_schema(what: str) -> dict[str, Any]:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": NAME_OR_ID_MAX,
        "description": f"The {what}'s id (a UUID string) or its exact name.",
    }


def guarded(run: Run) -> Run:
    """``run`` with the domain's refusals (a 404, a ``BookingError``, a ``PeriodError``) turned into
    ``ToolError``: bad input from the model never escapes as an exception."""

    @functools.wraps(run)
    def wrapper(ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        try:
            return run(ctx, args)
        except Http404 as exc:
            raise ToolError("not_found", str(exc) or "Not found in this shop.") from exc
        except AppError as exc:
            code = "not_found" if exc.code == "not_found" else "invalid_arguments"
            raise ToolError(code, exc.message) from exc

    return wrapper


def today(ctx: ToolContext) -> dt.date:
    return ctx.now.astimezone(ctx.shop.tzinfo).date()


def day(ctx: ToolContext, args: dict[str, Any], key: str, default: dt.date | None = None) -> dt.date:
    """Argument ``key`` as a date between 2000-01-01 and a year from today."""
    value = args.get(key)
    if value is None:
        if default is None:
            raise ToolError("invalid_arguments", f"{key}: a date is required (YYYY-MM-DD).")
        return default
    try:
        found = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ToolError("invalid_arguments", f"{key}: {value!r} is not a date (YYYY-MM-DD).") from None
    latest = today(ctx) + dt.timedelta(days=AHEAD_DAYS)
    if not EARLIEST <= found <= latest:
        raise ToolError("invalid_arguments", f"{key}: choose a date between {EARLIEST} and {latest}.")
    return found


def day_range(ctx: ToolContext, args: dict[str, Any], *, max_days: int) -> tuple[dt.date, dt.date]:
    """``from``..``to`` (inclusive; ``to`` defaults to ``from``), at most ``max_days`` days."""
    first = day(ctx, args, "from")
    last = day(ctx, args, "to", default=first)
    if last < first:
        raise ToolError("invalid_arguments", "to: the range ends before it starts.")
    if (last - first).days + 1 > max_days:
        raise ToolError("invalid_arguments", f"to: ask for at most {max_days} days at a time.")
    return first, last


def as_uuid(value: object) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


def _by_ref(found: Sequence[T], ref: str, what: str) -> T:
    if not found:
        raise ToolError("not_found", f"No {what} with that id or name in this shop.")
    if len(found) > 1:
        raise ToolError("invalid_arguments", f"More than one {what} has that name: use its id.")
    return found[0]


def service_for(ctx: ToolContext, ref: str) -> Service:
    """The shop's service with id ``ref`` or named ``ref`` (case aside)."""
    services = Service.objects.filter(shop=ctx.shop)
    pk = as_uuid(ref)
    found = services.filter(pk=pk) if pk is not None else services.filter(name__iexact=ref.strip())
    return _by_ref(list(found[:2]), ref, "service")


def barber_for(ctx: ToolContext, ref: str) -> Barber:
    barbers = Barber.objects.filter(shop=ctx.shop, is_placeholder=False)
    pk = as_uuid(ref)
    found = barbers.filter(pk=pk) if pk is not None else barbers.filter(name__iexact=ref.strip())
    return _by_ref(list(found[:2]), ref, "barber")


def money(amount: Decimal | None) -> str | None:
    """Money as a decimal string, as the API gives it."""
    return None if amount is None else f"{amount:.2f}"


def stamp(value: dt.datetime | None, ctx: ToolContext) -> str | None:
    """An instant in the shop's zone, ISO 8601 with its offset."""
    return None if value is None else value.astimezone(ctx.shop.tzinfo).isoformat()


def capped(rows: list[Any], total: int, key: str) -> dict[str, Any]:
    """At most MAX_ROWS of ``rows`` under ``key``, and no more than fit in the result the model reads
    (MAX_RESULT_CHARS, less room for the result's other keys), with the total and whether there
    were more."""
    budget = MAX_RESULT_CHARS - ENVELOPE_CHARS
    kept = []
    for row in rows[:MAX_ROWS]:
        budget -= len(json.dumps(row)) + 2  # and the ", " between rows
        if budget < 0:
            break
        kept.append(row)
    data: dict[str, Any] = {key: kept, "count": total}
    if total > len(kept):
        data["more"] = True
    return data

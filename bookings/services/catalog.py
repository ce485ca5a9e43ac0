"""What the shop offers and who works: services, barbers, their weekly hours and time off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from bookings.errors import BookingError
from bookings.models import Barber, Service, Shift, TimeOff
from sixfb.models import Membership, Shop

SERVICE_FIELDS = {"name", "description", "duration_minutes", "price", "buffer_after_minutes", "active", "position"}
BARBER_FIELDS = {"name", "bio", "photo_url", "active", "position"}


def _clean(instance: Service | Barber | TimeOff, *, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise BookingError("invalid", "Please correct the highlighted fields.", fields=exc.message_dict) from exc


def _same_shop(shop: Shop, items: Iterable[Service | Barber], what: str) -> list[Any]:
    items = list(items)
    if any(item.shop_id != shop.pk for item in items):
        raise BookingError("not_found", f"No such {what}.")
    return items


def _money(value: object) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError as exc:
        raise BookingError("invalid", "Enter a price like 35 or 35.50.", fields={"price": ["Not a number."]}) from exc
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise BookingError("invalid", "Prices are in whole cents.", fields={"price": ["At most two decimal places."]})
    return amount


@transaction.atomic
def service_create(
    *,
    shop: Shop,
    name: str,
    duration_minutes: int,
    price: Decimal | str,
    barbers: Iterable[Barber] | None = None,
    **fields: Any,
) -> Service:
    """A new service; offered by ``barbers``, or by every active barber when not given."""
    _reject_unknown(fields, SERVICE_FIELDS)
    service = Service(shop=shop, name=name.strip(), duration_minutes=duration_minutes, price=_money(price), **fields)
    _clean(service, exclude=["shop"])
    service.save()
    chosen = _same_shop(shop, barbers, "barber") if barbers is not None else shop.barbers.filter(active=True)
    service.barbers.set(chosen)
    return service


@transaction.atomic
def service_update(*, service: Service, barbers: Iterable[Barber] | None = None, **fields: Any) -> Service:
    _reject_unknown(fields, SERVICE_FIELDS)
    if "price" in fields:
        fields["price"] = _money(fields["price"])
    for name, value in fields.items():
        setattr(service, name, value.strip() if name == "name" else value)
    _clean(service, exclude=["shop"])
    service.save()
    if barbers is not None:
        service.barbers.set(_same_shop(service.shop, barbers, "barber"))
    return service


@transaction.atomic
def barber_create(
    *,
    shop: Shop,
    name: str,
    membership: Membership | None = None,
    services: Iterable[Service] | None = None,
    **fields: Any,
) -> Barber:
    """A new barber. They work the shop's opening hours until given their own, and offer ``services``
    (every active service when not given)."""
    _reject_unknown(fields, BARBER_FIELDS)
    barber = Barber(shop=shop, name=name.strip(), **fields)
    _check_login(barber, membership)
    barber.membership = membership
    _clean(barber, exclude=["shop", "membership"])
    barber.save()
    chosen = _same_shop(shop, services, "service") if services is not None else shop.services.filter(active=True)
    barber.services.set(chosen)
    return barber


UNCHANGED: Any = object()


def _check_login(barber: Barber, membership: Membership | None) -> None:
    if membership is None:
        return
    if membership.shop_id != barber.shop_id:
        raise BookingError("not_found", "No such team member.")
    if Barber.objects.filter(membership=membership).exclude(pk=barber.pk).exists():
        message = "That login belongs to another barber."
        raise BookingError("invalid", message, fields={"membership": [message]})


@transaction.atomic
def barber_update(
    *,
    barber: Barber,
    services: Iterable[Service] | None = None,
    membership: Membership | None = UNCHANGED,
    **fields: Any,
) -> Barber:
    """Change a barber; ``membership`` links their login to this shop (None unlinks it)."""
    _reject_unknown(fields, BARBER_FIELDS)
    for name, value in fields.items():
        setattr(barber, name, value.strip() if name == "name" else value)
    if membership is not UNCHANGED:
        _check_login(barber, membership)
        barber.membership = membership
    _clean(barber, exclude=["shop", "membership"])
    barber.save()
    if services is not None:
        barber.services.set(_same_shop(barber.shop, services, "service"))
    return barber


@transaction.atomic
def barber_hours_set(*, barber: Barber, shifts: Mapping[int, Sequence[tuple[dt.time, dt.time]]]) -> list[Shift]:
    """Replace the barber's weekly hours: ``{weekday: [(start, end), ...]}`` with 0 for Monday.
    A day left out is a day off; an empty mapping puts the barber back on the shop's opening hours."""
    rows: list[Shift] = []
    problems: dict[str, list[str]] = {}
    for weekday, day_shifts in shifts.items():
        if weekday not in range(7):
            raise BookingError("invalid", f"No weekday {weekday!r}: use 0 (Monday) to 6 (Sunday).")
        ordered = sorted(day_shifts)
        for i, (start, end) in enumerate(ordered):
            if end <= start:
                problems.setdefault(str(weekday), []).append(f"{start:%H:%M}-{end:%H:%M} ends before it starts.")
            elif i and start < ordered[i - 1][1]:
                problems.setdefault(str(weekday), []).append(f"{start:%H:%M}-{end:%H:%M} overlaps another shift.")
            rows.append(Shift(barber=barber, weekday=weekday, start=start, end=end))
    if problems:
        raise BookingError("invalid", "Some shifts are not valid.", fields=problems)
    Shift.objects.filter(barber=barber).delete()
    return Shift.objects.bulk_create(rows)


def time_off_add(*, barber: Barber, first_day: dt.date, last_day: dt.date, reason: str = "") -> TimeOff:
    """Days the barber does not work. Appointments already booked in them stay; staff move them."""
    if last_day < first_day:
        raise BookingError("invalid", "Time off ends before it starts.", fields={"last_day": ["Before the first day."]})
    time_off = TimeOff(barber=barber, first_day=first_day, last_day=last_day, reason=reason.strip())
    _clean(time_off)
    time_off.save()
    return time_off


def time_off_remove(*, time_off: TimeOff) -> None:
    time_off.delete()


def _reject_unknown(fields: Mapping[str, object], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")

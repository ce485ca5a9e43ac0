"""The demo shop's business: a living month around today (three weeks back, ten days ahead).

Deterministic for a given seed and day. The catalog goes through the domain services; customers,
appointments and payments are bulk-created from a generator that walks each barber's working
intervals (``bookings.availability``) on the booking grid, one appointment after another, so no two
of a barber's appointments overlap and every start is one the booking page could have offered.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bookings.availability import BarberCalendar, settings_for, working_intervals
from bookings.models import Appointment, Barber, BookingSettings, Customer, Payment, Service
from bookings.services import barber_create, barber_hours_set, service_create, time_off_add
from sixfb.lib import phones
from sixfb.models import WEEKDAYS, Shop
from sixfb.services import shop_update

PAST_DAYS, FUTURE_DAYS = 21, 10
Status, Source = Appointment.Status, Appointment.Source
T = dt.time

SHOP_PROFILE = {
    "address": "214 Grand Street, Brooklyn, NY 11211",
    "phone": "+17185550142",
    "notes_for_agents": (
        "A neighbourhood shop of three chairs since 2016. Known for skin fades and hot-towel shaves; "
        "most clients are regulars booking every three to four weeks. Walk-ins welcome before noon."
    ),
}
SHOP_HOURS = {day: {"closed": False, "open": "09:00", "close": "19:00"} for day in WEEKDAYS[:5]}
SHOP_HOURS |= {
    "saturday": {"closed": False, "open": "09:00", "close": "17:00"},
    "sunday": {"closed": False, "open": "10:00", "close": "16:00"},
}

# name, minutes, price, buffer after, popularity, barbers who offer it (indexes; None: all)
SERVICES: list[tuple[str, int, str, int, int, tuple[int, ...] | None]] = [
    ("Classic Haircut", 30, "35.00", 0, 30, None),
    ("Skin Fade", 45, "45.00", 0, 25, None),
    ("Haircut & Beard", 60, "60.00", 15, 14, None),
    ("Beard Trim & Shape-Up", 20, "20.00", 10, 10, None),
    ("Hot Towel Shave", 45, "40.00", 15, 5, (0, 1)),
    ("Kids Cut (12 & under)", 30, "25.00", 0, 8, (0, 2)),
    ("Line-Up", 15, "15.00", 0, 5, None),
    ("Long Hair Scissor Cut", 60, "55.00", 0, 3, (1,)),
]
# name, bio, weekly shifts {weekday: [(start, end)]}: each barber's week differs a little.
BARBERS: list[tuple[str, str, dict[int, list[tuple[dt.time, dt.time]]]]] = [
    (
        "Marcus Reed",
        "Owner's chair. Fades, hot towel shaves, twenty years behind the chair.",
        {d: [(T(9), T(13)), (T(13, 30), T(18, 30))] for d in range(5)} | {5: [(T(9), T(15))]},
    ),
    (
        "Andre Silva",
        "Scissor work and long hair; the late chair on weekdays and Sundays.",
        {d: [(T(10), T(19))] for d in range(1, 5)} | {5: [(T(9), T(17))], 6: [(T(10), T(16))]},
    ),
    (
        "Jamal Carter",
        "Skin fades, designs and kids' cuts.",
        {d: [(T(9), T(18))] for d in (0, 2, 3, 4)} | {5: [(T(9), T(17))]},
    ),
]
FIRST_NAMES = (  # noqa: SIM905 (a block of words reads better than 60 quoted items)
    "James Michael Robert David William Richard Joseph Thomas Chris Daniel Matthew Anthony Mark "
    "Steven Andrew Joshua Kevin Brian Jason Ryan Eric Jacob Tyler Brandon Justin Aaron Nathan Kyle "
    "Derek Omar Luis Carlos Miguel Jose Diego Malik Darnell Terrence Andre Xavier Wei Hiroshi Raj "
    "Arjun Samir Noah Liam Ethan Mason Lucas Elijah Logan Owen Caleb Isaiah Jordan Marcus Devin "
    "Trevor Sean"
).split()
LAST_NAMES = (  # noqa: SIM905 (a block of words reads better than 56 quoted items)
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Washington Okafor "
    "Patel Kim Chen Murphy"
).split()
AREA_CODES = ("212", "347", "646", "718", "917")  # with 555-0100..0199: valid, reserved for fiction
CANCEL_REASONS = ("Customer called to cancel", "Running late from work", "Sick", "Rescheduled by phone", "")
NOTES = ("#2 on the sides, scissors on top", "First visit: referred by a friend", "Sensitive skin: no alcohol")


@dataclass(frozen=True)
class DemoSummary:
    barbers: int
    services: int
    customers: int
    appointments: int
    payments: int


@dataclass(frozen=True)
class _Slot:
    barber: Barber
    service: Service
    start: dt.datetime


def demo_business_reset(*, shop: Shop) -> None:
    """Remove the shop's business rows (payments, appointments, customers, barbers, services)."""
    Payment.objects.filter(shop=shop).delete()
    Appointment.objects.filter(shop=shop).delete()
    Customer.objects.filter(shop=shop).delete()
    Barber.objects.filter(shop=shop).delete()  # their shifts and time off go with them
    Service.objects.filter(shop=shop).delete()


@transaction.atomic
def demo_business_seed(
    *, shop: Shop, seed: int = 6, customers: int = 150, appointments: int = 600, now: dt.datetime | None = None
) -> DemoSummary:
    """Replace ``shop``'s business with a realistic month around ``now``."""
    now = now or timezone.now()
    rnd = random.Random(seed)
    demo_business_reset(shop=shop)
    # A shop worth looking at: its profile filled in, as an owner a month in would have it.
    shop_update(shop=shop, business_hours=SHOP_HOURS, **{k: v for k, v in SHOP_PROFILE.items() if not getattr(shop, k)})
    BookingSettings.objects.get_or_create(shop=shop)
    today = now.astimezone(shop.tzinfo).date()
    barbers = [barber_create(shop=shop, name=name, bio=bio, position=i) for i, (name, bio, _) in enumerate(BARBERS)]
    for barber, (_, _, shifts) in zip(barbers, BARBERS, strict=True):
        barber_hours_set(barber=barber, shifts=shifts)
    # Jamal's next working Thursday is a day off: the booking page must skip it.
    day_off = today + dt.timedelta(days=(3 - today.weekday()) % 7 or 7)
    time_off_add(barber=barbers[2], first_day=day_off, last_day=day_off, reason="Family event")
    services = [
        service_create(
            shop=shop,
            name=name,
            duration_minutes=minutes,
            price=price,
            buffer_after_minutes=buffer,
            position=i,
            barbers=[barbers[j] for j in who] if who is not None else barbers,
        )
        for i, (name, minutes, price, buffer, _, who) in enumerate(SERVICES)
    ]
    slots = _slots(shop, barbers, services, rnd, today - dt.timedelta(days=PAST_DAYS), today, FUTURE_DAYS)
    chosen = _choose(slots, appointments, rnd, now)
    people = _customers(shop, customers, rnd, now)
    rows = _appointments(shop, chosen, people, rnd, now)
    Appointment.objects.bulk_create(rows, batch_size=500)
    payments = [
        Payment(
            shop=shop,
            appointment=a,
            amount=a.price,
            method=Payment.Method.CASH if rnd.random() < 0.2 else Payment.Method.CARD,
            paid_at=a.end,
        )
        for a in rows
        if a.status == Status.COMPLETED
    ]
    Payment.objects.bulk_create(payments, batch_size=500)
    _backdate_customers(people, rows, rnd, now)
    return DemoSummary(len(barbers), len(services), len(people), len(rows), len(payments))


def _slots(
    shop: Shop,
    barbers: list[Barber],
    services: list[Service],
    rnd: random.Random,
    first_day: dt.date,
    today: dt.date,
    future_days: int,
) -> list[_Slot]:
    """Every barber's days packed back to back on the booking grid: the most the month could hold."""
    step = dt.timedelta(minutes=settings_for(shop).slot_minutes)
    popularity = {s.pk: weight for s, (*_, weight, _) in zip(services, SERVICES, strict=True)}
    slots = []
    for barber in barbers:
        offered = [s for s in services if barber in s.barbers.all()]
        weights = [popularity[s.pk] for s in offered]
        shifts: dict[int, list[tuple[dt.time, dt.time]]] = {}
        for shift in barber.shifts.all():
            shifts.setdefault(shift.weekday, []).append((shift.start, shift.end))
        days_off = [(t.first_day, t.last_day) for t in barber.time_off.all()]
        calendar = BarberCalendar(barber=barber, shifts=shifts, days_off=days_off)
        day = first_day
        while day <= today + dt.timedelta(days=future_days):
            for opens, closes in working_intervals(shop, calendar, day):
                cursor = opens
                while True:
                    service = rnd.choices(offered, weights)[0]
                    if cursor + dt.timedelta(minutes=service.duration_minutes) > closes:
                        break
                    slots.append(_Slot(barber, service, cursor))
                    blocked = dt.timedelta(minutes=service.duration_minutes + service.buffer_after_minutes)
                    cursor += -(-blocked // step) * step  # the next start on the grid after the buffer
            day += dt.timedelta(days=1)
    return slots


def _choose(slots: list[_Slot], count: int, rnd: random.Random, now: dt.datetime) -> list[_Slot]:
    """``count`` of the slots, weighted (Efraimidis-Spirakis): the past nearly full, the future
    filling up less the further ahead it is."""

    def weight(slot: _Slot) -> float:
        days_ahead = (slot.start - now).total_seconds() / 86400
        return 1.0 if days_ahead <= 0 else max(0.1, 0.8 - 0.07 * days_ahead)

    keyed = sorted(slots, key=lambda s: rnd.random() ** (1 / weight(s)), reverse=True)
    return sorted(keyed[:count], key=lambda s: (s.start, s.barber.position))


def _customers(shop: Shop, count: int, rnd: random.Random, now: dt.datetime) -> list[Customer]:
    numbers = rnd.sample([f"+1{area}5550{n}" for area in AREA_CODES for n in range(100, 200)], count)
    names = rnd.sample([f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES], count)
    people = []
    for name, number in zip(names, numbers, strict=True):
        email = f"{name.lower().replace(' ', '.')}@example.com" if rnd.random() < 0.6 else ""
        consent = now if email and rnd.random() < 0.6 else None
        tags = ["regular"] if rnd.random() < 0.2 else []
        people.append(
            Customer(
                shop=shop,
                name=name,
                phone=phones.normalize(number),  # the same E.164 the booking form would store
                email=email,
                email_consent_at=consent,
                sms_consent_at=consent if rnd.random() < 0.5 else None,
                tags=tags,
            )
        )
    return Customer.objects.bulk_create(people)


def _appointments(
    shop: Shop, chosen: list[_Slot], people: list[Customer], rnd: random.Random, now: dt.datetime
) -> list[Appointment]:
    # A few regulars come often, most people once or twice: a long-tailed choice, one visit a day.
    weights = [1 / (i + 1) ** 0.6 for i in range(len(people))]
    seen: set[tuple[int, dt.date]] = set()
    tz, rows = shop.tzinfo, []
    for slot in chosen:
        day = slot.start.astimezone(tz).date()
        for _ in range(10):
            who = rnd.choices(range(len(people)), weights)[0]
            if (who, day) not in seen:
                break
        seen.add((who, day))
        service, length = slot.service, dt.timedelta(minutes=slot.service.duration_minutes)
        end = slot.start + length
        source = Source.ONLINE if rnd.random() < 0.55 else Source.STAFF
        created = min(slot.start - dt.timedelta(hours=rnd.randint(2, 14 * 24)), now - dt.timedelta(minutes=5))
        status, changed, reason = _fate(slot.start, end, source, created, rnd, now)
        rows.append(
            Appointment(
                shop=shop,
                customer=people[who],
                barber=slot.barber,
                service=service,
                service_name=service.name,
                price=service.price,
                duration_minutes=service.duration_minutes,
                buffer_after_minutes=service.buffer_after_minutes,
                start=slot.start,
                end=end,
                blocked_until=end + dt.timedelta(minutes=service.buffer_after_minutes),
                status=status,
                source=source,
                notes=rnd.choice(NOTES) if rnd.random() < 0.05 else "",
                cancellation_reason=reason,
                created_at=created,
                status_changed_at=changed,
            )
        )
    return rows


def _fate(
    start: dt.datetime, end: dt.datetime, source: str, created: dt.datetime, rnd: random.Random, now: dt.datetime
) -> tuple[str, dt.datetime, str]:
    """Status, when it was set, and a cancellation reason: past visits mostly completed, a few
    no-shows and cancellations; future ones confirmed (online ones sometimes still pending)."""
    roll = rnd.random()
    if roll < 0.07:
        when = min(created + (start - created) * rnd.random(), now)
        return Status.CANCELLED, when, rnd.choice(CANCEL_REASONS)
    if end <= now:
        if roll < 0.12:
            return Status.NO_SHOW, start + dt.timedelta(minutes=15), ""
        return Status.COMPLETED, end, ""
    if source == Source.ONLINE and roll < 0.2:
        return Status.PENDING, created, ""
    return Status.CONFIRMED, created, ""


def _backdate_customers(people: list[Customer], rows: list[Appointment], rnd: random.Random, now: dt.datetime) -> None:
    """Customers joined when they first booked (or some weeks ago), not when the demo was made."""
    first_booked: dict[object, dt.datetime] = {}
    for row in rows:
        first_booked[row.customer_id] = min(first_booked.get(row.customer_id, row.created_at), row.created_at)
    for person in people:
        person.created_at = first_booked.get(person.pk) or now - dt.timedelta(days=rnd.randint(7, 90))
    Customer.objects.bulk_update(people, ["created_at"], batch_size=500)

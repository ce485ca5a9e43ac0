"""``appointments`` → ``Appointment`` (source legacy, price and duration as booked); ``payments`` →
``Payment`` (successful ones). History goes in as it was: no booking rules (hours, notice) apply, only
the one the database enforces: a barber's live appointments never overlap."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, insort
from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.models import Appointment, Barber, Customer, Payment, Service
from legacy.bulk import insert_rows
from legacy.business.catalog import DEFAULT_MINUTES, alive_pks, minutes_of, placeholder_barber, price_of
from legacy.business.common import Business, Outcome, new_pk, pick, recorded_targets, run_table, text
from legacy.models import LegacyRecord
from legacy.parsers import as_int, clean_text, parse_timestamp, source_key, to_cents

Status = Appointment.Status
STATUSES = {
    "PENDING": Status.PENDING,
    "CONFIRMED": Status.CONFIRMED,
    "SCHEDULED": Status.CONFIRMED,
    "BOOKED": Status.CONFIRMED,
    "COMPLETED": Status.COMPLETED,
    "COMPLETE": Status.COMPLETED,
    "DONE": Status.COMPLETED,
    "CANCELLED": Status.CANCELLED,
    "CANCELED": Status.CANCELLED,
    "NO_SHOW": Status.NO_SHOW,
    "NOSHOW": Status.NO_SHOW,
}
PAID = {"paid", "completed", "complete", "succeeded", "success", "successful", "captured", "settled", "approved"}
CARD = {"card", "credit", "debit", "credit_card", "debit_card", "stripe", "square", "apple_pay", "google_pay"}
OVERLAP = "overlaps a live appointment of the same barber"
Slot = tuple[dt.datetime, dt.datetime, str]


class Diary:
    """Each barber's live appointments as sorted, never overlapping (start, blocked_until, pk): the
    rule PostgreSQL's exclusion constraint enforces, checked before writing so a batch never fails."""

    def __init__(self, shop_pk: int) -> None:
        self.slots: dict[str, list[Slot]] = defaultdict(list)
        live = Appointment.objects.live().filter(shop_id=shop_pk).order_by("start")
        for pk, barber, start, until in live.values_list("pk", "barber_id", "start", "blocked_until"):
            self.slots[str(barber)].append((start, until, str(pk)))

    def clash(self, barber: str, start: dt.datetime, until: dt.datetime, own: str | None = None) -> bool:
        slots = self.slots[barber]
        # Sorted and disjoint, so the last slot starting before ``until`` (other than ``own``) is the
        # only one that can reach past ``start``.
        for earlier in reversed(slots[: bisect_left(slots, (until,))]):
            if earlier[2] != own:
                return earlier[1] > start
        return False

    def add(self, barber: str, pk: str, start: dt.datetime, until: dt.datetime) -> None:
        insort(self.slots[barber], (start, until, pk))

    def drop(self, pk: str) -> None:
        for slots in self.slots.values():
            slots[:] = [s for s in slots if s[2] != pk]


def _status(biz: Business, source_id: str, raw: object, end: dt.datetime) -> str:
    key = clean_text(raw).strip().upper().replace("-", "_").replace(" ", "_")
    if key == "IN_PROGRESS":  # under way when the old system stopped: done if it has ended since
        return Status.COMPLETED if end <= timezone.now() else Status.CONFIRMED
    if key not in STATUSES:
        biz.problem("appointments", source_id, f"status {raw!r} unknown: imported as pending")
    return STATUSES.get(key, Status.PENDING)


def _start(row: dict[str, object]) -> dt.datetime | None:
    start = parse_timestamp(pick(row, "scheduled_at", "start_time", "starts_at", "appointment_time", "start"))
    if start is None and (day := pick(row, "appointment_date", "date")) is not None:
        start = parse_timestamp(f"{clean_text(day).strip()} {clean_text(pick(row, 'time') or '00:00').strip()}")
    return start


def _services(shop_pk: int) -> dict[str, tuple[str, Decimal, int]]:
    """Lower-cased name -> (pk, price, minutes); an active service wins over an inactive namesake."""
    found: dict[str, tuple[str, Decimal, int]] = {}
    rows = Service.objects.filter(shop_id=shop_pk).order_by("-active", "created_at")
    for pk, name, price, minutes in rows.values_list("pk", "name", "price", "duration_minutes"):
        found.setdefault(name.strip().lower(), (str(pk), price, minutes))
    return found


def import_appointments(biz: Business) -> None:
    shop_pk = biz.shop_pk
    customers = recorded_targets("customers", "bookings.customer", alive_pks(Customer, shop_pk))
    barbers = recorded_targets("barbers", "bookings.barber", alive_pks(Barber, shop_pk))
    by_user: dict[int, str] = {}  # appointments may name a barber by their user id, not the barber row's
    for source_id, payload in LegacyRecord.objects.filter(source_table="barbers", source_id__in=barbers).values_list(
        "source_id", "payload"
    ):
        if isinstance(payload, dict) and (user := as_int(payload.get("user_id"))) is not None:
            by_user.setdefault(user, barbers[source_id])
    services, diary = _services(shop_pk), Diary(shop_pk)
    pending: list[tuple[dict[str, object], Outcome]] = []

    def service_for(source_id: str, name: str, price: Decimal | None, minutes: int | None) -> tuple[str, Decimal, int]:
        key = name.lower()
        if key not in services:
            made = Service.objects.create(
                shop_id=shop_pk, name=name, price=price or 0, duration_minutes=minutes or DEFAULT_MINUTES, active=False
            )
            services[key] = (str(made.pk), made.price, made.duration_minutes)
            biz.problem("appointments", source_id, f"service {name!r} is not in services: made as an inactive service")
        return services[key]

    def handle(source_id: str, row: dict[str, object], current: str | None) -> Outcome:
        start = _start(row)
        if start is None:
            return Outcome(reason="no readable scheduled_at")
        customer = customers.get(source_key(row.get("customer_id")) or "")
        if customer is None:
            return Outcome(reason=f"customer_id {row.get('customer_id')!r} matches no imported customer")
        barber_key = source_key(row.get("barber_id")) or ""
        barber = barbers.get(barber_key) or by_user.get(as_int(barber_key) or -1)
        note = ""
        if barber is None:
            barber, note = placeholder_barber(biz), "on the Unknown barber placeholder"
            biz.problem("appointments", source_id, f"barber_id {row.get('barber_id')!r} unknown: {note}")
        raw_price = pick(row, "service_price", "price", "total_price", "total_amount", "amount")
        price = price_of(biz, "appointments", source_id, raw_price) if raw_price is not None else None
        minutes = minutes_of(pick(row, "duration_minutes", "duration"))
        end = parse_timestamp(pick(row, "end_time", "ends_at", "end"))
        if minutes is None and end is not None and dt.timedelta(minutes=5) <= end - start <= dt.timedelta(hours=10):
            minutes = int((end - start).total_seconds() // 60)
        name = text(row, "service_name", "service", limit=120) or "Unknown service"
        service_pk, service_price, service_minutes = service_for(source_id, name, price, minutes)
        minutes = minutes or service_minutes
        end = start + dt.timedelta(minutes=minutes)
        created = parse_timestamp(row.get("created_at")) or start
        fields: dict[str, object] = {
            "customer_id": customer,
            "barber_id": barber,
            "service_id": service_pk,
            "service_name": name,
            "price": price if price is not None else service_price,
            "duration_minutes": minutes,
            "start": start,
            "end": end,
            "blocked_until": end,
            "status": _status(biz, source_id, row.get("status"), end),
            "notes": text(row, "notes"),
            "cancellation_reason": text(row, "cancellation_reason", "cancel_reason", limit=280),
            "status_changed_at": parse_timestamp(row.get("updated_at")) or created,
        }
        live = fields["status"] in Appointment.LIVE
        if live and diary.clash(barber, start, end, own=current):
            if current is None:
                return Outcome(reason=OVERLAP, note=note)
            biz.problem("appointments", source_id, f"change not applied: it {OVERLAP}")
            return Outcome(target_id=current, note=note)
        if current is not None:
            try:
                with transaction.atomic():
                    Appointment.objects.filter(pk=current).update(**fields, updated_at=timezone.now())
            except IntegrityError:  # a booking made while the import ran
                biz.problem("appointments", source_id, f"change not applied: it {OVERLAP}")
                return Outcome(target_id=current, note=note)
            diary.drop(current)
            if live:
                diary.add(barber, current, start, end)
            return Outcome(target_id=current, note=note)
        pk = new_pk()
        if live:
            diary.add(barber, pk, start, end)
        outcome = Outcome(target_id=pk, note=note)
        values = {"id": pk, "shop_id": shop_pk, "source": Appointment.Source.LEGACY.value, "created_at": created}
        pending.append((values | fields, outcome))
        return outcome

    def flush() -> None:
        _insert_appointments(pending)
        pending.clear()

    run_table(biz, "appointments", "bookings.appointment", alive_pks(Appointment, shop_pk), handle, flush)


def _insert_appointments(pending: list[tuple[dict[str, object], Outcome]]) -> None:
    """All at once; if PostgreSQL refuses the batch (an overlap with a booking made meanwhile), one by
    one, and the refused ones stay archived."""
    try:
        with transaction.atomic():
            insert_rows(Appointment, [values for values, _ in pending])
        return
    except IntegrityError:
        pass
    for values, outcome in pending:
        try:
            with transaction.atomic():
                insert_rows(Appointment, [values])
        except IntegrityError:
            outcome.target_id, outcome.reason = "", OVERLAP


def _method(raw: object) -> str:
    key = clean_text(raw).strip().lower().replace(" ", "_").replace("-", "_")
    if key == "cash":
        return Payment.Method.CASH
    return Payment.Method.CARD if key in CARD or "card" in key else Payment.Method.OTHER


def import_payments(biz: Business) -> None:
    shop_pk = biz.shop_pk
    ends = {str(pk): end for pk, end in Appointment.objects.filter(shop_id=shop_pk).values_list("pk", "end")}
    appointments = recorded_targets("appointments", "bookings.appointment", set(ends))
    has_status = biz.imp.reader.has("payments", "status")
    pending: list[dict[str, object]] = []

    def handle(source_id: str, row: dict[str, object], current: str | None) -> Outcome:
        appointment = appointments.get(source_key(row.get("appointment_id")) or "")
        if appointment is None:
            return Outcome(reason=f"appointment_id {row.get('appointment_id')!r} matches no imported appointment")
        status = clean_text(row.get("status")).strip().lower()
        if has_status and status not in PAID:
            return Outcome(reason=f"status {row.get('status')!r} is not a successful payment")
        try:
            amount = to_cents(row.get("amount"))
        except ValueError:
            amount = None
        if amount is None or amount <= 0:
            return Outcome(reason=f"amount {row.get('amount')!r} is not a positive sum")
        paid_at = parse_timestamp(pick(row, "paid_at", "processed_at", "created_at")) or ends[appointment]
        fields = {
            "appointment_id": appointment,
            "amount": amount,
            "method": _method(row.get("method")),
            "paid_at": paid_at,
        }
        if current is not None:
            Payment.objects.filter(pk=current).update(**fields)
            return Outcome(target_id=current)
        pk = new_pk()
        pending.append({"id": pk, "shop_id": shop_pk, **fields})
        return Outcome(target_id=pk)

    def flush() -> None:
        insert_rows(Payment, pending)
        pending.clear()

    run_table(biz, "payments", "bookings.payment", alive_pks(Payment, shop_pk), handle, flush)

"""``customers`` → ``Customer``: one per normalised phone, else per lower-cased email, as the product
keeps them. Legacy rows (or a customer the shop already has) with the same phone or email become one
customer, every row's record pointing at it. ``visits`` and ``total_spent`` are derived from
appointments and payments in the product, so they stay in the record only (compared at the end)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Count, Q, Sum
from django.utils import timezone

from bookings.models import Appointment, BookingSettings, Customer, Payment
from legacy.bulk import insert_rows
from legacy.business.catalog import alive_pks
from legacy.business.common import Business, Outcome, new_pk, pick, run_table, text
from legacy.models import LegacyRecord
from legacy.parsers import as_int, parse_timestamp, to_cents
from sixfb.lib import phones

MERGED = "merged with another row of the same phone or email"
LINKED = "linked to a customer the shop already had (same phone or email)"


def _email(raw: str) -> str | None:
    """The email as the product stores it (domain lower-cased), "" for none, None when invalid."""
    if not raw:
        return ""
    try:
        validate_email(raw)
    except ValidationError:
        return None
    local, _, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}"[:254]


def import_customers(biz: Business) -> None:
    region = BookingSettings.objects.filter(shop_id=biz.shop_pk).values_list("phone_region", flat=True).first() or "US"
    by_phone: dict[str, str] = {}
    by_email: dict[str, str] = {}
    # Customers without a phone first, so an email finds one of them before one with a phone (as
    # ``customer_match`` does).
    for pk, phone, email in (
        Customer.objects.filter(shop_id=biz.shop_pk).order_by("phone").values_list("pk", "phone", "email")
    ):
        if phone:
            by_phone.setdefault(phone, str(pk))
        if email:
            by_email.setdefault(email.lower(), str(pk))
    pending: dict[str, dict[str, object]] = {}
    made: set[str] = set()  # customers this run made, so a later row of the same person merges

    def handle(source_id: str, row: dict[str, object], current: str | None) -> Outcome:
        raw_phone, raw_email = text(row, "phone", "phone_number", "mobile"), text(row, "email")
        notes = []
        try:
            phone = phones.normalize(raw_phone, region=region) if raw_phone else ""
        except phones.InvalidPhone:
            phone = ""
            notes.append(f"Phone in the old system (not a valid number): {raw_phone}")
            biz.problem("customers", source_id, f"phone {raw_phone!r} is not a valid number: kept in the notes")
        email = _email(raw_email)
        if email is None:
            email = ""
            notes.append(f"Email in the old system (not valid): {raw_email}")
            biz.problem("customers", source_id, f"email {raw_email!r} is not valid: kept in the notes")
        name = text(row, "name", "full_name", limit=120)
        name = name or " ".join(p for p in (text(row, "first_name"), text(row, "last_name")) if p)[:120]
        legacy_notes = text(row, "notes")
        note_text = "\n".join([legacy_notes, *notes] if legacy_notes else notes)
        target = current or (by_phone.get(phone) if phone else None) or (by_email.get(email.lower()) if email else None)
        if target is None:
            pk = new_pk()
            created = parse_timestamp(row.get("created_at")) or timezone.now()
            pending[pk] = {
                "id": pk,
                "shop_id": biz.shop_pk,
                "name": name or email.split("@")[0] or phone or "Customer from the old system",
                "phone": phone,
                "email": email,
                "notes": note_text,
                "tags": [],
                "created_at": created,
                "updated_at": timezone.now(),
            }
            made.add(pk)
            _remember(by_phone, by_email, pk, phone, email)
            return Outcome(target_id=pk)
        _fill(target, pending, by_phone, by_email, name if current else "", phone, email, note_text)
        note = "" if current else MERGED if target in made else LINKED
        return Outcome(target_id=target, note=note)

    def flush() -> None:
        insert_rows(Customer, list(pending.values()))
        pending.clear()

    run_table(biz, "customers", "bookings.customer", alive_pks(Customer, biz.shop_pk), handle, flush)


def _remember(by_phone: dict[str, str], by_email: dict[str, str], pk: str, phone: str, email: str) -> None:
    if phone:
        by_phone.setdefault(phone, pk)
    if email:
        by_email.setdefault(email.lower(), pk)


def _fill(
    pk: str,
    pending: dict[str, dict[str, object]],
    by_phone: dict[str, str],
    by_email: dict[str, str],
    name: str,
    phone: str,
    email: str,
    notes: str,
) -> None:
    """The customer gains what it lacked (a phone nobody has, an email, notes); a changed row of its
    own (``name`` given) renames it. What the customer has stays."""
    have: dict[str, object] = pending.get(pk) or dict(
        Customer.objects.filter(pk=pk).values("name", "phone", "email", "notes").first() or {}
    )
    changes: dict[str, object] = {}
    if name and name != have.get("name"):
        changes["name"] = name
    if phone and not have.get("phone") and phone not in by_phone:
        changes["phone"] = phone
    # The unique email rule holds among customers without a phone: only fill it where no one has it.
    if email and not have.get("email") and email.lower() not in by_email:
        changes["email"] = email
    if notes and notes not in str(have.get("notes", "")):
        changes["notes"] = "\n".join(p for p in (str(have.get("notes", "")), notes) if p)
    _remember(by_phone, by_email, pk, phone if "phone" in changes else "", email if "email" in changes else "")
    if not changes:
        return
    if pk in pending:
        pending[pk].update(changes)
    else:
        Customer.objects.filter(pk=pk).update(**changes, updated_at=timezone.now())


def report_total_mismatches(biz: Business) -> None:
    """Legacy ``visits``/``total_spent`` (summed over the rows of one customer) against what the imported
    completed appointments and payments give; a count and a few examples, in the report."""
    legacy: dict[str, tuple[int, Decimal]] = {}  # customer pk -> legacy visits, total spent
    records = LegacyRecord.objects.filter(
        source_table="customers", target_type="bookings.customer", shop_id=biz.shop_pk
    )
    for target, payload in records.values_list("target_id", "payload").iterator(chunk_size=2000):
        row = payload if isinstance(payload, dict) else {}
        so_far = legacy.get(target, (0, Decimal("0.00")))
        try:
            money = to_cents(pick(row, "total_spent")) or Decimal("0.00")
        except ValueError:
            money = Decimal("0.00")
        legacy[target] = (so_far[0] + (as_int(row.get("visits")) or 0), so_far[1] + money)
    if not legacy:
        return
    done = Q(status=Appointment.Status.COMPLETED)
    visits: dict[str, int] = {}
    for customer, n in (
        Appointment.objects.filter(shop_id=biz.shop_pk, customer_id__in=legacy)
        .values("customer_id")
        .annotate(n=Count("pk", filter=done))
        .values_list("customer_id", "n")
    ):
        visits[str(customer)] = n
    spent: dict[str, Decimal] = {}
    for customer, total in (
        Payment.objects.filter(shop_id=biz.shop_pk, appointment__customer_id__in=legacy)
        .values("appointment__customer_id")
        .annotate(total=Sum("amount"))
        .values_list("appointment__customer_id", "total")
    ):
        spent[str(customer)] = total
    wrong = []
    for pk, (legacy_visits, legacy_spent) in legacy.items():
        ours = (visits.get(pk, 0), spent.get(pk) or Decimal("0.00"))
        if (legacy_visits, legacy_spent) != ours:
            wrong.append(f"{pk}: old system {legacy_visits} visits, {legacy_spent}; imported {ours[0]}, {ours[1]}")
    if wrong:
        biz.imp.report.business.append(
            f"{len(wrong)} customers' legacy visits or total_spent differ from their imported appointments and "
            f"payments (the product counts those; the legacy values stay in the records), e.g. {'; '.join(wrong[:3])}"
        )

"""``services`` → ``Service``; ``barbers`` → ``Barber`` (linked to the shop membership of the user
they were, when there is one); the "Unknown barber" placeholder; who offers what."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone

from bookings.models import Barber, Service
from legacy.bulk import insert_rows
from legacy.business.common import Business, Outcome, new_pk, pick, run_table, text, truthy
from legacy.parsers import as_int, parse_timestamp, to_cents
from sixfb.models import Membership, User

DEFAULT_MINUTES = 30
PLACEHOLDER_NAME = "Unknown barber"


def alive_pks(model: type[models.Model], shop_pk: int) -> set[str]:
    return {str(pk) for pk in model._default_manager.filter(shop_id=shop_pk).values_list("pk", flat=True)}


def price_of(biz: Business, table: str, source_id: str, value: object) -> Decimal | None:
    """Money to cents; None (reported) when unreadable or negative."""
    try:
        price = to_cents(value)
    except ValueError:
        biz.problem(table, source_id, f"price {value!r} is not money")
        return None
    if price is not None and price < 0:
        biz.problem(table, source_id, f"price {value!r} is negative")
        return None
    return price


def minutes_of(value: object) -> int | None:
    minutes = as_int(value)
    return minutes if minutes is not None and 5 <= minutes <= 600 else None


def import_services(biz: Business) -> None:
    pending: list[dict[str, object]] = []

    def handle(source_id: str, row: dict[str, object], current: str | None) -> Outcome:
        raw_minutes = pick(row, "duration_minutes", "duration")
        minutes = minutes_of(raw_minutes)
        if minutes is None:
            biz.problem("services", source_id, f"duration {raw_minutes!r} unusable: {DEFAULT_MINUTES} minutes")
        price = price_of(biz, "services", source_id, pick(row, "price", "base_price"))
        fields = {
            "name": text(row, "name", "title", limit=120) or "Unnamed service",
            "description": text(row, "description", limit=280),
            "duration_minutes": minutes or DEFAULT_MINUTES,
            "price": price if price is not None else Decimal("0.00"),
            "active": truthy(pick(row, "is_active", "active")),
        }
        if current is not None:
            Service.objects.filter(pk=current).update(**fields)
            return Outcome(target_id=current)
        pk = new_pk()
        created = parse_timestamp(row.get("created_at")) or timezone.now()
        pending.append({"id": pk, "shop_id": biz.shop_pk, "created_at": created, **fields})
        biz.new_services.add(pk)
        return Outcome(target_id=pk)

    def flush() -> None:
        insert_rows(Service, pending)
        pending.clear()

    run_table(biz, "services", "bookings.service", alive_pks(Service, biz.shop_pk), handle, flush)
    link_services(biz)


def import_barbers(biz: Business) -> None:
    pending: list[dict[str, object]] = []
    memberships = dict(Membership.objects.filter(shop_id=biz.shop_pk).values_list("user_id", "pk"))
    taken = set(Barber.objects.filter(membership__isnull=False).values_list("membership_id", flat=True))

    def handle(source_id: str, row: dict[str, object], current: str | None) -> Outcome:
        user = biz.imp.user_of(row.get("user_id"))
        name = text(row, "name", "display_name", "full_name", limit=120)
        name = name or " ".join(p for p in (text(row, "first_name"), text(row, "last_name")) if p)[:120]
        if not name and user is not None:
            person = User.objects.filter(pk=user[0]).values_list("full_name", "email").first() or ("", "")
            name = (person[0] or person[1].split("@")[0])[:120]
        photo = text(row, "photo_url", "avatar_url", "image_url", limit=200)
        fields = {
            "name": name or f"Barber {source_id}"[:120],
            "active": truthy(pick(row, "is_active", "active")),
            "bio": text(row, "bio", limit=280),
            "photo_url": photo if photo.startswith(("https://", "http://")) else "",
        }
        if current is not None:
            Barber.objects.filter(pk=current).update(**fields)
            pk = current
        else:
            pk = new_pk()
            membership = memberships.get(user[0]) if user is not None else None
            if membership is not None and membership in taken:
                membership = None
            if membership is not None:
                taken.add(membership)
            created = parse_timestamp(row.get("created_at")) or timezone.now()
            pending.append(
                {"id": pk, "shop_id": biz.shop_pk, "membership_id": membership, "created_at": created, **fields}
            )
            biz.new_barbers.add(pk)
        return Outcome(target_id=pk)

    def flush() -> None:
        insert_rows(Barber, pending)
        pending.clear()

    run_table(biz, "barbers", "bookings.barber", alive_pks(Barber, biz.shop_pk), handle, flush)
    link_services(biz)


def link_services(biz: Business) -> None:
    """The old system did not say who offers what: a service or barber new in this run is offered by,
    or offers, every imported active service and real barber (the owner narrows it later)."""
    if not (biz.new_services or biz.new_barbers):
        return
    services = set(biz.targets.get("services", {}).values()) | biz.new_services
    barbers = set(biz.targets.get("barbers", {}).values()) | biz.new_barbers
    services = {str(pk) for pk in Service.objects.filter(pk__in=services, active=True).values_list("pk", flat=True)}
    real = Barber.objects.filter(pk__in=barbers, is_placeholder=False).values_list("pk", flat=True)
    through = Service.barbers.through
    pairs = [
        through(service_id=s, barber_id=b)
        for s in services
        for b in map(str, real)
        if s in biz.new_services or b in biz.new_barbers
    ]
    through.objects.bulk_create(pairs, ignore_conflicts=True)
    biz.new_services.clear()
    biz.new_barbers.clear()


def placeholder_barber(biz: Business) -> str:
    """The shop's "Unknown barber" (inactive): appointments whose barber the legacy file does not have."""
    if "placeholder" not in biz.targets.setdefault("barbers.placeholder", {}):
        found = Barber.objects.filter(shop_id=biz.shop_pk, is_placeholder=True).order_by("created_at").first()
        if found is None:
            found = Barber.objects.create(shop_id=biz.shop_pk, name=PLACEHOLDER_NAME, active=False, is_placeholder=True)
            biz.imp.report.business.append(f"Made the inactive placeholder barber {PLACEHOLDER_NAME!r}.")
        biz.targets["barbers.placeholder"]["placeholder"] = str(found.pk)
    return biz.targets["barbers.placeholder"]["placeholder"]

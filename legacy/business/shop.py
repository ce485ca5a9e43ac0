"""Which shop the business tables belong to; ``barbershops`` → that shop's empty fields;
``business_hours`` → its opening hours, when it has only the defaults."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from legacy.business.common import Business, Outcome, pick, run_table, text, truthy
from legacy.parsers import as_int, clean_text
from sixfb.models import WEEKDAYS, Shop, User, default_business_hours

if TYPE_CHECKING:
    from legacy.importer import Importer

TEST_DOMAINS = {"example.com", "example.org", "example.net", "test.com", "localhost"}
TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?::\d{2}(?:\.\d+)?)?\s*([ap])?\.?\s*m?\.?$", re.IGNORECASE)


def is_test_email(email: str) -> bool:
    local, _, domain = email.lower().rpartition("@")
    return domain in TEST_DOMAINS or domain.endswith((".test", ".invalid")) or local.startswith(("test", "demo"))


def business_shop(imp: Importer) -> int | None:
    """The shop of the file's business rows: that of the first ``barbershops`` owner who is a real
    user, else of one who looks like a test user, else the only shop imported. Reports each owner
    that is unknown or a test user."""
    owners: list[tuple[str, object, tuple[int, int] | None]] = []
    if imp.reader.has("barbershops", "owner_id"):
        for batch in imp.reader.rows("barbershops", "rowid", imp.batch_size):
            owners.extend((clean_text(r.get("id")), r.get("owner_id"), imp.user_of(r.get("owner_id"))) for r in batch)
    emails = dict(User.objects.filter(pk__in=[t[0] for _, _, t in owners if t]).values_list("pk", "email"))
    real, test = [], []
    for source_id, owner, target in owners:
        if target is None:
            imp.report.business.append(f"barbershops#{source_id}: owner_id {owner!r} matches no imported user")
        elif is_test_email(emails.get(target[0], "")):
            imp.report.business.append(
                f"barbershops#{source_id}: owner_id {owner!r} is a test user ({emails.get(target[0])})"
            )
            test.append(target[1])
        else:
            real.append(target[1])
    if real or test:
        shop_pk = (real or test)[0]
        if not real:
            imp.report.business.append("The business rows went to that test user's shop: no real owner was found.")
        return shop_pk
    shops = {shop for _, shop in imp.user_map.values()}
    if len(shops) == 1:
        imp.report.business.append("No barbershops owner found: the business rows went to the only imported shop.")
        return next(iter(shops))
    return None


def import_barbershops(biz: Business) -> None:
    """Each row fills the empty address, phone and email of its owner's shop (what the shop has stays)."""
    alive = {str(pk) for pk in Shop.objects.values_list("pk", flat=True)}

    def handle(source_id: str, row: dict[str, object], current: str | None) -> Outcome:
        owner = biz.imp.user_of(row.get("owner_id"))
        if owner is None:
            return Outcome(reason=f"owner_id {row.get('owner_id')!r} matches no imported user")
        city_line = " ".join(p for p in (text(row, "state"), text(row, "zip_code", "zip")) if p)
        address = ", ".join(p for p in (text(row, "address"), text(row, "city"), city_line) if p)
        found = {"address": address, "phone": text(row, "phone", limit=32), "email": text(row, "email", limit=254)}
        address, phone, email = Shop.objects.values_list("address", "phone", "email").get(pk=owner[1])
        has = {"address": address, "phone": phone, "email": email}
        empty = {k: v for k, v in found.items() if v and not has[k]}
        if empty:
            Shop.objects.filter(pk=owner[1]).update(**empty)
        return Outcome(target_id=str(owner[1]))

    run_table(biz, "barbershops", "sixfb.shop", alive, handle)


def _weekday(value: object, iso: bool) -> str | None:
    """A weekday name from a name (``Mon``, ``monday``) or a number: 0 is Monday (Python's, and this
    product's ``Shift.weekday``); in a file that uses 7, 1 is Monday (ISO)."""
    number = as_int(value)
    if number is not None:
        index = number - 1 if iso else number
        return WEEKDAYS[index] if 0 <= index < 7 else None
    name = clean_text(value).strip().lower()[:3]
    return next((day for day in WEEKDAYS if name and day.startswith(name)), None)


def hhmm(value: object) -> str | None:
    """``09:00``, ``9:00:00``, ``9am``, ``5:30 PM`` → ``HH:MM``; None when unreadable."""
    match = TIME_RE.match(clean_text(value).strip())
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def import_business_hours(biz: Business) -> None:
    """Opening hours per weekday (several rows a day: the first opening to the last closing), set only
    when the shop still has the defaults: hours from ``shop_profiles`` (the old settings page) or set
    in the product win."""
    imp, rows = biz.imp, []
    iso = False
    for batch in imp.reader.rows("business_hours", "rowid", imp.batch_size):
        rows.extend(batch)
        iso = iso or any(as_int(pick(r, "day_of_week", "weekday", "day")) == 7 for r in batch)
    hours: dict[str, dict[str, object]] = {}
    for row in rows:
        day = _weekday(pick(row, "day_of_week", "weekday", "day", "day_name"), iso)
        opens = hhmm(pick(row, "open_time", "opens_at", "open", "start_time"))
        closes = hhmm(pick(row, "close_time", "closes_at", "close", "end_time"))
        if day is None:
            continue
        closed = truthy(pick(row, "is_closed", "closed"), default=False) or not truthy(
            pick(row, "is_open", "is_active", "enabled"), default=True
        )
        entry = hours.setdefault(day, {"closed": True, "open": "", "close": ""})
        if closed or opens is None or closes is None or closes <= opens:
            continue
        if entry["closed"]:
            entry.update(closed=False, open=opens, close=closes)
        else:
            entry.update(open=min(str(entry["open"]), opens), close=max(str(entry["close"]), closes))
    current = Shop.objects.values_list("business_hours", flat=True).get(pk=biz.shop_pk)
    applies = bool(hours) and current in (default_business_hours(), {}, None)
    if applies:
        Shop.objects.filter(pk=biz.shop_pk).update(business_hours=default_business_hours() | hours)

    def handle(source_id: str, row: dict[str, object], current_target: str | None) -> Outcome:
        if _weekday(pick(row, "day_of_week", "weekday", "day", "day_name"), iso) is None:
            return Outcome(reason="no readable weekday")
        if applies or current_target is not None:
            return Outcome(target_id=str(biz.shop_pk))
        return Outcome(reason="the shop already has its opening hours (from shop_profiles or set in the product)")

    run_table(biz, "business_hours", "sixfb.shop", {str(biz.shop_pk)}, handle)

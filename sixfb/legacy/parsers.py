"""Parsers for the legacy database's values: timestamps, passwords, JSON replies and profiles."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from sixfb.models import WEEKDAYS, available_timezones

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
BCRYPT_RE = re.compile(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$")


def parse_timestamp(value: object) -> datetime | None:
    """All four legacy forms (SQLite default, with microseconds, ISO with ``T``, unix seconds); naive is UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), tz=UTC)
    text = str(value).strip()
    try:
        return datetime.fromtimestamp(float(text), tz=UTC)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def to_cents(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def django_password(legacy_hash: object) -> str | None:
    """The Django-encoded form of a legacy hash, or None when it cannot be used."""
    text = str(legacy_hash or "").strip()
    if SHA256_RE.match(text):
        return f"legacy_sha256$${text}"
    if BCRYPT_RE.match(text):
        return f"bcrypt${text}"
    return None


def reply_text(response: object) -> str:
    """The reply shown to the user: ``response`` plus its suggestions/recommendations as a list."""
    text = "" if response is None else str(response)
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        return text
    if not isinstance(data, dict):
        return text
    body = data.get("response")
    body = text if body is None else str(body)
    items = data.get("suggestions") or data.get("recommendations") or []
    if isinstance(items, list) and items:
        body = body.rstrip() + "\n\n" + "\n".join(f"- {item}" for item in items)
    return body


PROFILE_KEYS = ("barbershop", "notifications", "businessHours")


def parse_profile(raw: object) -> tuple[dict[str, object], str | None]:
    """Shop fields from ``profile_data``; returns (fields, error). Unknown shapes become agent notes."""
    try:
        data = json.loads(raw) if raw not in (None, "") else {}
    except (ValueError, TypeError):
        return {}, "unreadable JSON"
    if not isinstance(data, dict):
        return {}, "JSON is not an object"
    fields: dict[str, object] = {}
    if not any(key in data for key in PROFILE_KEYS):
        if data:
            fields["notes_for_agents"] = "From the old system's shop context:\n" + json.dumps(
                data, indent=2, ensure_ascii=False, sort_keys=True
            )
        return fields, None
    shop = data.get("barbershop")
    if isinstance(shop, dict):
        for key, limit in (("name", 120), ("address", None), ("phone", 32), ("email", 254)):
            value = shop.get(key)
            if isinstance(value, str) and value.strip():
                fields[key] = value.strip()[:limit] if limit else value.strip()
        tz = shop.get("timezone")
        if isinstance(tz, str) and tz in available_timezones():
            fields["timezone"] = tz
    hours = data.get("businessHours")
    if isinstance(hours, dict):
        parsed = {}
        for day in WEEKDAYS:
            entry = hours.get(day)
            if not isinstance(entry, dict):
                continue
            shifts = [s for s in entry.get("shifts") or [] if isinstance(s, dict)]
            enabled = bool(entry.get("enabled", bool(shifts)))
            if enabled and shifts:
                parsed[day] = {
                    "closed": False,
                    "open": str(shifts[0].get("open", "")),
                    "close": str(shifts[-1].get("close", "")),
                }
            else:
                parsed[day] = {"closed": True, "open": "", "close": ""}
        if parsed:
            fields["business_hours"] = parsed
    notifications = data.get("notifications")
    if isinstance(notifications, dict):
        fields["notifications"] = notifications
    return fields, None

"""Parsers for the legacy database's values: ids, timestamps, money, passwords, JSON replies and profiles.

Every parser here is total: dirty input gives ``None`` (or a stated error), never an exception.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sixfb.models import WEEKDAYS, available_timezones

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
BCRYPT_RE = re.compile(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$")
CENT = Decimal("0.01")
# Legacy agent ids that are another agent under an old name (SCHEMA.md: the hard-coded roster).
AGENT_ALIASES = {"agentic_coach": "business_coach"}


def as_int(value: object) -> int | None:
    """An id column's value as an int (``7``, ``7.0``, ``" 7 "``), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def source_key(value: object) -> str | None:
    """A legacy id as ``LegacyRecord.source_id`` (at most 64 characters), or None when there is none."""
    if value is None or value == "":
        return None
    text = value.hex() if isinstance(value, bytes) else str(value)
    return text if len(text) <= 64 else "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:57]


def checksum(row: object) -> str:
    """Whether a legacy row changed since the last run (compared with ``LegacyRecord.checksum``)."""
    return hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()


def id_sort_key(value: object) -> tuple[int, int | str]:
    """Orders ids numerically, and ids of other types after them, without comparing int with str."""
    number = as_int(value)
    return (0, number) if number is not None else (1, str(value))


def clean_text(value: object) -> str:
    """Text PostgreSQL accepts: NUL characters (legal in SQLite) become U+FFFD."""
    text = "" if value is None else str(value)
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def parse_timestamp(value: object) -> datetime | None:
    """All four legacy forms (SQLite default, with microseconds, ISO with ``T``, unix seconds); naive is UTC."""
    if value is None or value == "" or isinstance(value, bool | bytes):
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(float(value), tz=UTC)
        text = str(value).strip()
        try:
            return datetime.fromtimestamp(float(text), tz=UTC)
        except ValueError:
            pass
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def to_cents(value: object) -> Decimal | None:
    """Money rounded to cents (half up), or None for NULL/empty. Raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | bytes):
        raise ValueError(f"{value!r} is not money")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not money") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not money")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def json_safe(value: object) -> object:
    """A SQLite value as JSON PostgreSQL accepts, as close to the original as possible: text keeps
    everything but NUL (U+FFFD), a BLOB becomes ``{"base64": ...}``, a non-finite REAL its name."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode()}
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def json_row(row: dict[str, object]) -> dict[str, object]:
    return {key: json_safe(value) for key, value in row.items()}


def legacy_password(legacy_hash: object) -> tuple[str, str] | None:
    """A usable legacy hash as ``("sha256", hex)`` or ``("bcrypt", hash)``; None when it cannot be used."""
    text = str(legacy_hash or "").strip()
    if SHA256_RE.match(text):
        return ("sha256", text)
    if BCRYPT_RE.match(text):
        return ("bcrypt", text)
    return None


def reply_text(response: object) -> str:
    """The reply shown to the user: ``response`` plus its suggestions/recommendations as a list."""
    text = clean_text(response)
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict):
        return text
    body = data.get("response")
    body = text if body is None else clean_text(body)
    items = data.get("suggestions") or data.get("recommendations") or []
    if isinstance(items, list) and items:
        body = body.rstrip() + "\n\n" + "\n".join(f"- {clean_text(item)}" for item in items)
    return body


PROFILE_KEYS = ("barbershop", "notifications", "businessHours")


def _hours(hours: dict[str, object]) -> dict[str, dict[str, object]]:
    parsed: dict[str, dict[str, object]] = {}
    for day in WEEKDAYS:
        entry = hours.get(day)
        if not isinstance(entry, dict):
            continue
        shifts = entry.get("shifts")
        shifts = [s for s in shifts if isinstance(s, dict)] if isinstance(shifts, list) else []
        enabled = bool(entry.get("enabled", bool(shifts)))
        if enabled and shifts:
            parsed[day] = {
                "closed": False,
                "open": clean_text(shifts[0].get("open", "")),
                "close": clean_text(shifts[-1].get("close", "")),
            }
        else:
            parsed[day] = {"closed": True, "open": "", "close": ""}
    return parsed


def parse_profile(raw: object) -> tuple[dict[str, object], str | None]:
    """Shop fields from ``profile_data``; returns (fields, error). Unknown shapes become agent notes."""
    try:
        data = json.loads(clean_text(raw)) if raw not in (None, "") else {}
    except ValueError:
        return {}, "unreadable JSON"
    if not isinstance(data, dict):
        return {}, f"JSON is {type(data).__name__}, not an object"
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
                fields[key] = clean_text(value.strip())[:limit] if limit else clean_text(value.strip())
        tz = shop.get("timezone")
        if isinstance(tz, str) and tz in available_timezones():
            fields["timezone"] = tz
    hours = data.get("businessHours")
    if isinstance(hours, dict) and (parsed := _hours(hours)):
        fields["business_hours"] = parsed
    notifications = data.get("notifications")
    if isinstance(notifications, dict):
        fields["notifications"] = notifications
    return fields, None


# Money columns per SCHEMA.md ("prices REAL" in appointments has no fixed names, hence the pattern).
MONEY_COLUMNS = {
    "services": {"price"},
    "customers": {"total_spent"},
    "payments": {"amount"},
}
MONEY_NAME_RE = re.compile(r"(^|_)(price|amount|tip|fee|cost|spent|revenue)(_|$)")
MONEY_PATTERN_TABLES = {"appointments", "payments", "services", "customers"}
TIMESTAMP_NAMES = {"created_at", "updated_at", "last_login", "timestamp"}


def is_money_column(table: str, column: str) -> bool:
    if column in MONEY_COLUMNS.get(table, ()):
        return True
    return table in MONEY_PATTERN_TABLES and not column.endswith("_id") and bool(MONEY_NAME_RE.search(column))


def is_timestamp_column(column: str) -> bool:
    return column in TIMESTAMP_NAMES or column.endswith("_at")


def normalize_row(table: str, row: dict[str, object]) -> tuple[dict[str, object], list[str]]:
    """Clean values of a row's timestamp and money columns, and the problems found.

    Timestamps become ISO-8601 UTC strings, money a decimal string rounded to cents (half up). An
    unreadable value becomes None and is named in ``_unreadable`` (and in the problems returned).
    """
    normalized: dict[str, object] = {}
    unreadable: list[str] = []
    problems: list[str] = []
    for column, value in row.items():
        if value is None or value == "":
            if is_timestamp_column(column) or is_money_column(table, column):
                normalized[column] = None
            continue
        if is_timestamp_column(column):
            when = parse_timestamp(value)
            normalized[column] = when.isoformat() if when else None
            if when is None:
                unreadable.append(column)
                problems.append(f"{column} {value!r} is not a timestamp")
        elif is_money_column(table, column):
            try:
                normalized[column] = str(to_cents(value))
            except ValueError as exc:
                normalized[column] = None
                unreadable.append(column)
                problems.append(f"{column} {exc}")
    if unreadable:
        normalized["_unreadable"] = unreadable
    return normalized, problems

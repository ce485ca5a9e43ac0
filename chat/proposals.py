"""What the conversation page shows of an answer's actions: its steps and its proposal cards, in
the markup static/js/chat-actions.js draws live (a reloaded page looks as the live one did)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from chat.toolbox import MessageActions, toolbox

STATUS_TEXT = {
    "done": "Approved and done",
    "failed": "Approved, but it could not be done",
    "declined": "Declined",
    "expired": "Expired: ask again for a fresh proposal",
}


def actions_for_page(*, message_ids: list[int]) -> dict[int, MessageActions]:
    """Each answer's steps and proposals; nothing (and no query) without a toolbox."""
    registered = toolbox()
    return registered.message_actions(message_ids=message_ids) if registered is not None and message_ids else {}


# Detail keys for machines, not for the card ("when" says the time in words); keep in step with
# static/js/chat-actions.js.
HIDDEN_DETAILS = frozenset({"action", "start", "end"})
LABELS = {"duration_minutes": "Minutes", "old_price": "Price now", "price": "Price"}
# A proposal of this tool can be sent to the person first (POST /api/v1/proposals/<id>/test).
TESTABLE_TOOLS = frozenset({"campaign_draft"})


def _label(key: object) -> str:
    if key in LABELS:
        return LABELS[str(key)]
    words = str(key).replace("_", " ")
    return words[:1].upper() + words[1:]


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{_label(k)}: {_plain(v)}" for k, v in value.items())
    return str(value)


def proposal_card(frame: dict[str, Any], *, now: dt.datetime | None = None) -> dict[str, Any]:
    """A ``proposal`` frame as the card shows it: its rows, and its status line."""
    status = frame.get("status") or "pending"
    expires_at = parse_datetime(str(frame.get("expires_at") or ""))
    if status == "pending" and expires_at is not None and expires_at <= (now or timezone.now()):
        status = "expired"  # the periodic sweep has not reached it yet
    raw_details, raw_result = frame.get("details"), frame.get("result")
    details: dict[str, Any] = raw_details if isinstance(raw_details, dict) else {}
    rows = [
        {"label": _label(key), "items": [_plain(v) for v in value[:10]]}
        if isinstance(value, list)
        else {"label": _label(key), "text": _plain(value)}
        for key, value in details.items()
        if key not in HIDDEN_DETAILS and not isinstance(value, bool)
    ]
    result: dict[str, Any] = raw_result if isinstance(raw_result, dict) else {}
    detail = result.get("summary") or result.get("message")
    return {
        "id": frame.get("id"),
        "testable": status == "pending" and frame.get("tool") in TESTABLE_TOOLS,
        "summary": frame.get("summary") or "A proposed change",
        "rows": rows,
        "status": status,
        "pending": status == "pending",
        "status_text": f"{STATUS_TEXT[status]}: {detail}"
        if status in STATUS_TEXT and detail
        else (f"{STATUS_TEXT[status]}." if status in STATUS_TEXT else ""),
        "expires_at": expires_at,
    }

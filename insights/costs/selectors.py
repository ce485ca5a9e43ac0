"""AI spend, time to first token and errors over a period, read from the daily rollups.

Definitions (``docs/costs.md`` repeats them for people):

- *Replies*: assistant messages, every attempt (regenerated ones too: they were paid for).
- *Stopped share*: stopped replies / replies. *Estimated share*: replies whose usage was estimated
  (a stopped stream reports no usage) / replies.
- *Time to first token p50/p95*: nearest rank over the day-and-model histograms summed over the
  period, given as the upper edge of the bucket it falls in.
- *Error rate by code*: replies ending in that error / replies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from insights.costs.rollup import TTFT_OVER_MS
from insights.models import DailyAiCost, DailyAiError, DailyTtft
from insights.periods import Period

SUMS = {
    "messages": Sum("messages"),
    "stopped": Sum("stopped"),
    "estimated": Sum("estimated"),
    "errors": Sum("errors"),
    "prompt_tokens": Sum("prompt_tokens"),
    "completion_tokens": Sum("completion_tokens"),
    "cost_usd": Sum("cost_usd"),
}
GROUPS = {
    "day": (("day",), ("day",)),
    "model": (("model",), ("-cost_usd", "model")),
    "agent": (("agent__slug", "agent__name"), ("-cost_usd", "agent__name")),
    "shop": (("shop_id", "shop__name"), ("-cost_usd", "shop__name")),
}


def _ratio(part: int, whole: int) -> float | None:
    return None if not whole else round(part / whole, 4)


def _in(period: Period) -> QuerySet[DailyAiCost]:
    return DailyAiCost.objects.filter(day__gte=period.first_day, day__lte=period.last_day)


def _filled(row: dict[str, Any]) -> dict[str, Any]:
    for key in SUMS:
        row[key] = row[key] or (Decimal(0) if key == "cost_usd" else 0)
    row["stopped_share"] = _ratio(row["stopped"], row["messages"])
    row["estimated_share"] = _ratio(row["estimated"], row["messages"])
    row["error_rate"] = _ratio(row["errors"], row["messages"])
    return row


def ai_totals(*, period: Period, by_day: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The period's sums; from ``by_day`` (``ai_spend_by(group="day")``) when the caller has it."""
    if by_day is None:
        return _filled(_in(period).aggregate(**SUMS))
    return _filled({key: sum((row[key] for row in by_day), start=0) for key in SUMS})


def ai_spend_by(*, period: Period, group: str) -> list[dict[str, Any]]:
    """AI use summed by ``day``, ``model``, ``agent`` or ``shop``: the most expensive first (days in order)."""
    fields, ordering = GROUPS[group]
    return [_filled(row) for row in _in(period).values(*fields).annotate(**SUMS).order_by(*ordering)]


@dataclass(frozen=True)
class Ttft:
    replies: int
    p50_ms: int | None
    p95_ms: int | None

    @staticmethod
    def label(value: int | None) -> str:
        if value is None:
            return "—"
        return "over 60 s" if value == TTFT_OVER_MS else f"≤ {value:,} ms"


def ttft(*, period: Period) -> Ttft:
    buckets = list(
        DailyTtft.objects.filter(day__gte=period.first_day, day__lte=period.last_day)
        .values("bucket_ms")
        .annotate(n=Sum("count"))
        .order_by("bucket_ms")
        .values_list("bucket_ms", "n")
    )
    total = sum(n for _bucket, n in buckets)

    def rank(p: float) -> int | None:
        if not total:
            return None
        wanted, seen = math.ceil(p * total), 0
        for bucket, n in buckets:
            seen += n
            if seen >= wanted:
                return bucket
        return None

    return Ttft(total, rank(0.50), rank(0.95))


def error_rates(*, period: Period, replies: int | None = None) -> list[dict[str, Any]]:
    """Errors by code over the period's replies (``replies`` when the caller has counted them)."""
    if replies is None:
        replies = ai_totals(period=period)["messages"]
    rows = (
        DailyAiError.objects.filter(day__gte=period.first_day, day__lte=period.last_day)
        .values("code")
        .annotate(errors=Sum("count"))
        .order_by("-errors", "code")
    )
    return [{**row, "rate": _ratio(row["errors"], replies)} for row in rows]

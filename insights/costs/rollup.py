"""The daily rollups: one UTC day of messages, deliveries and service use, by aggregate queries.

A day rolled up again replaces its rows in one transaction, so re-running is safe. Each run rolls
up today (so far) and yesterday (answers that finished after midnight), and fills in missing days up
to ``COST_ROLLUP_BACKFILL_DAYS`` back. Today's figures on the page are therefore as of the last run
(hourly), never computed live from the source tables.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from chat.models import Message
from insights.models import DailyAiCost, DailyAiError, DailyMessaging, DailyTtft, DailyUsage
from notifications import live_hub
from notifications.models import Channel, Delivery

logger = logging.getLogger(__name__)

# Upper edges of the time-to-first-token buckets (ms); the last one catches everything slower.
TTFT_BUCKETS_MS = (100, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 20000, 60000)
TTFT_OVER_MS = 2**31 - 1


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)


def _replies(day: dt.date) -> Any:
    start, end = day_bounds(day)
    return (
        Message.objects.filter(role=Message.Role.ASSISTANT, created_at__gte=start, created_at__lt=end)
        .exclude(status=Message.Status.STREAMING)
        .order_by()
    )


def _ai_rows(day: dt.date) -> list[DailyAiCost]:
    rows = (
        _replies(day)
        .values("shop_id", "conversation__agent_id", "model")
        .annotate(
            messages=Count("pk"),
            stopped=Count("pk", filter=Q(status=Message.Status.STOPPED)),
            estimated=Count("pk", filter=Q(usage_estimated=True)),
            errors=Count("pk", filter=Q(status=Message.Status.ERROR)),
            prompt=Sum("prompt_tokens"),
            completion=Sum("completion_tokens"),
            cost=Sum("cost_usd"),
        )
    )
    return [
        DailyAiCost(
            day=day,
            shop_id=row["shop_id"],
            agent_id=row["conversation__agent_id"],
            model=row["model"],
            messages=row["messages"],
            stopped=row["stopped"],
            estimated=row["estimated"],
            errors=row["errors"],
            prompt_tokens=row["prompt"] or 0,
            completion_tokens=row["completion"] or 0,
            cost_usd=row["cost"] or Decimal(0),
        )
        for row in rows
    ]


def _error_rows(day: dt.date) -> list[DailyAiError]:
    rows = _replies(day).filter(status=Message.Status.ERROR).values("shop_id", "error_code").annotate(n=Count("pk"))
    counts: dict[tuple[int, str], int] = {}
    for row in rows:  # blank codes fold into "unknown": a handful of rows per day
        key = (row["shop_id"], row["error_code"] or "unknown")
        counts[key] = counts.get(key, 0) + row["n"]
    return [DailyAiError(day=day, shop_id=shop, code=code, count=n) for (shop, code), n in counts.items()]


def _ttft_rows(day: dt.date) -> list[DailyTtft]:
    buckets: dict[str, Any] = {}
    lower = -1
    for upper in (*TTFT_BUCKETS_MS, TTFT_OVER_MS):
        buckets[f"b{upper}"] = Count(
            "pk", filter=Q(time_to_first_token_ms__gt=lower, time_to_first_token_ms__lte=upper)
        )
        lower = upper
    rows = _replies(day).filter(time_to_first_token_ms__isnull=False).values("model").annotate(**buckets)
    return [
        DailyTtft(day=day, model=row["model"], bucket_ms=upper, count=row[f"b{upper}"])
        for row in rows
        for upper in (*TTFT_BUCKETS_MS, TTFT_OVER_MS)
        if row[f"b{upper}"]
    ]


def _messaging_rows(day: dt.date) -> list[DailyMessaging]:
    start, end = day_bounds(day)
    rows = (
        Delivery.objects.filter(status=Delivery.Status.SENT, sent_at__gte=start, sent_at__lt=end)
        .order_by()
        .values("notification__shop_id", "channel")
        .annotate(n=Count("pk"))
    )
    return [
        DailyMessaging(day=day, shop_id=row["notification__shop_id"], channel=row["channel"], sent=row["n"])
        for row in rows
    ]


def database_bytes() -> int | None:
    """The database's size on disk: ``pg_database_size`` on PostgreSQL, the file's size on SQLite."""
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_database_size(current_database())")
                return int(cursor.fetchone()[0])
        if connection.vendor == "sqlite":
            import os

            name = str(connection.settings_dict["NAME"])
            return os.path.getsize(name) if os.path.exists(name) else None
    except Exception:
        logger.warning("costs: could not measure the database size", exc_info=True)
    return None


def redis_bytes() -> int | None:
    """Redis's ``used_memory`` when the cache is Redis; ``None`` otherwise or while it is unreachable."""
    from django.core.cache import cache

    client_of = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client_of is None:
        return None
    try:
        return int(client_of().info("memory")["used_memory"])
    except Exception:
        logger.warning("costs: could not read Redis's memory use", exc_info=True)
        return None


def day_rollup(*, day: dt.date, now: dt.datetime | None = None) -> DailyUsage:
    """Roll up one UTC day, replacing what was there."""
    now = now or timezone.now()
    today = now.astimezone(dt.UTC).date()
    messaging = _messaging_rows(day)
    frames, peak = live_hub.usage_for_day(day)
    sizes = (database_bytes(), redis_bytes()) if day == today else (None, None)
    with transaction.atomic():
        for model in (DailyAiCost, DailyAiError, DailyTtft, DailyMessaging):
            model.objects.filter(day=day).delete()
        DailyAiCost.objects.bulk_create(_ai_rows(day))
        DailyAiError.objects.bulk_create(_error_rows(day))
        DailyTtft.objects.bulk_create(_ttft_rows(day))
        DailyMessaging.objects.bulk_create(messaging)
        usage = DailyUsage.objects.select_for_update().filter(day=day).first() or DailyUsage(day=day)
        # Live counts only grow and live in the cache for a week: keep what was stored once they are gone.
        usage.realtime_messages = frames if frames is not None else usage.realtime_messages
        usage.peak_sockets = peak if peak is not None else usage.peak_sockets
        usage.db_bytes = sizes[0] if sizes[0] is not None else usage.db_bytes
        usage.redis_bytes = sizes[1] if sizes[1] is not None else usage.redis_bytes
        usage.emails = sum(row.sent for row in messaging if row.channel == Channel.EMAIL)
        usage.sms = sum(row.sent for row in messaging if row.channel == Channel.SMS)
        usage.rolled_up_at = now
        usage.save()
    return usage


def days_to_roll_up(*, today: dt.date) -> list[dt.date]:
    """Yesterday and today always; earlier days within the backfill window only when missing."""
    window = [today - dt.timedelta(days=n) for n in range(settings.COST_ROLLUP_BACKFILL_DAYS, -1, -1)]
    done = set(
        DailyUsage.objects.filter(day__gte=window[0], day__lt=today - dt.timedelta(days=1)).values_list(
            "day", flat=True
        )
    )
    return [day for day in window if day >= today - dt.timedelta(days=1) or day not in done]

"""Reading a dj-stripe Subscription the same way whatever Stripe API version wrote it.

Current API versions put the billing period on the subscription items; older ones on the
subscription. dj-stripe 2.11 reads only the subscription-level fields (``None`` on current
versions, and its ``is_valid()`` then raises), so everything here reads ``stripe_data``: items
first, subscription-level as the fallback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from djstripe.models import Subscription

# Statuses in which a subscription grants its plan (past_due only through the grace period,
# canceled only until it ended: at once when canceled immediately, else at the period's end).
GRANTING = {"active", "trialing"}
PAST_DUE = "past_due"
CANCELED = "canceled"


def _when(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


def _data(subscription: Subscription) -> dict[str, Any]:
    return subscription.stripe_data or {}


def _items(subscription: Subscription) -> list[dict[str, Any]]:
    items = _data(subscription).get("items") or {}
    return [item for item in items.get("data") or [] if isinstance(item, dict)]


@dataclass(frozen=True)
class SubscriptionFacts:
    id: str
    status: str
    price_id: str
    lookup_key: str
    period_start: dt.datetime | None
    period_end: dt.datetime | None
    cancel_at: dt.datetime | None
    cancel_at_period_end: bool
    created: dt.datetime | None
    ended_at: dt.datetime | None = None

    @property
    def ends_at(self) -> dt.datetime | None:
        """When a canceled subscription stopped: ``ended_at`` (Stripe sets it on every cancellation),
        else, for data without it, the end of the period already paid for."""
        return self.ended_at or self.period_end


def subscription_period(subscription: Subscription) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The current billing period: from the items when they carry it, else from the subscription."""
    starts = [_when(i.get("current_period_start")) for i in _items(subscription)]
    ends = [_when(i.get("current_period_end")) for i in _items(subscription)]
    known_starts, known_ends = [s for s in starts if s], [e for e in ends if e]
    if known_starts and known_ends:
        return min(known_starts), max(known_ends)
    data = _data(subscription)
    return (
        _when(data.get("current_period_start")) or getattr(subscription, "current_period_start", None),
        _when(data.get("current_period_end")) or getattr(subscription, "current_period_end", None),
    )


def subscription_facts(subscription: Subscription) -> SubscriptionFacts:
    data = _data(subscription)
    price: dict[str, Any] = {}
    for item in _items(subscription):
        candidate = item.get("price") or item.get("plan") or {}
        if isinstance(candidate, dict):
            price = candidate
            break
        if isinstance(candidate, str):
            price = {"id": candidate}
            break
    start, end = subscription_period(subscription)
    return SubscriptionFacts(
        id=subscription.id,
        status=str(data.get("status") or subscription.status or ""),
        price_id=str(price.get("id") or ""),
        lookup_key=str(price.get("lookup_key") or ""),
        period_start=start,
        period_end=end,
        cancel_at=_when(data.get("cancel_at")),
        cancel_at_period_end=bool(data.get("cancel_at_period_end")),
        created=_when(data.get("created")) or getattr(subscription, "created", None),
        ended_at=_when(data.get("ended_at")),
    )


def grants_plan(facts: SubscriptionFacts, *, now: dt.datetime, grace_until: dt.datetime | None) -> bool:
    """Whether the subscription gives its plan at ``now``."""
    if facts.status in GRANTING:
        return facts.cancel_at is None or now < facts.cancel_at
    if facts.status == PAST_DUE:
        return grace_until is not None and now < grace_until
    if facts.status == CANCELED:
        return facts.ends_at is not None and now < facts.ends_at
    return False  # incomplete, incomplete_expired, unpaid, paused


def grace_end(facts: SubscriptionFacts, *, past_due_since: dt.datetime | None, grace_days: int) -> dt.datetime | None:
    """A past_due subscription keeps its plan ``grace_days`` from the first failed payment we saw
    (or, if we never saw it, from the start of the period whose invoice failed)."""
    if facts.status != PAST_DUE:
        return None
    since = past_due_since or facts.period_start or timezone.now()
    return since + dt.timedelta(days=grace_days)

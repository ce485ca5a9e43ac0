"""Product analytics through PostHog: the only module that imports ``posthog``.

Off unless ``POSTHOG_API_KEY`` is set. A person is their stable UUID, never their email;
the shop is the PostHog group ``shop``. Events are queued after the surrounding
transaction commits, and the SDK sends them from its own thread: a slow or unreachable
PostHog never blocks a request (its queue holds 10,000 events, then drops).

Every event is named in ``EVENTS`` with the properties it may carry (``docs/analytics.md`` is
the table); anything else is dropped and logged once, never raised: no email, name, phone or
message text reaches PostHog, whatever a caller passes.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver

if TYPE_CHECKING:
    from posthog import Posthog

    from sixfb.models import Shop, User

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_client: Posthog | None = None

SHOP_GROUP = "shop"

# The taxonomy: event -> the property names it may carry. Keep in step with docs/analytics.md.
EVENTS: dict[str, frozenset[str]] = {
    "user_signed_up": frozenset(),
    "user_logged_in": frozenset(),
    "agent_enabled": frozenset({"agent", "custom"}),
    "agent_disabled": frozenset({"agent", "custom", "reason"}),
    "chat_message_sent": frozenset({"agent", "regenerate"}),
    "chat_message_regenerated": frozenset({"agent"}),
    "chat_message_stopped": frozenset({"agent"}),
    "checkout_started": frozenset({"plan"}),
    "subscription_started": frozenset({"plan", "status"}),
    "subscription_changed": frozenset({"plan", "from_plan", "status"}),
    "subscription_canceled": frozenset({"plan", "status"}),
    "booking_submitted": frozenset({"service_id", "value", "currency", "source"}),
    "booking_cancelled": frozenset({"by_customer", "source"}),
    "notification_sent": frozenset({"channel", "kind"}),
    # Sent by the insights view when a person is shown a flagged feature (PostHog's own name).
    "$feature_flag_called": frozenset({"$feature_flag", "$feature_flag_response"}),
}
# Properties the SDK itself understands, allowed on any event.
SDK_PROPERTIES = frozenset({"$process_person_profile"})
# What the shop group says about itself: no name (a shop is often named after its owner).
SHOP_GROUP_PROPERTIES = frozenset({"plan", "plan_status", "timezone"})
# A shop has no plan of its own until billing gives it one: it starts on Free.
NEW_SHOP_PLAN = "free"

# Values that look like someone's contact details are dropped even under an allowed name.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
# Our ids are UUIDs, whose hex runs can hold nine digits between hyphens: never a phone number.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_reported: set[tuple[str, str]] = set()


def is_enabled() -> bool:
    return bool(settings.POSTHOG_API_KEY)


def _get_client() -> Posthog | None:
    global _client
    if not is_enabled():
        return None
    with _lock:
        if _client is None:
            from posthog import Posthog

            _client = Posthog(
                settings.POSTHOG_API_KEY,
                host=settings.POSTHOG_HOST,
                timeout=settings.POSTHOG_TIMEOUT_SECONDS,
                max_retries=2,
                disable_geoip=True,
                enable_exception_autocapture=False,
                on_error=lambda error, batch: logger.warning("posthog: %s events not sent: %s", len(batch), error),
            )
        return _client


def _looks_personal(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if _UUID.fullmatch(value):
        return False
    phones = (sum(ch.isdigit() for ch in run) for run in _PHONE.findall(value))
    return bool(_EMAIL.search(value)) or any(digits >= 9 for digits in phones)


def _report_once(event: str, key: str, why: str) -> None:
    with _lock:
        if (event, key) in _reported:
            return
        _reported.add((event, key))
    logger.error("analytics: %r dropped from %s (%s); see docs/analytics.md", key, event, why)


def clean_properties(event: str, props: dict[str, Any], *, allowed: frozenset[str] | None = None) -> dict[str, Any]:
    """``props`` without what ``event`` may not carry; each violation is logged once, never raised."""
    if allowed is None:
        if event not in EVENTS:
            _report_once(event, "*", "an event not in the taxonomy")
        allowed = EVENTS.get(event, frozenset()) | SDK_PROPERTIES
    clean = {}
    for key, value in props.items():
        if key not in allowed:
            _report_once(event, key, "not an allowed property")
        elif _looks_personal(value):
            _report_once(event, key, "a value that looks like an email or phone number")
        else:
            clean[key] = value
    return clean


def track(user: User | None, event: str, *, shop: Shop | None = None, **props: Any) -> None:
    """Record ``event`` for ``user`` (and their shop as group) once the transaction commits."""
    if not is_enabled() or user is None or not getattr(user, "is_authenticated", False):
        return
    if shop is None:
        from sixfb.selectors import shop_primary_for_user

        shop = shop_primary_for_user(user=user)
    distinct_id = str(user.uuid)
    groups = {SHOP_GROUP: str(shop.uuid)} if shop is not None else None
    properties = clean_properties(event, props)

    def send() -> None:
        client = _get_client()
        if client is not None:
            client.capture(event, distinct_id=distinct_id, properties=properties, groups=groups)

    transaction.on_commit(send)


def track_shop(shop: Shop, event: str, **props: Any) -> None:
    """Record ``event`` for the shop itself, when no signed-in person did it (a customer booking
    online, a worker sending a notification): no person profile is made."""
    if not is_enabled():
        return
    distinct_id, groups = f"shop:{shop.uuid}", {SHOP_GROUP: str(shop.uuid)}
    properties = {**clean_properties(event, props), "$process_person_profile": False}

    def send() -> None:
        client = _get_client()
        if client is not None:
            client.capture(event, distinct_id=distinct_id, properties=properties, groups=groups)

    transaction.on_commit(send)


def identify_shop(shop: Shop, *, plan: str = NEW_SHOP_PLAN, plan_status: str = "active") -> None:
    """Describe the shop group by its plan (slug) and that plan's status; called when the shop is
    made and whenever billing changes its plan. Never its name, email or phone."""
    if not is_enabled():
        return
    key = str(shop.uuid)
    properties = clean_properties(
        "$groupidentify",
        {"plan": plan, "plan_status": plan_status, "timezone": shop.timezone},
        allowed=SHOP_GROUP_PROPERTIES,
    )

    def send() -> None:
        client = _get_client()
        if client is not None:
            client.group_identify(SHOP_GROUP, key, properties)

    transaction.on_commit(send)


def flush() -> None:
    """Send what is queued now, waiting at most ``POSTHOG_FLUSH_SECONDS`` (tests; long-lived workers)."""
    if _client is not None:
        _client.flush(timeout_seconds=settings.POSTHOG_FLUSH_SECONDS)


def shutdown() -> None:
    """Flush and stop the sender thread; call at the end of management commands and tasks.

    The SDK drains without a deadline of its own; a PostHog that hangs must not hold the process
    at exit, so this waits at most ``POSTHOG_FLUSH_SECONDS`` and drops what is left."""
    global _client
    with _lock:
        client, _client = _client, None
    if client is None:
        return
    closer = threading.Thread(target=client.shutdown, name="posthog-shutdown", daemon=True)
    closer.start()
    closer.join(timeout=settings.POSTHOG_FLUSH_SECONDS)
    if closer.is_alive():
        logger.warning(
            "posthog: still sending after %s s at shutdown; queued events dropped", settings.POSTHOG_FLUSH_SECONDS
        )


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    if setting in {"POSTHOG_API_KEY", "POSTHOG_HOST", "POSTHOG_TIMEOUT_SECONDS"}:
        shutdown()

"""Product analytics through PostHog: the only module that imports ``posthog``.

Off unless ``POSTHOG_API_KEY`` is set. A person is their stable UUID, never their email;
the shop is the PostHog group ``shop``. Events are queued after the surrounding
transaction commits, and the SDK sends them from its own thread: a slow or unreachable
PostHog never blocks a request (its queue holds 10,000 events, then drops).
"""

from __future__ import annotations

import logging
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
                timeout=5,
                max_retries=2,
                disable_geoip=True,
                enable_exception_autocapture=False,
                on_error=lambda error, batch: logger.warning("posthog: %s events not sent: %s", len(batch), error),
            )
        return _client


def track(user: User, event: str, *, shop: Shop | None = None, **props: Any) -> None:
    """Record ``event`` for ``user`` (and their shop as group) once the transaction commits."""
    if not is_enabled() or user is None or not getattr(user, "is_authenticated", False):
        return
    if shop is None:
        from sixfb.selectors import shop_primary_for_user

        shop = shop_primary_for_user(user=user)
    distinct_id = str(user.uuid)
    groups = {SHOP_GROUP: str(shop.uuid)} if shop is not None else None

    def send() -> None:
        client = _get_client()
        if client is not None:
            client.capture(event, distinct_id=distinct_id, properties=props, groups=groups)

    transaction.on_commit(send)


def track_shop(shop: Shop, event: str, **props: Any) -> None:
    """Record ``event`` for the shop itself, when no signed-in person did it (a customer booking
    online): no person profile is made, and ``props`` must hold no one's personal data."""
    if not is_enabled():
        return
    distinct_id, groups = f"shop:{shop.uuid}", {SHOP_GROUP: str(shop.uuid)}
    properties = {**props, "$process_person_profile": False}

    def send() -> None:
        client = _get_client()
        if client is not None:
            client.capture(event, distinct_id=distinct_id, properties=properties, groups=groups)

    transaction.on_commit(send)


def identify_shop(shop: Shop) -> None:
    """Describe the shop group (its name and plan), for dashboards grouped by shop."""
    if not is_enabled():
        return
    key, properties = str(shop.uuid), {"name": shop.name, "timezone": shop.timezone}

    def send() -> None:
        client = _get_client()
        if client is not None:
            client.group_identify(SHOP_GROUP, key, properties)

    transaction.on_commit(send)


def flush() -> None:
    """Send what is queued now (tests; the end of management commands and tasks)."""
    if _client is not None:
        _client.flush()


def shutdown() -> None:
    """Flush and stop the sender thread; call at the end of management commands and tasks."""
    global _client
    with _lock:
        if _client is not None:
            _client.shutdown()
            _client = None


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    if setting in {"POSTHOG_API_KEY", "POSTHOG_HOST"}:
        shutdown()

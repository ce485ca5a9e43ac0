"""Signed links in messages: a customer's preferences page, and one-click unsubscribe from a kind
(RFC 8058). The token names the recipient and, for unsubscribe, the kind group; nothing else."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "notifications.links"


def token_for(*, recipient_key: str, shop_id: int, group: str = "") -> str:
    return signing.dumps({"r": recipient_key, "s": shop_id, "g": group}, salt=SALT, compress=True)


def read_token(token: str) -> dict[str, Any] | None:
    """The token's content, or ``None`` when it was not made by us (or altered)."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not {"r", "s", "g"} <= value.keys():
        return None
    return value


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def links_for(*, recipient_key: str, shop_id: int, group: str, is_customer: bool) -> dict[str, str]:
    """``site``, ``preferences`` and ``unsubscribe`` as absolute URLs, for the templates and headers."""
    if is_customer:
        preferences = absolute(
            reverse("notification_customer_preferences", args=[token_for(recipient_key=recipient_key, shop_id=shop_id)])
        )
    else:
        preferences = absolute(reverse("notification_preferences"))
    unsubscribe = absolute(
        reverse("notification_unsubscribe", args=[token_for(recipient_key=recipient_key, shop_id=shop_id, group=group)])
    )
    return {"site": settings.SITE_URL, "preferences": preferences, "unsubscribe": unsubscribe}

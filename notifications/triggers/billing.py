"""Billing events → the shop's owners: a payment received or failed, a plan that really changed,
and the chat quota at 80 % and 100 % of the period (once each per period)."""

from __future__ import annotations

import math

from django.conf import settings
from django.db import transaction

from billing.entitlements import shop_chat_allowance, shop_entitlements
from chat.services import metering
from notifications.models import Notification
from notifications.services.notify import notify
from notifications.triggers import recipients
from sixfb.models import Shop

QUOTA_LEVELS = (("chat_quota_100", 1.0), ("chat_quota_80", 0.8))  # the highest reached is the one sent


@transaction.atomic
def on_invoice(*, kind: str, shop_id: int, invoice_id: str, amount: str, currency: str, invoice_url: str) -> None:
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        return
    payload: dict[str, object] = {"amount": amount, "currency": currency}
    if kind == "payment_failed":
        payload["grace_days"] = settings.STRIPE_GRACE_DAYS
    else:
        payload["invoice_url"] = invoice_url
    for owner in recipients.owners(shop):
        notify(shop=shop, kind=kind, user=owner, dedupe_key=f"{kind}:{invoice_id}", payload=payload)


@transaction.atomic
def on_plan_changed(*, shop_id: int) -> None:
    """``plan_changed`` comes on every sync: tell the owners only when the plan is another than the
    one they last heard of (every shop starts on Free)."""
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        return
    terms = shop_entitlements(shop=shop)
    last = Notification.objects.filter(shop=shop, kind="subscription_changed").order_by("-created_at").first()
    previous_slug = str(last.payload.get("plan_slug", "")) if last else "free"
    if previous_slug == terms.plan.slug:
        return
    previous_name = str(last.payload.get("plan", "")) if last else "Free"
    payload = {"plan": terms.plan.name, "plan_slug": terms.plan.slug, "previous_plan": previous_name}
    key = f"subscription_changed:{previous_slug}:{terms.plan.slug}:{terms.period_start.isoformat()}"
    for owner in recipients.owners(shop):
        notify(shop=shop, kind="subscription_changed", user=owner, dedupe_key=key, payload=payload)


_UNKNOWN = object()


def on_chat_counted(
    *, shop_id: int, chats_used: int | None = None, monthly_chats: int | object | None = _UNKNOWN
) -> None:
    """After each chat: from the cached count, warn the owners at 80 % and 100 % of the period's chats.

    With the sender's figures (the count with this chat, the plan's limit: None for none), a chat
    under every level, or on a plan without a limit, reads nothing (issue 19: every chat sends it)."""
    if monthly_chats is None:
        return
    if (
        isinstance(monthly_chats, int)
        and monthly_chats
        and chats_used is not None
        and all(chats_used < math.ceil(monthly_chats * share) for _kind, share in QUOTA_LEVELS)
    ):
        return
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        return
    allowance = shop_chat_allowance(shop=shop)
    limit = allowance.monthly_chats
    if not limit:
        return
    used = metering.usage_count(shop=shop, allowance=allowance, locked=False)
    reached = [kind for kind, share in QUOTA_LEVELS if used >= math.ceil(limit * share)]
    if not reached:
        return
    kind = reached[0]
    local_end = allowance.period_end.astimezone(shop.tzinfo)
    payload = {"used": used, "limit": limit, "period_end": f"{local_end.day} {local_end:%b}"}
    key = f"{kind}:{allowance.period_start.isoformat()}"
    with transaction.atomic():
        for owner in recipients.owners(shop):
            notify(shop=shop, kind=kind, user=owner, dedupe_key=key, payload=payload)

"""Writes for accounts and shops. Keyword-only, typed, one transaction each."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone as django_timezone

from sixfb.errors import AppError
from sixfb.lib import analytics
from sixfb.lib.slugs import unique_slug
from sixfb.models import ApiToken, Membership, ScheduledSlot, Shop, User, default_business_hours
from sixfb.signals import shop_created

_slug_max_length = Shop._meta.get_field("slug").max_length
assert _slug_max_length is not None  # a SlugField always has one
_SLUG_MAX: int = _slug_max_length


@transaction.atomic
def shop_create(*, owner: User, name: str, timezone: str | None = None, email: str = "") -> Shop:
    """Create a shop with ``owner`` as its owner member; ``shop_created`` is sent before commit."""
    name = name.strip()
    if not name:
        raise ValueError("A shop needs a name.")
    fields: dict[str, Any] = {"name": name, "email": email or owner.email, "business_hours": default_business_hours()}
    if timezone:
        fields["timezone"] = timezone
    for _attempt in range(5):
        try:
            with transaction.atomic():
                slug = unique_slug(Shop, name, fallback="shop", max_length=_SLUG_MAX)
                shop = Shop.objects.create(slug=slug, **fields)
            break
        except IntegrityError:  # two sign-ups raced for the same slug: pick again
            continue
    else:
        raise IntegrityError("Could not find a free slug for the shop.")
    shop.full_clean()
    Membership.objects.create(shop=shop, user=owner, role=Membership.Role.OWNER)
    shop_created.send(sender=Shop, shop=shop, owner=owner)  # e.g. agents enables the starting agent
    analytics.identify_shop(shop)
    return shop


@transaction.atomic
def shop_update(*, shop: Shop, **fields: Any) -> Shop:
    """Apply validated settings to the shop."""
    allowed = {"name", "timezone", "address", "phone", "email", "business_hours", "notes_for_agents"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Not shop settings: {', '.join(sorted(unknown))}")
    for key, value in fields.items():
        setattr(shop, key, value)
    shop.full_clean()
    shop.save(update_fields=[*fields, "updated_at"])
    return shop


@transaction.atomic
def user_update_profile(*, user: User, full_name: str) -> User:
    user.full_name = full_name.strip()
    user.save(update_fields=["full_name"])
    return user


def scheduled_slot_claim(*, job: str, slot: dt.datetime, enqueue: Callable[[], object]) -> bool:
    """Claim ``slot`` of the periodic ``job`` and enqueue its task, in one transaction.

    The ``(job, slot)`` row is unique, so of several scheduler processes firing the same slot one
    insert succeeds and that one enqueues. Returns False, enqueueing nothing, when the row was
    already there (another scheduler, or this one before a restart, took the slot).
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                ScheduledSlot.objects.create(job=job, slot=slot)
        except IntegrityError:
            return False
        enqueue()
    return True


def scheduled_slots_prune(*, before: dt.datetime) -> int:
    """Delete the claims of slots due before ``before``; returns how many."""
    deleted, _ = ScheduledSlot.objects.filter(slot__lt=before).delete()
    return deleted


# --- API tokens -------------------------------------------------------------------------------

MAX_API_TOKENS_PER_USER = 20
# last_used_at is for people ("used 3 minutes ago"): a write a minute at most, not one per request.
API_TOKEN_LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its key, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise AppError("invalid", "Give the token a name, e.g. the app or script that will use it.")
    User.objects.select_for_update().filter(pk=user.pk).first()  # two tabs cannot both take the last slot
    if ApiToken.objects.for_user(user).active().count() >= MAX_API_TOKENS_PER_USER:
        raise AppError(
            "too_many_tokens",
            f"You have {MAX_API_TOKENS_PER_USER} tokens already; revoke one you no longer use first.",
            status=409,
        )
    key = ApiToken.KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:60], key_hash=ApiToken.hash_key(key), prefix=key[: len(ApiToken.KEY_PREFIX) + 6]
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop the token working at once; the row stays (who had which key, and when)."""
    if token.revoked_at is None:
        token.revoked_at = django_timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_mark_used(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Record a use, at most once per ``API_TOKEN_LAST_USED_RESOLUTION`` (a conditional update, so
    concurrent requests write once between them)."""
    now = now or django_timezone.now()
    stale = now - API_TOKEN_LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    ApiToken.objects.filter(pk=token.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale)).update(
        last_used_at=now
    )
    token.last_used_at = now

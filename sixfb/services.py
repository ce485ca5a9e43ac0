"""Writes for accounts and shops. Keyword-only, typed, one transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from sixfb.lib import analytics
from sixfb.lib.slugs import unique_slug
from sixfb.models import Membership, ScheduledSlot, Shop, User, default_business_hours
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

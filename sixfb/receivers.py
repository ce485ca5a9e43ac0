"""Signal receivers: analytics for sign-up and login, waffle cache upkeep, and closing the sockets
of a person who left a shop (however the membership went: a service, the admin, a cascade).
No business rules."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver

from sixfb import broadcast
from sixfb.lib import analytics
from sixfb.models import Flag, Membership


@receiver(user_signed_up, dispatch_uid="sixfb.analytics.user_signed_up")
def track_signed_up(*, request: Any, user: Any, **kwargs: Any) -> None:
    analytics.track(user, "user_signed_up")


@receiver(user_logged_in, dispatch_uid="sixfb.analytics.user_logged_in")
def track_logged_in(*, request: Any, user: Any, **kwargs: Any) -> None:
    analytics.track(user, "user_logged_in")


@receiver(m2m_changed, sender=Flag.shops.through, dispatch_uid="sixfb.flag_shops_changed")
def flush_flag_shops(*, instance: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and isinstance(instance, Flag):
        cache.delete_many(instance.get_flush_keys())


@receiver(post_delete, sender=Membership, dispatch_uid="sixfb.membership_deleted")
def close_sockets_of_former_member(*, instance: Membership, **kwargs: Any) -> None:
    broadcast.close_member_sockets(shop_id=instance.shop_id, user_id=instance.user_id)

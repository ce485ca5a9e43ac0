"""Signal receivers: analytics for sign-up and login, and waffle cache upkeep. No business rules.
(Closing the sockets of a person who left a shop is the live layer's: ``notifications.receivers``.)"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from sixfb.lib import analytics
from sixfb.models import Flag


@receiver(user_signed_up, dispatch_uid="sixfb.analytics.user_signed_up")
def track_signed_up(*, request: Any, user: Any, **kwargs: Any) -> None:
    analytics.track(user, "user_signed_up")


@receiver(user_logged_in, dispatch_uid="sixfb.analytics.user_logged_in")
def track_logged_in(*, request: Any, user: Any, **kwargs: Any) -> None:
    analytics.track(user, "user_logged_in")


@receiver(m2m_changed, sender=Flag.shops.through, dispatch_uid="sixfb.flag_shops_changed")
@receiver(m2m_changed, sender=Flag.excluded_shops.through, dispatch_uid="sixfb.flag_excluded_shops_changed")
def flush_flag_shops(*, instance: Any, action: str, pk_set: set[int] | None = None, **kwargs: Any) -> None:
    """A flag's shop lists are cached (``Flag._shop_lists``): changed from either side, they are dropped."""
    if not action.startswith("post_"):
        return
    if isinstance(instance, Flag):
        flags = [instance]
    else:  # from the shop's side: the flags it was added to or removed from (all of them on a clear)
        flags = list(Flag.objects.all() if pk_set is None else Flag.objects.filter(pk__in=pk_set))
    cache.delete_many([key for flag in flags for key in flag.get_flush_keys()])

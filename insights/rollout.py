"""The ``new_dashboard`` flag for the shop a person works in, and its exposure event.

Decided on the server by the shop-aware flag model (``sixfb.flags``), so every member of a shop and
every device sees the same dashboard. PostHog hears of the decision at most once a day for each
person and answer, not on every page view.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from sixfb.flags import NEW_DASHBOARD, flag_is_active
from sixfb.lib import analytics
from sixfb.middleware import SignedInRequest

EXPOSURE_SECONDS = 24 * 60 * 60


def new_dashboard_for(request: SignedInRequest) -> bool:
    shop = request.shop
    active = flag_is_active(NEW_DASHBOARD, shop=shop, user=request.user)
    day = timezone.now().date().isoformat()
    key = f"insights:exposure:{NEW_DASHBOARD}:{request.user.pk}:{int(active)}:{day}"
    # Without PostHog there is nothing to send, and no cache round trip to pay for.
    if analytics.is_enabled() and cache.add(key, True, timeout=EXPOSURE_SECONDS):  # atomic across processes
        analytics.track(
            request.user,
            "$feature_flag_called",
            shop=shop,
            **{"$feature_flag": NEW_DASHBOARD, "$feature_flag_response": active},
        )
    return active

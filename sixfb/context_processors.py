from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from sixfb.flags import SIGNUP_OPEN, switch_is_on
from sixfb.models import Membership

MANAGING_ROLES = (Membership.Role.OWNER, Membership.Role.MANAGER)


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: the site name, the current shop, and browser analytics config."""
    user = getattr(request, "user", None)
    shop = getattr(request, "shop", None)
    return {
        "site_name": settings.SITE_NAME,
        "current_shop": shop,
        # A callable, so only pages that ask (the navigation) pay its query.
        "current_shop_manageable": lambda: (
            shop is not None and shop.memberships.filter(user=user, role__in=MANAGING_ROLES).exists()
        ),
        # The signup_open switch, for the "Start free" links; a callable, asked only where one is shown.
        "signup_open": lambda: switch_is_on(SIGNUP_OPEN),
        "support_email": settings.SUPPORT_EMAIL,
        "posthog_config": (
            {
                "key": settings.POSTHOG_API_KEY,
                "host": settings.POSTHOG_HOST,
                "distinct_id": str(user.uuid) if user is not None and user.is_authenticated else None,
            }
            if settings.POSTHOG_API_KEY
            else None
        ),
    }

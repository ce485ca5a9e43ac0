from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from sixfb.flags import NEW_DASHBOARD, SIGNUP_OPEN, flag_is_active, switch_is_on
from sixfb.models import Membership

MANAGING_ROLES = (Membership.Role.OWNER, Membership.Role.MANAGER)
# Set by static/js/consent.js (first party, a year): browser analytics only after "granted".
CONSENT_COOKIE = "analytics_consent"
CONSENT_GRANTED, CONSENT_DENIED = "granted", "denied"


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
        # The owner's numbers (/insights/) in the navigation: managing members of a new_dashboard shop.
        "insights_available": lambda: (
            shop is not None
            and flag_is_active(NEW_DASHBOARD, shop=shop, user=user)
            and shop.memberships.filter(user=user, role__in=MANAGING_ROLES).exists()
        ),
        # The signup_open switch, for the "Start free" links; a callable, asked only where one is shown.
        "signup_open": lambda: switch_is_on(SIGNUP_OPEN),
        "support_email": settings.SUPPORT_EMAIL,
        "posthog_config": posthog_config(request) if settings.POSTHOG_API_KEY else None,
    }


def analytics_consent(request: HttpRequest) -> str:
    """The visitor's choice about browser analytics: "granted", "denied" (also Do Not Track or
    Global Privacy Control) or "" (not asked yet)."""
    if request.headers.get("DNT") == "1" or request.headers.get("Sec-GPC") == "1":
        return CONSENT_DENIED
    choice = request.COOKIES.get(CONSENT_COOKIE, "")
    return choice if choice in {CONSENT_GRANTED, CONSENT_DENIED} else ""


def posthog_config(request: HttpRequest) -> dict[str, Any]:
    """What posthog-js needs; its script is rendered only once the visitor said yes."""
    user = getattr(request, "user", None)
    return {
        "key": settings.POSTHOG_API_KEY,
        "host": settings.POSTHOG_HOST,
        "distinct_id": str(user.uuid) if user is not None and user.is_authenticated else None,
        "consent": analytics_consent(request),
        "cookie": CONSENT_COOKIE,
    }

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: the site name, the current shop, and browser analytics config."""
    user = getattr(request, "user", None)
    return {
        "site_name": settings.SITE_NAME,
        "current_shop": getattr(request, "shop", None),
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

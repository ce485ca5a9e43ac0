"""The dashboard's bookings panel: today's appointments and the next free slot."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from bookings import selectors
from sixfb.selectors import get_membership_for_user


def bookings_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    shop = getattr(request, "shop", None)
    if shop is None:
        return None
    try:
        membership = get_membership_for_user(user=request.user, shop_slug=shop.slug)  # type: ignore[arg-type]
    except Http404:
        return None
    context = {
        "appointments": list(selectors.todays_appointments(membership=membership)[:12]),
        "next_free": selectors.next_free_slot(shop=shop),
        "shop": shop,
    }
    return "bookings/_dashboard_panel.html", context

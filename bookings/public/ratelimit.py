"""Limits on booking requests from one client address and for one phone number.

Counted in Django's cache per 10-minute window; when the cache is unreachable the limits are off
(fail open), as a shop would rather take a booking than turn a customer away.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from bookings.errors import BookingError
from bookings.services import phone_normalize
from sixfb.models import Shop

WINDOW_SECONDS = 600
PER_IP = 10
PER_PHONE = 5


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a forwarded header is the client's to forge unless a trusted proxy sets it.
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _count(key: str) -> int | None:
    """This window's count for ``key`` after adding one, or None when the cache is down."""
    window_key = f"book:rate:{key}:{int(time.time() // WINDOW_SECONDS)}"
    try:
        return cache.incr(window_key)
    except ValueError:  # the window's first request
        cache.add(window_key, 0, timeout=WINDOW_SECONDS + 60)
        try:
            return cache.incr(window_key)
        except ValueError:  # the cache is unreachable (CacheUnavailable is a ValueError)
            return None


def booking_rate_check(*, shop: Shop, ip: str, phone: str = "") -> None:
    """Count one booking request; raise ``rate_limited`` past the limit of its address or phone
    (the number as the shop reads it, so each way of typing it counts as one)."""
    per_ip = int(getattr(settings, "BOOKING_RATE_LIMIT_PER_IP", PER_IP))
    per_phone = int(getattr(settings, "BOOKING_RATE_LIMIT_PER_PHONE", PER_PHONE))
    count = _count(f"ip:{ip}")
    if count is not None and count > per_ip:
        raise BookingError("rate_limited", "Too many booking requests from your connection. Please try again later.")
    try:
        number = phone_normalize(shop=shop, phone=phone)
    except BookingError:  # the form will say what is wrong with it
        number = ""
    if number:
        # Hashed so the cache holds no customer's number.
        count = _count("phone:" + hashlib.sha256(number.encode()).hexdigest()[:32])
        if count is not None and count > per_phone:
            raise BookingError(
                "rate_limited", "Too many booking requests for this phone number. Please try again later."
            )

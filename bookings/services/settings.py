from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from bookings.errors import BookingError
from bookings.models import BookingSettings
from sixfb.models import Shop

EDITABLE = {
    "currency",
    "phone_region",
    "online_booking_enabled",
    "confirm_online_bookings",
    "slot_minutes",
    "min_notice_minutes",
    "horizon_days",
    "cancellation_window_hours",
}


def booking_settings_update(*, shop: Shop, **fields: Any) -> BookingSettings:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise BookingError("invalid", f"Unknown booking settings: {', '.join(sorted(unknown))}.")
    settings, _ = BookingSettings.objects.get_or_create(shop=shop)
    for name, value in fields.items():
        setattr(settings, name, value)
    if "currency" in fields:
        settings.currency = str(settings.currency).upper()
    try:
        settings.full_clean()
    except ValidationError as exc:
        raise BookingError("invalid", "Some booking settings are not valid.", fields=exc.message_dict) from exc
    settings.save()
    shop.booking_settings = settings  # the shop object in hand reads the new rules from now on
    return settings

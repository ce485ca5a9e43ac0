"""Refusals of the booking domain: one code each, with the HTTP status the API answers."""

from __future__ import annotations

from sixfb.errors import AppError

STATUS_FOR = {
    "slot_taken": 409,
    "customer_exists": 409,
    "idempotency_key_reused": 409,
    "already_changed": 409,
    "not_found": 404,
    "rate_limited": 429,
    "online_booking_paused": 503,
}


class BookingError(AppError):
    """``code`` is one of: slot_taken, outside_hours, barber_unavailable, service_unavailable,
    service_not_offered, in_the_past, too_soon, too_far_ahead, invalid_transition, too_late_to_cancel,
    invalid_phone, invalid_customer, not_found, invalid, online_booking_closed (the shop's setting),
    online_booking_paused (the online_booking_enabled kill switch)."""

    def __init__(self, code: str, message: str, **extra: object) -> None:
        super().__init__(code, message, status=STATUS_FOR.get(code, 400), **extra)

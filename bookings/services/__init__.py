"""Bookings' writes, by concern: the catalog (services, barbers, hours, time off), customers,
appointments (and payments) and the shop's booking settings. Other modules use the names below."""

from bookings.errors import BookingError
from bookings.services.appointments import (
    TRANSITIONS,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_status_set,
    cancellation_deadline,
    online_booking_check,
    payment_record,
)
from bookings.services.catalog import (
    barber_create,
    barber_hours_set,
    barber_update,
    service_create,
    service_update,
    time_off_add,
    time_off_remove,
)
from bookings.services.customers import (
    customer_create,
    customer_for_booking,
    customer_match,
    customer_merge,
    customer_update,
    phone_normalize,
)
from bookings.services.settings import booking_settings_update

__all__ = [
    "TRANSITIONS",
    "BookingError",
    "appointment_book",
    "appointment_cancel",
    "appointment_reschedule",
    "appointment_status_set",
    "barber_create",
    "barber_hours_set",
    "barber_update",
    "booking_settings_update",
    "cancellation_deadline",
    "customer_create",
    "customer_for_booking",
    "customer_match",
    "customer_merge",
    "customer_update",
    "online_booking_check",
    "payment_record",
    "phone_normalize",
    "service_create",
    "service_update",
    "time_off_add",
    "time_off_remove",
]

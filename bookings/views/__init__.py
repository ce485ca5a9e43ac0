"""Staff pages of the shop's business (signed-in members of the current shop)."""

from bookings.views.appointments import (
    appointment_cancel,
    appointment_complete,
    appointment_detail,
    appointment_move,
    appointment_status,
)
from bookings.views.calendar import appointment_new, calendar, slots
from bookings.views.catalog import (
    barber_edit,
    barber_hours,
    barber_list,
    booking_settings,
    service_edit,
    service_list,
    time_off_add,
    time_off_remove,
)
from bookings.views.customers import customer_detail, customer_list, customer_merge, customer_new, customer_picker

__all__ = [
    "appointment_cancel",
    "appointment_complete",
    "appointment_detail",
    "appointment_move",
    "appointment_new",
    "appointment_status",
    "barber_edit",
    "barber_hours",
    "barber_list",
    "booking_settings",
    "calendar",
    "customer_detail",
    "customer_list",
    "customer_merge",
    "customer_new",
    "customer_picker",
    "service_edit",
    "service_list",
    "slots",
    "time_off_add",
    "time_off_remove",
]

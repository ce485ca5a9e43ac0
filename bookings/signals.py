"""Signals bookings sends for the apps above it (notifications, insights, agents that act).

Each is sent by ``bookings.services`` once the transaction that made the change commits (never for
one rolled back), with ``sender=Appointment`` and JSON-able arguments only:

    appointment_id: str      the appointment's UUID
    shop_id: int
    status: str              its status now (an ``Appointment.Status`` value)
    start: str               ISO 8601 with offset, in the shop's time zone
    barber_id: str           the barber's UUID
    source: str              how it was booked (an ``Appointment.Source`` value)
    previous_start: str | None   (``appointment_rescheduled`` only) where it was before

``notifications.receivers`` turns each into the ``appointment.changed`` frame on `/ws/live/`.
"""

from django.dispatch import Signal

appointment_booked = Signal()
appointment_confirmed = Signal()
appointment_rescheduled = Signal()
appointment_cancelled = Signal()
appointment_completed = Signal()
appointment_no_show = Signal()

ALL = (
    appointment_booked,
    appointment_confirmed,
    appointment_rescheduled,
    appointment_cancelled,
    appointment_completed,
    appointment_no_show,
)

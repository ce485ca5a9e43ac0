"""After commit: the domain signal for an appointment's change (bookings/signals.py)."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from bookings.models import Appointment


def appointment_event(signal: Signal, appointment: Appointment, **extra: object) -> None:
    """Send ``signal`` for ``appointment`` once the transaction commits, with JSON-able arguments."""
    payload: dict[str, object] = {
        "appointment_id": str(appointment.pk),
        "shop_id": appointment.shop_id,
        "status": appointment.status,
        "start": appointment.start.astimezone(appointment.shop.tzinfo).isoformat(),
        "barber_id": str(appointment.barber_id),
        "source": appointment.source,
        **extra,
    }
    transaction.on_commit(lambda: signal.send(sender=Appointment, **payload))

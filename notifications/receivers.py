"""The live layer's reactions to the other apps' signals: each turns one event into one broadcast
(``notifications.broadcast``, after the transaction commits). No business rules."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from agents.models import Agent
from agents.signals import agent_status_changed
from bookings import signals as booking_signals
from bookings.models import Appointment
from notifications import broadcast
from sixfb.models import Membership


@receiver(post_delete, sender=Membership, dispatch_uid="notifications.membership_deleted")
def close_sockets_of_former_member(*, instance: Membership, **kwargs: Any) -> None:
    """However the membership went (a service, the admin, a cascade), the person's sockets on that
    shop get a ``membership_ended`` error frame and are closed, in every server process."""
    broadcast.close_member_sockets(shop_id=instance.shop_id, user_id=instance.user_id)


@receiver(agent_status_changed, sender=Agent, dispatch_uid="notifications.agent_status_changed")
def broadcast_agent_status(*, agent: str, status: str, at: str, shop_id: int | None, **kwargs: Any) -> None:
    """The ``agent.status`` frame: to the one shop that sees it, or to everyone."""
    payload = {"type": "agent.status", "agent": agent, "status": status, "at": at}
    if shop_id is None:
        broadcast.broadcast_to_everyone(payload=payload)
    else:
        broadcast.broadcast_to_shop(shop_id=shop_id, payload=payload)


@receiver(list(booking_signals.ALL), sender=Appointment, dispatch_uid="notifications.appointment_changed")
def broadcast_appointment_changed(
    *, appointment_id: str, shop_id: int, status: str, start: str, barber_id: str, **kwargs: Any
) -> None:
    """The ``appointment.changed`` frame, to the staff of that shop only (its members' sockets)."""
    payload = {"type": "appointment.changed", "id": appointment_id, "status": status, "start": start}
    payload["barber"] = barber_id
    broadcast.broadcast_to_shop(shop_id=shop_id, payload=payload)

"""Reactions to the other apps' signals: the live layer's broadcasts (``notifications.broadcast``,
after the transaction commits), and the notifications events make (``notifications.triggers``).
No business rules here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from agents.models import Agent
from agents.signals import agent_status_changed
from billing.signals import invoice_paid, invoice_payment_failed, plan_changed
from bookings import signals as booking_signals
from bookings.models import Appointment
from chat.models import Message
from chat.signals import chat_counted
from notifications import broadcast, tasks
from notifications.triggers import appointments, billing, staff
from sixfb.models import Membership, Shop, User
from sixfb.signals import shop_created

logger = logging.getLogger(__name__)


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


# --- notifications from domain events (notifications.triggers) ------------------------------
# The bookings, agents and billing signals come after their transaction commits, so a failure here
# cannot undo the change: it is logged (with its traceback) and the caller's request still succeeds.


def _guarded(name: str, call: Callable[[], object]) -> None:
    try:
        call()
    except Exception:
        logger.exception("notifications: %s failed", name)


@receiver(booking_signals.appointment_booked, sender=Appointment, dispatch_uid="notifications.notify_booked")
def notify_booked(*, appointment_id: str, shop_id: int, **kwargs: Any) -> None:
    _guarded("booked", lambda: appointments.on_booked(appointment_id=appointment_id, shop_id=shop_id))


@receiver(booking_signals.appointment_confirmed, sender=Appointment, dispatch_uid="notifications.notify_confirmed")
def notify_confirmed(*, appointment_id: str, shop_id: int, **kwargs: Any) -> None:
    _guarded("confirmed", lambda: appointments.on_confirmed(appointment_id=appointment_id, shop_id=shop_id))


@receiver(booking_signals.appointment_rescheduled, sender=Appointment, dispatch_uid="notifications.notify_moved")
def notify_rescheduled(*, appointment_id: str, shop_id: int, previous_start: str | None = None, **kwargs: Any) -> None:
    _guarded(
        "rescheduled",
        lambda: appointments.on_rescheduled(
            appointment_id=appointment_id, shop_id=shop_id, previous_start=previous_start
        ),
    )


@receiver(booking_signals.appointment_cancelled, sender=Appointment, dispatch_uid="notifications.notify_cancelled")
def notify_cancelled(*, appointment_id: str, shop_id: int, by_customer: bool = False, **kwargs: Any) -> None:
    _guarded(
        "cancelled",
        lambda: appointments.on_cancelled(appointment_id=appointment_id, shop_id=shop_id, by_customer=by_customer),
    )


@receiver(booking_signals.appointment_no_show, sender=Appointment, dispatch_uid="notifications.notify_no_show")
def notify_no_show(*, appointment_id: str, shop_id: int, **kwargs: Any) -> None:
    _guarded("no_show", lambda: appointments.on_no_show(appointment_id=appointment_id, shop_id=shop_id))


@receiver(agent_status_changed, sender=Agent, dispatch_uid="notifications.notify_agent_status")
def notify_agent_status(*, agent: str, status: str, at: str, shop_state: bool = False, **kwargs: Any) -> None:
    if not shop_state and staff.agent_status_is_news(agent_slug=agent, status=status, at=at):
        _guarded("agent_status", lambda: tasks.notify_agent_status.enqueue(agent, status, at))


@receiver(shop_created, sender=Shop, dispatch_uid="notifications.welcome")
def notify_welcome(*, shop: Shop, owner: User, **kwargs: Any) -> None:
    # Sent inside shop_create's transaction: the welcome waits for the commit, and cannot undo it.
    transaction.on_commit(lambda: staff.on_shop_created(shop=shop, owner=owner), robust=True)


@receiver(plan_changed, sender=Shop, dispatch_uid="notifications.plan_changed")
def notify_plan_changed(*, shop: Shop, **kwargs: Any) -> None:
    # Sent inside the sync's transaction, under the shop's lock: decided once it commits.
    shop_id = shop.pk
    transaction.on_commit(lambda: billing.on_plan_changed(shop_id=shop_id), robust=True)


@receiver(invoice_paid, sender=Shop, dispatch_uid="notifications.invoice_paid")
def notify_invoice_paid(**kwargs: Any) -> None:
    _guarded("invoice_paid", lambda: billing.on_invoice(kind="payment_received", **_invoice(kwargs)))


@receiver(invoice_payment_failed, sender=Shop, dispatch_uid="notifications.invoice_payment_failed")
def notify_invoice_payment_failed(**kwargs: Any) -> None:
    _guarded("invoice_payment_failed", lambda: billing.on_invoice(kind="payment_failed", **_invoice(kwargs)))


def _invoice(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {name: kwargs[name] for name in ("shop_id", "invoice_id", "amount", "currency", "invoice_url")}


@receiver(chat_counted, sender=Message, dispatch_uid="notifications.chat_counted")
def notify_chat_quota(*, shop_id: int, **kwargs: Any) -> None:
    figures = {name: kwargs[name] for name in ("chats_used", "monthly_chats") if name in kwargs}
    _guarded("chat_quota", lambda: billing.on_chat_counted(shop_id=shop_id, **figures))

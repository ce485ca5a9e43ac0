"""In-app: the notification is stored already; "sending" pushes it to the person's open tabs over
`/ws/live/` (``notification`` frame, to that user only) once the transaction commits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notifications.channels.base import Channel

if TYPE_CHECKING:
    from notifications.models import Delivery, Notification


class InAppChannel(Channel):
    name = "in_app"

    def address_for(self, notification: Notification) -> str | None:
        return str(notification.user_id) if notification.user_id is not None else None

    def send(self, delivery: Delivery, context: dict[str, Any]) -> str:
        from notifications import live

        live.push_notification(notification=delivery.notification, title=context["title"])
        return ""

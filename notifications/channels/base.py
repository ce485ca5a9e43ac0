"""The contract every channel keeps (after healthchecks' transports: one small class, retries decided
in one place, ``notifications.services.deliveries``, never inside a channel).

A channel:

- ``address_for(notification)`` says where a notification would go on it (an email address, an E.164
  phone, a user id for in-app) or ``None`` when the recipient has none; ``valid_address(address)``
  says whether it is usable at all (a malformed one is skipped with ``invalid_address``, never sent).
- ``send(delivery, context)`` sends one delivery, rendered from ``context``, and returns the
  provider's message id (or ``""``). It raises :class:`TransientSendError` for what may succeed
  later (a timeout, a 5xx, a 429, a refused connection) and :class:`PermanentSendError` for what
  never will (a 4xx refusing this message or address). Anything else it raises is a bug, which the
  delivery service logs and treats as transient.
- It sets a timeout on every outbound call, shorter than ``NOTIFICATIONS_SEND_LEASE_SECONDS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from notifications.models import Delivery, Notification


class SendError(Exception):
    permanent = False


class TransientSendError(SendError):
    """May succeed on a later attempt."""


class PermanentSendError(SendError):
    """Will never succeed: not retried."""

    permanent = True


class Channel:
    name: str = ""

    def address_for(self, notification: Notification) -> str | None:
        raise NotImplementedError

    def valid_address(self, address: str) -> bool:
        return bool(address)

    def send(self, delivery: Delivery, context: dict[str, Any]) -> str:
        raise NotImplementedError

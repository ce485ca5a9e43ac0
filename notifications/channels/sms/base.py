"""What an SMS provider does: send one text, return its message id, raise the channel's errors."""

from __future__ import annotations

from notifications.channels.base import PermanentSendError


class RecipientOptedOut(PermanentSendError):
    """The provider refuses because the recipient texted STOP to our number: never retried, and the
    channel withdraws their consent as if the STOP had reached us."""


class SmsProvider:
    name = ""

    def send(self, *, to: str, text: str, delivery_id: str) -> str:
        """Send ``text`` to ``to`` (E.164) as it is. Returns the provider's message id. Raises
        ``TransientSendError``, ``PermanentSendError`` (``notifications.channels.base``) or
        :class:`RecipientOptedOut`."""
        raise NotImplementedError

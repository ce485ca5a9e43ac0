"""What an SMS provider does: send one text, return its message id, raise the channel's errors."""

from __future__ import annotations


class SmsProvider:
    name = ""

    def send(self, *, to: str, text: str, delivery_id: str) -> str:
        """Send ``text`` to ``to`` (E.164). Returns the provider's message id. Raises
        ``TransientSendError`` or ``PermanentSendError`` (``notifications.channels.base``)."""
        raise NotImplementedError

"""The channels a notification goes out on, each one small module behind one interface
(``base.Channel``): in-app, email, SMS. ``get(name)`` returns the configured one."""

from __future__ import annotations

from notifications.channels.base import Channel, PermanentSendError, SendError, TransientSendError


def get(name: str) -> Channel:
    if name == "in_app":
        from notifications.channels.in_app import InAppChannel

        return InAppChannel()
    if name == "email":
        from notifications.channels.email import EmailChannel

        return EmailChannel()
    if name == "sms":
        from notifications.channels.sms import SmsChannel

        return SmsChannel()
    raise ValueError(f"Unknown channel {name!r}.")


__all__ = ["Channel", "PermanentSendError", "SendError", "TransientSendError", "get"]

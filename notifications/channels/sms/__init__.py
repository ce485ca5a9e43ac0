"""SMS: one channel in front of a provider seam (``SMS_PROVIDER``): ``console`` (the embedded
default: the text goes to the log) or ``twilio`` (``notifications.channels.sms.twilio``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

from notifications.channels.base import Channel
from notifications.channels.sms.base import RecipientOptedOut, SmsProvider
from notifications.rendering import render_sms
from sixfb.lib import phones

if TYPE_CHECKING:
    from notifications.models import Delivery, Notification


def provider() -> SmsProvider:
    name = settings.SMS_PROVIDER
    if name == "twilio":
        from notifications.channels.sms.twilio import TwilioProvider

        return TwilioProvider()
    from notifications.channels.sms.console import ConsoleProvider

    return ConsoleProvider()


class SmsChannel(Channel):
    name = "sms"

    def address_for(self, notification: Notification) -> str | None:
        person = notification.customer if notification.customer_id is not None else notification.user
        return (getattr(person, "phone", "") or "").strip() or None

    def valid_address(self, address: str) -> bool:
        return phones.is_e164(address)

    def send(self, delivery: Delivery, context: dict[str, Any]) -> str:
        text = render_sms(delivery.notification.kind, context)
        try:
            return provider().send(to=delivery.address, text=text, delivery_id=str(delivery.pk))
        except RecipientOptedOut:
            from notifications.services.sms_replies import sms_opt_out

            sms_opt_out(phone=delivery.address, reason="provider_opt_out")
            raise

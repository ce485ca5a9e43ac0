"""The embedded default: texts are written to the log, as Django's console email backend prints mail."""

from __future__ import annotations

import logging

from notifications.channels.sms.base import SmsProvider

logger = logging.getLogger(__name__)


class ConsoleProvider(SmsProvider):
    name = "console"

    def send(self, *, to: str, text: str, delivery_id: str) -> str:
        logger.info("SMS to %s: %s", to, text)
        return f"console-{delivery_id}"

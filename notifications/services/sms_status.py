"""Twilio's status callbacks on a text we sent: the provider's word is recorded on the delivery.

Our ``sent`` means Twilio accepted the message; what happens after (``delivered``, ``undelivered``,
``failed``) is Twilio's, recorded in ``provider_status`` (and the error code in ``last_error``). A
text that failed after acceptance is not sent again: the carrier refused it, and a retry could
reach the phone twice."""

from __future__ import annotations

import logging

from django.db import transaction

from notifications.models import Delivery

logger = logging.getLogger(__name__)

# Callbacks may arrive out of order: a later stage is never overwritten by an earlier one.
STAGES = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "read": 4,
}
FAILED = frozenset({"undelivered", "failed"})


@transaction.atomic
def sms_status_record(*, message_sid: str, status: str, error_code: str = "") -> bool:
    """Record ``status`` for the SMS delivery Twilio knows as ``message_sid``. Returns whether a
    delivery changed; an unknown sid or status changes nothing (the callback is still answered 200)."""
    status = status.strip().lower()
    if not message_sid or status not in STAGES:
        return False
    delivery = (
        Delivery.objects.select_for_update()
        .filter(channel="sms", provider_message_id=message_sid)
        .only("pk", "provider_status", "last_error")
        .first()
    )
    if delivery is None:
        return False
    if STAGES[status] < STAGES.get(delivery.provider_status, -1):
        return False
    fields = {"provider_status": status}
    if status in FAILED:
        fields["last_error"] = f"Twilio {status}" + (f": error {error_code}" if error_code else "")
        logger.warning("SMS delivery %s %s at the carrier (error %s)", delivery.pk, status, error_code or "none")
    Delivery.objects.filter(pk=delivery.pk).update(**fields)
    return True

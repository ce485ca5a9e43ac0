"""What a customer's reply to our number changes: STOP withdraws their SMS consent everywhere and
suppresses the number; START gives it back. Twilio itself answers with the standard confirmations."""

from __future__ import annotations

from typing import Literal

from django.db import transaction
from django.utils import timezone

from bookings.models import Customer
from notifications.models import Suppression
from sixfb.lib import phones

# Twilio's default opt-out and opt-in keywords (a whole message, any case).
OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})

ReplyOutcome = Literal["opted_out", "opted_in", "ignored"]


def sms_reply_receive(*, phone: str, body: str) -> ReplyOutcome:
    """Act on a text from ``phone`` (E.164) to our number: STOP/START keywords, anything else ignored."""
    if not phones.is_e164(phone):
        return "ignored"
    word = body.strip().upper()
    if word in OPT_OUT_WORDS:
        sms_opt_out(phone=phone, reason="stop")
        return "opted_out"
    if word in OPT_IN_WORDS:
        return "opted_in" if sms_opt_in(phone=phone) else "ignored"
    return "ignored"


@transaction.atomic
def sms_opt_out(*, phone: str, reason: str) -> int:
    """Every customer with ``phone``, in every shop (they all text from the same number), loses SMS
    consent and the number is suppressed. Returns how many customers lost consent."""
    Suppression.objects.get_or_create(channel="sms", address=phone, defaults={"reason": reason})
    return Customer.objects.filter(phone=phone, sms_consent_at__isnull=False).update(sms_consent_at=None)


@transaction.atomic
def sms_opt_in(*, phone: str) -> bool:
    """START after a STOP: the suppression goes and consent comes back. A START (or a "yes") from a
    number that never opted out changes nothing: it is not consent to texts they never agreed to."""
    deleted, _ = Suppression.objects.filter(channel="sms", address=phone).delete()
    if not deleted:
        return False
    Customer.objects.filter(phone=phone, sms_consent_at__isnull=True).update(sms_consent_at=timezone.now())
    return True

"""Twilio: the only module that imports ``twilio``. Sends texts through the official SDK (its API
domain's ``base_url`` pointed at ``TWILIO_API_BASE``, so tests talk to a fake Twilio on loopback) and
checks the ``X-Twilio-Signature`` of Twilio's webhooks."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import requests
from django.conf import settings
from django.urls import reverse
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from notifications.channels.base import PermanentSendError, TransientSendError
from notifications.channels.sms.base import RecipientOptedOut, SmsProvider

logger = logging.getLogger(__name__)

# (connect, read) seconds, well under NOTIFICATIONS_SEND_LEASE_SECONDS.
TIMEOUT: tuple[float, float] = (5.0, 10.0)

# The recipient texted STOP to our number (https://www.twilio.com/docs/api/errors/21610).
UNSUBSCRIBED = 21610
# 4xx answers that are about our account or Twilio's queue, not this message: worth another attempt.
TRANSIENT_STATUSES = frozenset({401, 403, 408, 409, 429})
TRANSIENT_CODES = frozenset({20429, 21611})  # too many requests; too many messages queued on 'From'


@lru_cache(maxsize=4)
def _client(account_sid: str, auth_token: str, api_base: str, timeout: tuple[float, float]) -> Client:
    http_client = TwilioHttpClient()
    # requests takes a (connect, read) pair; the SDK's constructor only checks a single number.
    http_client.timeout = timeout
    client = Client(account_sid, auth_token, http_client=http_client)
    # TWILIO_EDGE/TWILIO_REGION in the environment would rewrite the host: TWILIO_API_BASE decides it.
    client.edge = client.region = None
    client.api.base_url = api_base
    return client


def client() -> Client:
    return _client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_API_BASE, TIMEOUT)


def status_callback_url() -> str:
    return settings.SITE_URL + reverse("notification_twilio_status")


class TwilioProvider(SmsProvider):
    name = "twilio"

    def send(self, *, to: str, text: str, delivery_id: str) -> str:
        sender: dict[str, Any] = (
            {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
            if settings.TWILIO_MESSAGING_SERVICE_SID
            else {"from_": settings.TWILIO_FROM_NUMBER}
        )
        try:
            message = client().messages.create(to=to, body=text, status_callback=status_callback_url(), **sender)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise _send_error(exc) from exc
        except requests.RequestException as exc:  # timeout, refused connection, broken answer
            raise TransientSendError(f"Twilio unreachable: {type(exc).__name__}") from exc
        return str(message.sid)


def _send_error(exc: TwilioRestException | TwilioServiceException) -> Exception:
    """Twilio's answer as the channel's error. A 4xx refuses the request as made (21211 invalid 'To',
    21614 not a mobile, 21408 region not enabled, 21617 body too long...): the same request would be
    refused again, so it is permanent, except the few that are about our account or Twilio's queue."""
    message = getattr(exc, "msg", "") or getattr(exc, "detail", "") or getattr(exc, "title", "")
    detail = f"Twilio {exc.status} error {exc.code}: {message}"
    if exc.code == UNSUBSCRIBED:
        return RecipientOptedOut(detail)
    if exc.status >= 500 or exc.status in TRANSIENT_STATUSES or exc.code in TRANSIENT_CODES:
        if exc.status in {401, 403}:
            logger.error(
                "Twilio refused our credentials (%s): check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN", exc.code
            )
        return TransientSendError(detail)
    return PermanentSendError(detail)


def signature_valid(*, url: str, params: Any, signature: str) -> bool:
    """Whether ``signature`` (``X-Twilio-Signature``) is Twilio's HMAC-SHA1, keyed with our auth token,
    of ``url`` and the POST ``params``. Without a token nothing is valid."""
    token = settings.TWILIO_AUTH_TOKEN
    if not token or not signature:
        return False
    return bool(RequestValidator(token).validate(url, params, signature))

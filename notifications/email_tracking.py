"""The email provider through django-anymail, the only module that imports it: its tracking webhooks
(anymail's own views, one per provider, under ``/notifications/webhooks/email/<provider>/tracking/``),
the receiver of its ``tracking`` signal, and what its send errors and status mean for the email
channel (``send_error``, ``provider_message_id``).

anymail checks the basic-auth ``ANYMAIL_WEBHOOK_SECRET`` (and the provider's signature where there is
one) but accepts anything when no secret is set, and answers a bad one with 400. Here both are a
403 with nothing changed: a webhook nobody can authenticate is refused.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailError,
    AnymailRecipientsRefused,
    AnymailWebhookValidationFailure,
)
from anymail.signals import AnymailTrackingEvent, tracking
from django.conf import settings
from django.core.mail import EmailMessage
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt

from notifications.channels.base import PermanentSendError, TransientSendError

logger = logging.getLogger(__name__)

# What the email channel catches around a send through anymail.
ProviderError = AnymailError

# 4xx answers that may succeed later: a timeout, a conflict, rate limits, and credentials (an
# operator fixes a rotated key; the message itself is fine).
_TRANSIENT_4XX = frozenset({401, 403, 408, 409, 425, 429})

View = Callable[..., HttpResponse]


def _authenticated_only(view: View) -> View:
    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
            logger.warning("email webhook refused: ANYMAIL_WEBHOOK_SECRET is not set")
            return HttpResponseForbidden("Webhook secret not configured.")
        try:
            return view(request, *args, **kwargs)
        except AnymailWebhookValidationFailure as exc:
            logger.warning("email webhook refused: %s", exc)
            return HttpResponseForbidden("Webhook not authenticated.")

    return csrf_exempt(guarded)


def tracking_urlpatterns() -> list[URLPattern]:
    """anymail's tracking routes (not its inbound ones: we receive no mail), each behind the guard."""
    from anymail import urls

    return [
        URLPattern(p.pattern, _authenticated_only(p.callback), p.default_args, p.name)
        for p in urls.urlpatterns
        if isinstance(p, URLPattern) and (p.name or "").endswith("_tracking_webhook")
    ]


@receiver(tracking, dispatch_uid="notifications.email_tracking")
def record_tracking_event(*, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any) -> None:
    from notifications.services.email import email_event_record

    email_event_record(
        message_id=event.message_id,
        event_type=str(event.event_type),
        recipient=event.recipient,
        reject_reason=str(event.reject_reason) if event.reject_reason else None,
        detail=" ".join(filter(None, [event.description, event.mta_response])),
    )


def send_error(exc: AnymailError) -> TransientSendError | PermanentSendError:
    """A provider's refusal: a 4xx that will never succeed is permanent; 429, 5xx, timeouts and
    refused connections (no status at all) are transient."""
    summary = f"{type(exc).__name__}: {str(exc)[:500]}"
    if isinstance(exc, AnymailRecipientsRefused):
        return PermanentSendError(summary)
    if isinstance(exc, AnymailConfigurationError):
        return TransientSendError(summary)  # the operator's to fix; the message waits
    if isinstance(exc, AnymailAPIError):
        status = exc.status_code
        if status is None or status >= 500 or status in _TRANSIENT_4XX:
            return TransientSendError(summary)
        return PermanentSendError(summary)
    return PermanentSendError(summary)  # an invalid address or a feature the provider lacks


def provider_message_id(message: EmailMessage) -> str:
    """The provider's id for the message (what its tracking webhooks name), when anymail sent it."""
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    if isinstance(message_id, set):  # one per recipient; ours have one recipient
        message_id = next(iter(message_id)) if len(message_id) == 1 else None
    return str(message_id) if message_id else ""

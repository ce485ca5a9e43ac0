"""The email provider's tracking webhooks: anymail's own views (one per provider, under
``/notifications/webhooks/email/<provider>/tracking/``) and the receiver of its ``tracking`` signal.

anymail checks the basic-auth ``ANYMAIL_WEBHOOK_SECRET`` (and the provider's signature where there is
one) but accepts anything when no secret is set, and answers a bad one with 400. Here both are a
403 with nothing changed: a webhook nobody can authenticate is refused.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import AnymailTrackingEvent, tracking
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)

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

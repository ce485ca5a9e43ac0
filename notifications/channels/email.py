"""Email: Django's email backend (console by default, SMTP with ``EMAIL_HOST``, or a provider through
django-anymail with ``EMAIL_PROVIDER``), a text and an HTML part, a ``Message-ID`` fixed per delivery
so a retry is recognisably the same mail, and RFC 8058 one-click unsubscribe headers.

What anymail's errors and send status mean comes from ``notifications.email_tracking``, the one module
that imports django-anymail.
"""

from __future__ import annotations

import smtplib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email

from notifications import email_tracking, kinds
from notifications.channels.base import Channel, PermanentSendError, TransientSendError
from notifications.rendering import render_email

if TYPE_CHECKING:
    from notifications.models import Delivery, Notification


class EmailChannel(Channel):
    name = "email"

    def address_for(self, notification: Notification) -> str | None:
        person = notification.user if notification.user_id is not None else notification.customer
        return (getattr(person, "email", "") or "").strip() or None

    def valid_address(self, address: str) -> bool:
        try:
            validate_email(address)
        except ValidationError:
            return False
        return True

    def message(self, delivery: Delivery, context: dict[str, Any]) -> EmailMultiAlternatives:
        kind = delivery.notification.kind
        rendered = render_email(kind, context)
        domain = settings.SITE_URL.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
        headers = {"Message-ID": f"<{delivery.pk}@{domain}>"}
        # Account mail (welcome) cannot be switched off, so it offers no unsubscribe.
        if kinds.get(kind).group in kinds.SWITCHABLE_GROUPS:
            headers["List-Unsubscribe"] = f"<{context['links']['unsubscribe']}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.address],
            headers=headers,
            connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
        )
        message.attach_alternative(rendered.html, "text/html")
        return message

    def send(self, delivery: Delivery, context: dict[str, Any]) -> str:
        message = self.message(delivery, context)
        try:
            message.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise PermanentSendError(f"recipient refused: {exc.recipients}") from exc
            raise TransientSendError(f"recipient refused for now: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentSendError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise TransientSendError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except email_tracking.ProviderError as exc:
            raise email_tracking.send_error(exc) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TransientSendError(f"{type(exc).__name__}: {exc}") from exc
        return email_tracking.provider_message_id(message) or message.extra_headers["Message-ID"].strip("<>")

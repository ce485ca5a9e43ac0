"""Register dj-stripe's webhook endpoint from a signing secret, without calling Stripe.

For operators who create the endpoint in Stripe's dashboard (and for tests). Prints the URL path
to give Stripe as its last line.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from djstripe.enums import WebhookEndpointStatus
from djstripe.models import WebhookEndpoint

from billing.receivers import HANDLED_EVENTS


class Command(BaseCommand):
    help = "Register a Stripe webhook endpoint from its signing secret (no Stripe call); prints its URL path."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--secret", default="", help="The endpoint's signing secret (whsec_...); default: STRIPE_WEBHOOK_SECRET."
        )
        parser.add_argument("--base-url", default="", help="Public base URL, e.g. https://app.example.com")

    def handle(self, *args: Any, secret: str, base_url: str, **options: Any) -> None:
        secret = secret or settings.STRIPE_WEBHOOK_SECRET
        if not re.fullmatch(r"whsec_[A-Za-z0-9+/=]{8,}", secret):
            raise CommandError("--secret must be a Stripe webhook signing secret (whsec_...).")
        endpoint = WebhookEndpoint.objects.filter(secret=secret).first()
        if endpoint is None:
            endpoint_uuid = uuid.uuid4()
            path = reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint_uuid})
            endpoint = WebhookEndpoint.objects.create(
                id=f"we_local_{endpoint_uuid.hex[:24]}",
                livemode=settings.STRIPE_LIVE_MODE,
                djstripe_uuid=endpoint_uuid,
                secret=secret,
                url=(base_url.rstrip("/") + path) if base_url else f"https://localhost{path}",
                status=WebhookEndpointStatus.enabled,
                enabled_events=list(HANDLED_EVENTS),
                api_version="",
                stripe_data={},
            )
            self.stdout.write(f"Registered webhook endpoint {endpoint.id}.")
        else:
            self.stdout.write(f"Webhook endpoint {endpoint.id} already has this secret.")
        self.stdout.write(reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint.djstripe_uuid}))

"""Create or update the Stripe Products and Prices behind the paid plans, then store them locally."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from billing import stripe_gateway
from billing.services import stripe_plans_sync


class Command(BaseCommand):
    help = "Create or update the Stripe Products and Prices for the paid plans (idempotent), then sync them."

    def handle(self, *args: Any, **options: Any) -> None:
        if not stripe_gateway.is_configured():
            raise CommandError("STRIPE_SECRET_KEY is not set.")
        try:
            report = stripe_plans_sync()
        except stripe_gateway.StripeGatewayError as exc:
            raise CommandError(exc.message) from exc
        for line in report:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Stripe plans are in sync." if report else "Nothing to change."))

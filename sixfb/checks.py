"""System checks of our own, run by `manage.py check` (and `--deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def debug_with_stripe_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """DEBUG must never run with real payment keys: dj-stripe then trusts unsigned webhooks."""
    if settings.DEBUG and (settings.STRIPE_SECRET_KEY or settings.STRIPE_WEBHOOK_SECRET):
        return [
            Error(
                "DEBUG is on while Stripe keys are configured.",
                hint=(
                    "With DEBUG, dj-stripe accepts a webhook secret sent in a request header, so anyone "
                    "could forge billing events. Set DJANGO_DEBUG=false, or unset STRIPE_SECRET_KEY and "
                    "STRIPE_WEBHOOK_SECRET."
                ),
                id="sixfb.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def production_services(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A deployment needs the shared production stack, not the single-process embedded defaults."""
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append(Error("The database is SQLite.", hint="Set DATABASE_URL to a PostgreSQL URL.", id="sixfb.E002"))
    if not settings.REDIS_URL:
        problems.append(
            Error(
                "The cache and channel layer are in-process.",
                hint="Set REDIS_URL so rate limits, live updates and websockets work across processes.",
                id="sixfb.E003",
            )
        )
    return problems

"""Error reporting through Sentry: the only module that imports ``sentry_sdk``.

Sentry is off unless ``SENTRY_DSN`` is set. When it is on, personal data is never sent
(``send_default_pii=False``), only the user's UUID identifies a user, and secrets that
travel in headers or bodies (API keys, Stripe signatures, webhook secrets) are scrubbed.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

# Keys Sentry blanks wherever they appear in an event (headers, bodies, locals), on top of
# its own list of passwords, tokens, cookies and the like. Lower-case: the scrubber compares so.
EXTRA_DENYLIST = [
    "stripe-signature",
    "http_stripe_signature",
    "stripe_signature",
    "x-djstripe-webhook-secret",
    "http_x_djstripe_webhook_secret",
    "webhook_secret",
    "stripe_secret_key",
    "stripe_webhook_secret",
    "openai_api_key",
    "posthog_api_key",
    "api_key",
    "apikey",
    "secret_key",
    "django_secret_key",
    "client_secret",
    "x-api-key",
    "authorization",
    "http_authorization",
]

_enabled = False


def init(*, dsn: str, environment: str, traces_sample_rate: float = 0.0) -> bool:
    """Start Sentry when a DSN is given; return whether it is on."""
    global _enabled
    if not dsn:
        _enabled = False
        return False

    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

    disabled = []
    try:
        # It records prompts and answers when PII is allowed; we never want chat text in Sentry.
        from sentry_sdk.integrations.openai import OpenAIIntegration

        disabled.append(OpenAIIntegration())
    except Exception:  # openai not installed yet: nothing to disable
        logger.debug("sentry: OpenAI integration unavailable, nothing to disable")

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration()],
        disabled_integrations=disabled,
        event_scrubber=EventScrubber(denylist=DEFAULT_DENYLIST + EXTRA_DENYLIST, recursive=True),
        max_request_body_size="never",
    )
    _enabled = True
    return True


def is_enabled() -> bool:
    return _enabled


def wrap_asgi(app: Any) -> Any:
    """Wrap an ASGI app (the websocket router) so Sentry sees its errors; unchanged when off."""
    if not _enabled:
        return app
    from sentry_sdk.integrations.asgi import SentryAsgiMiddleware

    return SentryAsgiMiddleware(app)


def set_user(user: Any) -> None:
    """Identify the current user by UUID only, never by email or IP."""
    if not _enabled:
        return
    import sentry_sdk

    sentry_sdk.set_user({"id": str(user.uuid)} if getattr(user, "is_authenticated", False) else None)


def capture_exception(error: BaseException) -> None:
    if _enabled:
        import sentry_sdk

        sentry_sdk.capture_exception(error)
    else:
        logger.error("unhandled error", exc_info=error)


def flush(timeout: float = 2.0) -> None:
    if _enabled:
        import sentry_sdk

        sentry_sdk.flush(timeout=timeout)

"""The Stripe calls dj-stripe does not make: the only module of ours that imports ``stripe``.

Checkout and customer-portal sessions, and the Products and Prices behind our plans. Every call
goes to ``settings.STRIPE_API_BASE`` (Stripe itself by default, a Stripe-compatible fake in
tests), which :func:`configure` also hands to dj-stripe through ``stripe.api_base``. Answers come
back as plain dicts; failures as :class:`StripeGatewayError`.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import stripe
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 15
MAX_NETWORK_RETRIES = 2


class StripeGatewayError(Exception):
    """Stripe refused or could not be reached; ``message`` is safe to show an owner."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class BillingNotConfigured(StripeGatewayError):
    pass


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def configure() -> None:
    """Point the stripe SDK (ours and dj-stripe's calls alike) at STRIPE_API_BASE, with timeouts."""
    stripe.api_base = settings.STRIPE_API_BASE.rstrip("/")
    # dj-stripe passes a key on most calls, but some defaults were read at its import time.
    stripe.api_key = settings.STRIPE_SECRET_KEY or None
    stripe.max_network_retries = MAX_NETWORK_RETRIES
    stripe.enable_telemetry = False
    stripe.default_http_client = stripe.new_default_http_client(timeout=TIMEOUT_SECONDS)


@receiver(setting_changed)
def _reconfigure_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    if setting in {"STRIPE_API_BASE", "STRIPE_SECRET_KEY"}:
        configure()


def api_key() -> str:
    if not is_configured():
        raise BillingNotConfigured("Billing is not configured on this server yet.", code="not_configured")
    return settings.STRIPE_SECRET_KEY


def _call(function: Any, /, **params: Any) -> dict[str, Any]:
    try:
        result = function(api_key=api_key(), **params)
    except stripe.StripeError as exc:
        log = logger.info if getattr(exc, "code", "") == "resource_missing" else logger.warning
        log("stripe: %s failed: %s", getattr(function, "__qualname__", function), exc)
        raise StripeGatewayError(
            "Stripe could not complete the request. Please try again in a minute.",
            code=getattr(exc, "code", "") or "",
        ) from exc
    return result.to_dict(for_json=True)


def webhook_signature_problem(*, payload: str, header: str, secret: str, tolerance: int) -> str:
    """Why a webhook's ``Stripe-Signature`` does not verify (Stripe's words), or "" when it does."""
    try:
        stripe.WebhookSignature.verify_header(payload, header, secret, tolerance)
    except stripe.SignatureVerificationError as exc:
        return exc.user_message or "signature mismatch"
    return ""


def is_missing(error: StripeGatewayError) -> bool:
    return error.code == "resource_missing"


# --- checkout and the customer portal ------------------------------------------------------


def checkout_session_create(
    *,
    customer_id: str,
    price_id: str,
    success_url: str,
    cancel_url: str,
    metadata: dict[str, str],
    client_reference_id: str,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "mode": "subscription",
        "customer": customer_id,
        "line_items": [{"price": price_id, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": metadata,
        "subscription_data": {"metadata": metadata},
        "client_reference_id": client_reference_id,
        "allow_promotion_codes": True,
    }
    if idempotency_key:
        params["idempotency_key"] = idempotency_key
    return _call(stripe.checkout.Session.create, **params)


def checkout_session_retrieve(*, session_id: str) -> dict[str, Any]:
    return _call(stripe.checkout.Session.retrieve, id=session_id)


def portal_session_create(*, customer_id: str, return_url: str) -> dict[str, Any]:
    return _call(stripe.billing_portal.Session.create, customer=customer_id, return_url=return_url)


# --- products and prices for our plans -----------------------------------------------------


def prices_by_lookup_keys(*, lookup_keys: list[str]) -> list[dict[str, Any]]:
    answer = _call(stripe.Price.list, lookup_keys=lookup_keys, active=True, limit=100)
    return answer.get("data", [])


def product_retrieve(*, product_id: str) -> dict[str, Any] | None:
    try:
        return _call(stripe.Product.retrieve, id=product_id)
    except StripeGatewayError as exc:
        if is_missing(exc):
            return None
        raise


def product_create(*, product_id: str, name: str, description: str, metadata: dict[str, str]) -> dict[str, Any]:
    return _call(stripe.Product.create, id=product_id, name=name, description=description, metadata=metadata)


def product_update(*, product_id: str, **fields: Any) -> dict[str, Any]:
    return _call(stripe.Product.modify, id=product_id, **fields)


def price_create(
    *, product_id: str, unit_amount: int, currency: str, interval: str, lookup_key: str, metadata: dict[str, str]
) -> dict[str, Any]:
    return _call(
        stripe.Price.create,
        product=product_id,
        unit_amount=unit_amount,
        currency=currency,
        recurring={"interval": interval},
        lookup_key=lookup_key,
        transfer_lookup_key=True,  # the key moves from the old price to the new one
        metadata=metadata,
    )


def price_deactivate(*, price_id: str) -> dict[str, Any]:
    return _call(stripe.Price.modify, id=price_id, active=False)


def subscription_item_price_set(*, subscription_id: str, item_id: str, price_id: str) -> dict[str, Any]:
    """Move a subscription to another plan's price (Stripe prorates by default)."""
    return _call(
        stripe.Subscription.modify,
        id=subscription_id,
        items=[{"id": item_id, "price": price_id}],
        proration_behavior="create_prorations",
        payment_behavior="error_if_incomplete",
    )


class translate_errors:
    """Turn the stripe SDK's exceptions raised inside dj-stripe into ours."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> Literal[False]:
        if exc is not None and isinstance(exc, stripe.StripeError):
            logger.warning("stripe (via dj-stripe): %s", exc)
            raise StripeGatewayError(
                "Stripe could not complete the request. Please try again in a minute.",
                code=getattr(exc, "code", "") or "",
            ) from exc
        return False

"""The guard in front of dj-stripe's webhook view.

dj-stripe stores each request that carries a ``Stripe-Signature`` header (its whole body and every
request header, in ``WebhookEventTrigger``) *before* it checks the signature, and logs a traceback
for each signature that fails. So a request is refused here, with nothing stored, when it is too big
or not signed by Stripe with the endpoint's secret; and what is handed over keeps only the headers
Stripe sends, never a credential a caller sent along (cookies, ``Authorization``...).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.http import HttpRequest

from billing import stripe_gateway
from billing.selectors import webhook_endpoint

# Stripe's events are well under 256 KB; twice that leaves room and bounds what a stranger can post.
MAX_BODY_BYTES = 512 * 1024
# The headers handed to dj-stripe (which stores them): Stripe's own, and the proxy's client address,
# which dj-stripe records as the sender. In request.META form; CONTENT_TYPE and CONTENT_LENGTH carry
# no HTTP_ prefix and are always kept.
KEPT_HEADERS = frozenset(
    {
        "HTTP_STRIPE_SIGNATURE",
        "HTTP_USER_AGENT",
        "HTTP_HOST",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_ENCODING",
        "HTTP_CACHE_CONTROL",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_FORWARDED_PROTO",
    }
)


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str  # for the caller
    reason: str  # for our log


def refusal_for(*, request: HttpRequest, endpoint_uuid: UUID) -> Refusal | None:
    """Why this request must not reach dj-stripe, or None when it may."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        # Stripe always sends Content-Length; without it the body's size is unknown until read.
        return Refusal(411, "length_required", "Send a Content-Length.", "no Content-Length")
    if length > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        message = f"Webhook bodies over {MAX_BODY_BYTES // 1024} KiB are refused."
        return Refusal(413, "payload_too_large", message, f"body of {length} bytes")
    signature = request.headers.get("Stripe-Signature", "")
    if not signature:
        return Refusal(400, "bad_signature", "The Stripe-Signature header is missing.", "no Stripe-Signature")
    endpoint = webhook_endpoint(uuid=endpoint_uuid)
    if endpoint is None:
        return Refusal(404, "not_found", "No such webhook endpoint.", "unknown endpoint")
    try:
        payload = request.body.decode(request.encoding or "utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "bad_signature", "The body is not UTF-8.", "body is not UTF-8")
    problem = stripe_gateway.webhook_signature_problem(
        payload=payload, header=signature, secret=endpoint.secret, tolerance=endpoint.djstripe_tolerance
    )
    if problem:
        return Refusal(400, "bad_signature", "The Stripe-Signature does not verify.", f"bad signature: {problem}")
    return None


def keep_stripe_headers(request: HttpRequest) -> None:
    """Drop every request header but Stripe's from ``request`` before dj-stripe stores them."""
    request.META = {k: v for k, v in request.META.items() if not k.startswith("HTTP_") or k in KEPT_HEADERS}
    request.__dict__.pop("headers", None)  # HttpRequest.headers is cached from META on first use

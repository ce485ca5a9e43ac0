"""Writes about billing: plans set by hand, Checkout, the portal, and syncing subscriptions.

Stripe calls dj-stripe does not make go through ``billing.stripe_gateway``; dj-stripe's own
(customers, retrieving and storing subscriptions, products and prices) are wrapped in
``stripe_gateway.translate_errors`` so callers only ever see ``StripeGatewayError``.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import mail_admins
from django.db import transaction
from django.utils import timezone
from djstripe.models import Customer, Price, Product, Subscription

from billing import stripe_gateway as gateway
from billing.entitlements import SOURCE_STRIPE, Entitlements, shop_entitlements
from billing.models import EnterpriseInquiry, Plan, ProcessedStripeEvent, ShopBilling
from billing.selectors import shop_customer, shop_subscription_facts
from billing.signals import invoice_paid, invoice_payment_failed, plan_changed
from billing.stripe_gateway import StripeGatewayError
from sixfb.lib import analytics
from sixfb.models import Membership, Shop, User

logger = logging.getLogger(__name__)

SHOP_METADATA_KEY = "shop_uuid"


class BillingError(Exception):
    """A refusal the owner can act on; ``message`` is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _shop_owner(shop: Shop) -> User | None:
    membership = shop.memberships.filter(role=Membership.Role.OWNER).select_related("user").order_by("pk").first()
    return membership.user if membership else None


# --- by hand -------------------------------------------------------------------------------


@transaction.atomic
def shop_plan_set_manually(
    *, shop: Shop, plan: Plan | None, max_agents: int | None = None, monthly_chats: int | None = None
) -> ShopBilling:
    """Put a shop on a plan by hand (admins; the no-Stripe default). Going down disables extra agents."""
    billing, _ = ShopBilling.objects.get_or_create(shop=shop)
    billing.manual_plan = plan
    billing.max_agents_override = max_agents
    billing.monthly_chats_override = monthly_chats
    billing.save()
    if analytics.is_enabled():  # the shop group carries its plan
        terms = shop_entitlements(shop=shop)
        analytics.identify_shop(shop, plan=terms.plan.slug, plan_status=terms.status)
    plan_changed.send(sender=Shop, shop=shop)
    return billing


@transaction.atomic
def enterprise_inquiry_create(
    *, shop: Shop | None, name: str, email: str, locations: int, message: str
) -> EnterpriseInquiry:
    inquiry = EnterpriseInquiry.objects.create(
        shop=shop, name=name.strip(), email=email.strip(), locations=locations, message=message.strip()
    )
    body = (
        f"{inquiry.name} <{inquiry.email}> asks about Enterprise.\n"
        f"Shop: {shop.name if shop else '(not signed in)'}\nLocations: {locations}\n\n{inquiry.message}\n"
    )
    transaction.on_commit(lambda: mail_admins(f"Enterprise inquiry from {inquiry.name}", body, fail_silently=True))
    return inquiry


# --- Stripe customer, Checkout and the portal ----------------------------------------------


def customer_get_or_create(*, shop: Shop) -> Customer:
    """The shop's Stripe Customer, created (through dj-stripe, linked to the shop) on first use."""
    customer = shop_customer(shop=shop)
    if customer is not None:
        return customer
    if not shop.email:
        owner = _shop_owner(shop)
        if owner is not None:
            shop.email = owner.email
            shop.save(update_fields=["email", "updated_at"])
    with gateway.translate_errors():
        customer, _created = Customer.get_or_create(
            subscriber=shop,
            livemode=settings.STRIPE_LIVE_MODE,
            api_key=gateway.api_key(),
            metadata={SHOP_METADATA_KEY: str(shop.uuid)},
        )
    return customer


def _price_id_for(plan: Plan) -> str:
    price = Price.objects.filter(lookup_key=plan.stripe_lookup_key, active=True).order_by("-created").first()
    if price is not None:
        return price.id
    prices = gateway.prices_by_lookup_keys(lookup_keys=[plan.stripe_lookup_key])
    if not prices:
        raise BillingError(f"The {plan.name} plan is not set up in Stripe yet. Please try again later.")
    return prices[0]["id"]


def checkout_session_create(*, shop: Shop, plan: Plan, success_url: str, cancel_url: str) -> str:
    """A Checkout Session for ``plan``; returns the URL to send the owner to."""
    price_id = _price_id_for(plan)
    customer = customer_get_or_create(shop=shop)
    metadata = {SHOP_METADATA_KEY: str(shop.uuid), "plan": plan.slug}
    session = gateway.checkout_session_create(
        customer_id=customer.id,
        price_id=price_id,
        success_url=success_url,
        cancel_url=cancel_url,
        metadata=metadata,
        client_reference_id=str(shop.uuid),
    )
    analytics.track(_shop_owner(shop), "checkout_started", shop=shop, plan=plan.slug)
    return session["url"]


def subscription_plan_change(*, shop: Shop, plan: Plan) -> Entitlements:
    """Move a shop that already pays to another paid plan, in place (no second subscription)."""
    facts = shop_subscription_facts(shop=shop)
    if facts is None:
        raise BillingError("There is no subscription to change.")
    subscription = Subscription.objects.get(id=facts.id)
    items = (subscription.stripe_data.get("items") or {}).get("data") or []
    if not items:
        raise BillingError("That subscription has no items to change.")
    gateway.subscription_item_price_set(subscription_id=facts.id, item_id=items[0]["id"], price_id=_price_id_for(plan))
    subscription_sync(subscription_id=facts.id)
    return shop_entitlements(shop=shop)


def checkout_session_complete(*, shop: Shop, session_id: str) -> Entitlements:
    """The success page: read the session back and sync its subscription now, not at the webhook.

    Safe whether or not the webhook got there first: the sync re-reads the subscription by id.
    """
    session = gateway.checkout_session_retrieve(session_id=session_id)
    customer = shop_customer(shop=shop)
    belongs = (session.get("metadata") or {}).get(SHOP_METADATA_KEY) == str(shop.uuid) or (
        customer is not None and session.get("customer") == customer.id
    )
    if not belongs:
        raise BillingError("That checkout belongs to another shop.")
    if session.get("status") != "complete" or not session.get("subscription"):
        raise BillingError("Your payment has not gone through yet. Your plan will update as soon as it does.")
    subscription_id = session["subscription"]
    if isinstance(subscription_id, dict):
        subscription_id = subscription_id["id"]
    subscription_sync(subscription_id=subscription_id)
    return shop_entitlements(shop=shop)


def portal_session_create(*, shop: Shop, return_url: str) -> str:
    customer = shop_customer(shop=shop)
    if customer is None:
        raise BillingError("There is no billing account for this shop yet. Choose a plan first.")
    return gateway.portal_session_create(customer_id=customer.id, return_url=return_url)["url"]


# --- syncing subscriptions -----------------------------------------------------------------


def _shop_for_subscription(subscription: Subscription, data: dict[str, Any]) -> Shop | None:
    customer = subscription.customer
    if customer is not None and customer.subscriber_id:
        return customer.subscriber
    shop_uuid = (data.get("metadata") or {}).get(SHOP_METADATA_KEY)
    shop = Shop.objects.filter(uuid=shop_uuid).first() if shop_uuid else None
    if shop is not None and customer is not None:
        # A customer made outside the app (the dashboard): link it to the shop named in the metadata.
        customer.subscriber = shop
        customer.save(update_fields=["subscriber"])
    return shop


@transaction.atomic
def subscription_sync(*, subscription_id: str) -> Shop | None:
    """Re-read a subscription from Stripe by id, store it (dj-stripe), then bring the shop in line."""
    with gateway.translate_errors():
        data = Subscription(id=subscription_id).api_retrieve(api_key=gateway.api_key())
        subscription = Subscription.sync_from_stripe_data(data, api_key=gateway.api_key())
    shop = _shop_for_subscription(subscription, subscription.stripe_data or {})
    if shop is None:
        logger.warning("billing: subscription %s belongs to no shop; stored, nothing else done", subscription_id)
        return None
    shop_billing_refresh(shop=shop)
    return shop


@transaction.atomic
def shop_billing_refresh(*, shop: Shop) -> Entitlements:
    """After a sync: note when payment first failed, record analytics for what changed, and
    disable (never delete) agents over the new plan's cap."""
    Shop.objects.lock(shop.pk)
    billing, _ = ShopBilling.objects.get_or_create(shop=shop)
    facts = shop_subscription_facts(shop=shop)
    status = facts.status if facts else ""
    if status == "past_due":
        billing.past_due_since = billing.past_due_since or timezone.now()
    else:
        billing.past_due_since = None
    billing.save(update_fields=["past_due_since", "updated_at"])

    entitlements = shop_entitlements(shop=shop)
    new_plan = entitlements.plan if entitlements.source == SOURCE_STRIPE else None
    old_plan, old_status = billing.synced_plan, billing.synced_status
    event, props = None, {}
    if status == "canceled" and old_status != "canceled":
        event, props = "subscription_canceled", {"plan": old_plan.slug if old_plan else ""}
    elif new_plan is not None and old_plan is None:
        event, props = "subscription_started", {"plan": new_plan.slug}
    elif new_plan is not None and old_plan is not None and new_plan.pk != old_plan.pk:
        event, props = "subscription_changed", {"from_plan": old_plan.slug, "plan": new_plan.slug}
    billing.synced_plan, billing.synced_status = new_plan, status
    billing.save(update_fields=["synced_plan", "synced_status", "updated_at"])
    if event:
        owner = _shop_owner(shop)
        if owner is not None:
            analytics.track(owner, event, shop=shop, status=status, **props)
    if (new_plan, status) != (old_plan, old_status):  # the shop group carries its plan
        analytics.identify_shop(shop, plan=entitlements.plan.slug, plan_status=entitlements.status)

    plan_changed.send(sender=Shop, shop=shop)
    return entitlements


def billing_limits_enforce() -> int:
    """Refresh every shop Stripe has given a status: a past_due grace period or a canceled
    subscription's paid period ends without Stripe sending anything, so agents over the Free cap
    are disabled (never deleted) here. One transaction per shop; returns how many were checked."""
    count = 0
    for billing in ShopBilling.objects.exclude(synced_status="").select_related("shop"):
        shop_billing_refresh(shop=billing.shop)
        count += 1
    return count


# --- webhooks ------------------------------------------------------------------------------


def subscription_id_in(event_type: str, obj: dict[str, Any]) -> str:
    """The subscription an event is about, in current and older API shapes."""
    if event_type.startswith("customer.subscription."):
        return str(obj.get("id") or "")
    value: Any = obj.get("subscription")
    if not value:
        parent = obj.get("parent") or {}
        value = (parent.get("subscription_details") or {}).get("subscription")
    if isinstance(value, dict):
        value = value.get("id")
    return str(value or "")


def stripe_event_handle(*, event_id: str, event_type: str, obj: dict[str, Any]) -> bool:
    """Our side of a webhook, once per event id. Runs inside dj-stripe's webhook transaction, so a
    failure rolls back and Stripe retries. Returns whether anything was done."""
    with transaction.atomic():
        _record, created = ProcessedStripeEvent.objects.get_or_create(event_id=event_id, defaults={"type": event_type})
        if not created:
            return False  # the same event again: already handled
        subscription_id = subscription_id_in(event_type, obj)
        shop = None
        if subscription_id:
            try:
                shop = subscription_sync(subscription_id=subscription_id)
            except StripeGatewayError as exc:
                if not gateway.is_missing(exc):
                    raise  # rolls the webhook back: Stripe retries
                # Deleted on Stripe's side (test data, usually): nothing left to sync.
                logger.warning(
                    "billing: %s names subscription %s, which Stripe no longer has", event_id, subscription_id
                )
        if shop is not None and event_type in INVOICE_SIGNALS:
            _invoice_announce(signal=INVOICE_SIGNALS[event_type], shop=shop, invoice=obj)
    return True


INVOICE_SIGNALS = {"invoice.paid": invoice_paid, "invoice.payment_failed": invoice_payment_failed}


def _invoice_announce(*, signal: Any, shop: Shop, invoice: dict[str, Any]) -> None:
    """After commit, tell the apps above about an invoice paid or failed (``billing.signals``)."""
    cents = invoice.get("amount_paid") if signal is invoice_paid else invoice.get("amount_due")
    # In the currency's main unit: zero-decimal currencies (JPY...) are not sold here.
    amount = (Decimal(int(cents or 0)) / 100).quantize(Decimal("0.01"))
    data = {
        "shop_id": shop.pk,
        "invoice_id": str(invoice.get("id") or ""),
        "amount": str(amount),
        "currency": str(invoice.get("currency") or "usd").upper(),
        "invoice_url": str(invoice.get("hosted_invoice_url") or ""),
    }
    transaction.on_commit(lambda: signal.send_robust(sender=Shop, **data))


# --- plans into Stripe ---------------------------------------------------------------------


def _product_id(plan: Plan) -> str:
    return f"sixfb_{plan.slug}"


def stripe_plans_sync() -> list[str]:
    """Create or update the Products and Prices for the paid plans, then store them (dj-stripe).

    Safe to run again: what already matches is left alone. A changed amount makes a new Price and
    moves the lookup key to it (Stripe prices are immutable); the old one is archived.
    """
    report = []
    for plan in Plan.objects.exclude(stripe_lookup_key="").exclude(price_cents=None).order_by("sort_order"):
        assert plan.price_cents is not None  # excluded above
        product_id = _product_id(plan)
        metadata = {"plan": plan.slug}
        product = gateway.product_retrieve(product_id=product_id)
        if product is None:
            product = gateway.product_create(
                product_id=product_id, name=f"6FB Agents {plan.name}", description=plan.tagline, metadata=metadata
            )
            report.append(f"created product {product_id}")
        elif product.get("name") != f"6FB Agents {plan.name}" or (product.get("description") or "") != plan.tagline:
            product = gateway.product_update(
                product_id=product_id, name=f"6FB Agents {plan.name}", description=plan.tagline
            )
            report.append(f"updated product {product_id}")
        prices = gateway.prices_by_lookup_keys(lookup_keys=[plan.stripe_lookup_key])
        price = prices[0] if prices else None
        matches = price is not None and (
            price.get("unit_amount") == plan.price_cents
            and price.get("currency") == plan.currency
            and (price.get("recurring") or {}).get("interval") == plan.interval
            and price.get("product") == product_id
        )
        if not matches:
            new_price = gateway.price_create(
                product_id=product_id,
                unit_amount=plan.price_cents,
                currency=plan.currency,
                interval=plan.interval,
                lookup_key=plan.stripe_lookup_key,
                metadata=metadata,
            )
            if price is not None:
                gateway.price_deactivate(price_id=price["id"])
            report.append(f"created price {new_price['id']} ({plan.stripe_lookup_key})")
            price = new_price
        with gateway.translate_errors():
            Product.sync_from_stripe_data(product, api_key=gateway.api_key())
            Price.sync_from_stripe_data(price, api_key=gateway.api_key())
    return report

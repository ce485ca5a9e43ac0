"""Reads about billing: plans, a shop's Stripe customer, subscription and invoices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from djstripe.models import Customer, Invoice, Price, Subscription, WebhookEndpoint

from billing.models import Plan
from billing.subscriptions import CANCELED, GRANTING, PAST_DUE, SubscriptionFacts, subscription_facts
from sixfb.models import Membership, Shop, User

if TYPE_CHECKING:
    from billing.entitlements import Entitlements  # entitlements imports this module at call time


def plans_public():
    return Plan.objects.public()


def plan_for_lookup_key(*, lookup_key: str) -> Plan | None:
    if not lookup_key:
        return None
    return Plan.objects.filter(stripe_lookup_key=lookup_key).first()


def plan_for_price(*, price_id: str, lookup_key: str = "") -> Plan | None:
    """The plan a Stripe Price stands for: by lookup key, else by the key dj-stripe stored for it."""
    plan = plan_for_lookup_key(lookup_key=lookup_key)
    if plan is None and price_id:
        stored = Price.objects.filter(id=price_id).values_list("lookup_key", flat=True).first()
        plan = plan_for_lookup_key(lookup_key=stored or "")
    return plan


def get_plan_for_checkout(*, slug: str) -> Plan:
    """A paid plan sold through Checkout; anything else (unknown, Free, Enterprise) is a 404."""
    plan = Plan.objects.filter(slug=slug).exclude(stripe_lookup_key="").first()
    if plan is None:
        raise Http404("No such plan.")
    return plan


def shop_customer(*, shop: Shop) -> Customer | None:
    return Customer.objects.filter(subscriber=shop, date_purged__isnull=True).order_by("-created").first()


def webhook_endpoint(*, uuid: UUID) -> WebhookEndpoint | None:
    """The endpoint a webhook URL names (``/stripe/webhook/<uuid>/``), if it is one of ours."""
    return WebhookEndpoint.objects.filter(djstripe_uuid=uuid).first()


def _rank(facts: SubscriptionFacts) -> int:
    if facts.status in GRANTING:
        return 0
    if facts.status == PAST_DUE:
        return 1
    if facts.status == CANCELED:
        return 2
    return 3


def shop_subscription_facts(*, shop: Shop) -> SubscriptionFacts | None:
    """The subscription that decides the shop's plan: live ones before past_due before canceled,
    newest first within each."""
    subscriptions = Subscription.objects.filter(customer__subscriber=shop)
    facts = [subscription_facts(s) for s in subscriptions]
    if not facts:
        return None
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    facts.sort(key=lambda f: (_rank(f), -(f.created or epoch).timestamp()))
    return facts[0]


@dataclass(frozen=True)
class InvoiceRow:
    number: str
    created: dt.datetime | None
    total_cents: int
    currency: str
    status: str
    url: str
    pdf: str

    @property
    def total_display(self) -> str:
        dollars, cents = divmod(self.total_cents, 100)
        return f"${dollars:,}.{cents:02d}"


def shop_invoices(*, shop: Shop, limit: int = 24) -> list[InvoiceRow]:
    rows = []
    for invoice in Invoice.objects.filter(customer__subscriber=shop).order_by("-created")[:limit]:
        data: dict[str, Any] = invoice.stripe_data or {}
        rows.append(
            InvoiceRow(
                number=str(data.get("number") or invoice.id),
                created=invoice.created,
                total_cents=int(data.get("total") or 0),
                currency=str(data.get("currency") or "usd").upper(),
                # Current API versions dropped ``paid``: the status says it.
                status=str(data.get("status") or ""),
                url=str(data.get("hosted_invoice_url") or ""),
                pdf=str(data.get("invoice_pdf") or ""),
            )
        )
    return rows


def get_shop_for_owner(*, user: User, shop: Shop | None) -> Shop:
    """The shop the person works in, if they own it: checkout and the portal are the owner's."""
    if shop is None:
        raise Http404("No shop.")
    if not Membership.objects.filter(shop=shop, user=user, role=Membership.Role.OWNER).exists():
        raise PermissionDenied("Only the shop's owner can change its plan.")
    return shop


def is_shop_owner(*, user: User, shop: Shop) -> bool:
    return Membership.objects.filter(shop=shop, user=user, role=Membership.Role.OWNER).exists()


def can_see_invoices(*, user: User, shop: Shop) -> bool:
    roles = (Membership.Role.OWNER, Membership.Role.MANAGER)
    return Membership.objects.filter(shop=shop, user=user, role__in=roles).exists()


def plan_includes(*, entitlements: Entitlements) -> list[str]:
    """What the shop's plan grants, in words, from its entitlements (per-shop Enterprise limits
    included): the billing page says it when the plan cannot be bought or changed online."""
    lines = []
    agents, chats = entitlements.max_agents, entitlements.monthly_chats
    if agents is None:
        lines.append("Unlimited agents")
    else:
        lines.append(f"{agents:,} agent" if agents == 1 else f"Up to {agents:,} agents")
    lines.append("Unlimited chats" if chats is None else f"{chats:,} chats a month")
    if entitlements.custom_agents:
        lines.append("Custom agents of your own")
    if entitlements.plan.support:
        lines.append(entitlements.plan.support)
    return lines

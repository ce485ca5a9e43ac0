"""Who a signed link in a message is for (``notifications.links``): a staff member still in the
shop, or one of that shop's customers. A token we did not make, or whose person is gone, is ``None``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from bookings.models import Customer
from notifications import links
from notifications.kinds import SWITCHABLE_GROUPS
from sixfb.models import Membership, Shop, User

GROUP_LABELS = {
    "bookings": "booking",
    "billing": "billing",
    "agents": "agent",
    "marketing": "offers and news",
    "summaries": "summary",
}


@dataclass(frozen=True)
class LinkTarget:
    shop: Shop
    user: User | None
    customer: Customer | None
    group: str  # "" on a preferences link

    @property
    def group_label(self) -> str:
        return GROUP_LABELS.get(self.group, self.group)


def link_target(token: str, *, needs_group: bool = False, customer_only: bool = False) -> LinkTarget | None:
    data = links.read_token(token)
    if data is None or not isinstance(data["r"], str) or not isinstance(data["s"], int):
        return None
    group = data["g"]
    if needs_group and group not in {g.value for g in SWITCHABLE_GROUPS}:
        return None
    kind, _, ident = data["r"].partition(":")
    shop = Shop.objects.filter(pk=data["s"]).first()
    if shop is None:
        return None
    if kind == "customer":
        try:
            customer_id = uuid.UUID(ident)
        except ValueError:
            return None
        customer = Customer.objects.filter(pk=customer_id, shop=shop).first()
        return LinkTarget(shop=shop, user=None, customer=customer, group=group) if customer else None
    if kind != "user" or customer_only or not ident.isdigit():
        return None
    member = Membership.objects.filter(shop=shop, user_id=int(ident)).select_related("user").first()
    return LinkTarget(shop=shop, user=member.user, customer=None, group=group) if member else None


# What a customer can switch on their preferences page: (group, channel) in display order.
CUSTOMER_SWITCHES = (("bookings", "email"), ("bookings", "sms"), ("marketing", "email"), ("marketing", "sms"))


def customer_choices(customer: Customer) -> dict[str, dict[str, bool]]:
    """The switches as the customer sees them: their preferences over the defaults, and marketing
    email on only with their consent (without it none is sent, whatever the switch says)."""
    from notifications import preferences
    from notifications.kinds import Audience
    from notifications.models import Preference

    saved = Preference.objects.filter(customer=customer).first()
    effective = preferences.effective(audience=Audience.CUSTOMER, preference=saved)
    choices: dict[str, dict[str, bool]] = {}
    for group, channel in CUSTOMER_SWITCHES:
        choices.setdefault(group, {})[channel] = effective.channels[group][channel]
    choices["marketing"]["email"] = choices["marketing"]["email"] and customer.email_consent_at is not None
    return choices

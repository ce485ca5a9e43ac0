"""The dashboard's first-run checklist: the four things a new shop does first, read from its own rows.

It lives in insights because it reads agents, chat and billing, which sixfb (whose view draws the
dashboard) may not import; insights reads from the others and reaches the dashboard as a panel
(``sixfb.dashboard``), registered in ``InsightsConfig.ready``. "Hide" (``insights.services.
checklist_dismiss``) puts it away for one person in one shop, on every device.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpRequest
from django.urls import reverse
from djstripe.models import Subscription

from agents.models import ShopAgent
from billing.models import Plan, ShopBilling
from billing.subscriptions import GRANTING, PAST_DUE
from chat.models import Message
from insights.models import ChecklistDismissal
from sixfb.models import Membership, Shop, User, default_business_hours

TEMPLATE = "dashboard/_checklist.html"


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    url: str
    action: str


@dataclass(frozen=True)
class Checklist:
    steps: tuple[Step, ...]
    hidden: bool = False  # the person chose "Hide"

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps)


def hours_set(hours: object) -> bool:
    """The shop has told us its hours: some day open, and not the Monday to Saturday, 9 to 6, every shop starts with."""
    if not isinstance(hours, dict) or hours == default_business_hours():
        return False
    return any(isinstance(day, dict) and not day.get("closed") for day in hours.values())


def first_run_checklist(*, shop: Shop, user: User) -> Checklist | None:
    """The checklist for someone who can act on it (the shop's owner or a manager), else None.

    One query: each step is an EXISTS on the shop's own rows, beside the person's role.
    """
    shop_ref = OuterRef("pk")
    enabled = ShopAgent.objects.filter(shop=shop_ref).enabled()
    facts = (
        Shop.objects.filter(pk=shop.pk)
        .annotate(
            role=Subquery(Membership.objects.filter(shop=shop_ref, user=user).values("role")[:1]),
            first_agent=Subquery(enabled.order_by("agent__sort_order", "agent__name").values("agent__slug")[:1]),
            hidden=Exists(ChecklistDismissal.objects.filter(shop=shop_ref, user=user)),
            asked=Exists(Message.objects.filter(shop=shop_ref, role=Message.Role.USER)),
            # A paid plan set by hand, or a subscription that grants (or, past due, still keeps) one.
            paid_by_hand=Exists(
                ShopBilling.objects.filter(shop=shop_ref, manual_plan__isnull=False).exclude(
                    manual_plan__slug=Plan.FREE
                )
            ),
            subscribed=Exists(
                Subscription.objects.filter(
                    customer__subscriber=shop_ref, stripe_data__status__in=[*GRANTING, PAST_DUE]
                )
            ),
        )
        .values("role", "hidden", "first_agent", "asked", "paid_by_hand", "subscribed", "business_hours")
        .first()
    )
    if facts is None or facts["role"] not in {Membership.Role.OWNER, Membership.Role.MANAGER}:
        return None
    first_agent = facts["first_agent"]
    ask_url = reverse("agent_detail", kwargs={"slug": first_agent}) if first_agent else reverse("agents")
    return Checklist(
        hidden=facts["hidden"],
        steps=(
            Step("agent", "Enable an agent", first_agent is not None, reverse("agents"), "Choose agents"),
            Step("question", "Ask your first question", facts["asked"], ask_url, "Try asking"),
            Step(
                "hours",
                "Set your opening hours",
                hours_set(facts["business_hours"]),
                reverse("shop_settings", kwargs={"shop_slug": shop.slug}),
                "Set hours",
            ),
            Step(
                "plan", "Choose a plan", facts["paid_by_hand"] or facts["subscribed"], reverse("pricing"), "See plans"
            ),
        ),
    )


def checklist_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """The dashboard panel: the checklist until every step is done, or the person hides it."""
    shop = getattr(request, "shop", None)
    if shop is None:
        return None
    checklist = first_run_checklist(shop=shop, user=request.user)  # type: ignore[arg-type]
    if checklist is None or checklist.complete or checklist.hidden:
        return None
    return TEMPLATE, {"checklist": checklist}

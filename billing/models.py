"""Plans and the plan a shop is on. Limits are read only through ``billing.entitlements``."""

from __future__ import annotations

from django.db import models

from sixfb.models import Shop


class PlanQuerySet(models.QuerySet["Plan"]):
    def public(self) -> PlanQuerySet:
        return self.filter(is_public=True).order_by("sort_order")


class Plan(models.Model):
    """A plan and its limits. ``None`` for a limit means unlimited."""

    FREE = "free"

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    tagline = models.CharField(max_length=160, blank=True)
    price_cents = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: custom pricing.")
    currency = models.CharField(max_length=3, default="usd")
    interval = models.CharField(max_length=10, default="month")
    max_agents = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unlimited.")
    monthly_chats = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unlimited.")
    custom_agents = models.BooleanField(default=False, help_text="Shops may create agents of their own.")
    support = models.CharField(max_length=80, blank=True)
    features = models.JSONField(default=list, blank=True, help_text="Bullet points shown on the pricing page.")
    stripe_lookup_key = models.CharField(
        max_length=100, blank=True, help_text="Lookup key of the Stripe Price for this plan (paid plans)."
    )
    limits_set_per_shop = models.BooleanField(
        default=False, help_text="Enterprise: limits come from the shop's billing settings."
    )
    is_public = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return self.price_cents == 0

    @property
    def price_display(self) -> str:
        if self.price_cents is None:
            return "Custom"
        dollars, cents = divmod(self.price_cents, 100)
        return f"${dollars:,}" if cents == 0 else f"${dollars:,}.{cents:02d}"


class ShopBilling(models.Model):
    """A shop's billing settings: a plan set by hand (no Stripe), and per-shop Enterprise limits."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="billing")
    manual_plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Put the shop on this plan by hand. A live Stripe subscription takes precedence.",
    )
    max_agents_override = models.PositiveIntegerField(null=True, blank=True, help_text="Enterprise agent limit.")
    monthly_chats_override = models.PositiveIntegerField(null=True, blank=True, help_text="Enterprise chat limit.")
    # What the last subscription sync saw: to tell started/changed/canceled apart, and when a
    # payment first failed (the grace period runs from there).
    synced_plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    synced_status = models.CharField(max_length=32, blank=True, editable=False)
    past_due_since = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "shop billing"
        verbose_name_plural = "shop billing"

    def __str__(self) -> str:
        return f"Billing of {self.shop}"


class ProcessedStripeEvent(models.Model):
    """A Stripe event whose side effects (ours, not dj-stripe's) are done: each runs once."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=255)
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-processed_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class EnterpriseInquiry(models.Model):
    """A request to talk about Enterprise terms; the admins are emailed."""

    shop = models.ForeignKey(Shop, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    locations = models.PositiveSmallIntegerField(default=1)
    message = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "enterprise inquiries"

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

"""The agent catalog (platform agents and shops' custom agents) and the agents a shop works with."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from sixfb.models import Shop

ICON_CHOICES = [
    ("coach", "Chart (coaching)"),
    ("megaphone", "Megaphone (marketing)"),
    ("money", "Coin (finance)"),
    ("people", "People (customers)"),
    ("pen", "Pen (content)"),
    ("calendar", "Calendar (bookings)"),
    ("agents", "Robot (general)"),
]


class AgentQuerySet(models.QuerySet["Agent"]):
    def catalog(self) -> AgentQuerySet:
        """Platform agents offered to every shop."""
        return self.filter(shop__isnull=True).exclude(status=Agent.Status.RETIRED)

    def for_shop(self, shop: Shop) -> AgentQuerySet:
        """What a shop may see and use: the platform catalog plus its own custom agents."""
        return self.filter(Q(shop__isnull=True) | Q(shop=shop)).exclude(status=Agent.Status.RETIRED)


class Agent(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        BUSY = "busy", "Busy"
        PAUSED = "paused", "Paused"
        MAINTENANCE = "maintenance", "Maintenance"
        RETIRED = "retired", "Retired"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    persona_name = models.CharField(max_length=40, blank=True, help_text="The name the agent goes by, e.g. Marcus.")
    role = models.CharField(max_length=80, help_text="e.g. Financial advisor")
    description = models.CharField(max_length=200, help_text="One line shown on the agent's card.")
    icon = models.CharField(max_length=20, choices=ICON_CHOICES, default="agents")
    system_prompt = models.TextField()
    model = models.CharField(max_length=100, blank=True, help_text="Empty: the server's OPENAI_MODEL.")
    temperature = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(0), MaxValueValidator(2)],
    )
    max_output_tokens = models.PositiveIntegerField(
        default=900, validators=[MinValueValidator(16), MaxValueValidator(16000)]
    )
    starter_prompts = models.JSONField(default=list, blank=True, help_text="Suggested first questions (a list).")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    shop = models.ForeignKey(
        Shop,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="custom_agents",
        help_text="Set for a shop's own custom agent; empty for the platform catalog.",
    )
    sort_order = models.PositiveSmallIntegerField(default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgentQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_custom(self) -> bool:
        return self.shop_id is not None

    @property
    def is_available(self) -> bool:
        """Can take a new conversation (busy agents still answer; they are just working)."""
        return self.status in {self.Status.ACTIVE, self.Status.BUSY}


class ShopAgentQuerySet(models.QuerySet["ShopAgent"]):
    def enabled(self) -> ShopAgentQuerySet:
        return self.filter(enabled=True).exclude(agent__status=Agent.Status.RETIRED)


class ShopAgent(models.Model):
    """A shop's choice to work with an agent, with its own name for it and extra instructions."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="shop_agents")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="shop_agents")
    enabled = models.BooleanField(default=True)
    display_name = models.CharField(max_length=80, blank=True, help_text="The shop's own name for this agent.")
    instructions = models.TextField(
        blank=True, max_length=4000, help_text="Added after the agent's own instructions, never replacing them."
    )
    enabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopAgentQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "agent"], name="shop_agent_unique")]
        ordering = ["agent__sort_order", "agent__name"]

    def __str__(self) -> str:
        return f"{self.name} at {self.shop}"

    @property
    def name(self) -> str:
        return self.display_name or self.agent.name

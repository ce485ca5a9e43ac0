"""Daily rollups for the operators' cost dashboard, and the budget alerts already sent; and who hid
the dashboard's first-run checklist.

One row per UTC day and key, written by ``insights.tasks.rollup_costs`` (a day re-rolled replaces
its rows), so the page sums a few thousand rows instead of a year of messages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from agents.models import Agent
from sixfb.models import Shop


class DailyAiCost(models.Model):
    """Assistant replies of one day, shop, agent and model: counts, tokens and what they cost."""

    day = models.DateField()
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=100, blank=True)
    messages = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    estimated = models.PositiveIntegerField(default=0, help_text="Replies whose usage was estimated.")
    errors = models.PositiveIntegerField(default=0)
    prompt_tokens = models.PositiveBigIntegerField(default=0)
    completion_tokens = models.PositiveBigIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=6, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "shop", "agent", "model"], name="insights_daily_ai_cost_key")
        ]
        indexes = [models.Index(fields=["day"], name="insights_daily_ai_cost_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.shop_id} {self.agent_id} {self.model}"


class DailyAiError(models.Model):
    """Replies that ended in an error, by day, shop and error code."""

    day = models.DateField()
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "shop", "code"], name="insights_daily_ai_error_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.code} x{self.count}"


class DailyTtft(models.Model):
    """Time to first token as a histogram: replies of a day and model whose first token came within
    ``bucket_ms`` (and after the bucket below it). Summing buckets over days gives a period's p50/p95
    to the bucket's width (``insights.costs.rollup.TTFT_BUCKETS_MS``)."""

    day = models.DateField()
    model = models.CharField(max_length=100, blank=True)
    bucket_ms = models.PositiveIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "model", "bucket_ms"], name="insights_daily_ttft_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.model} ≤{self.bucket_ms} ms x{self.count}"


class DailyMessaging(models.Model):
    """Notification deliveries sent, by day, shop and channel (email, sms, in_app)."""

    day = models.DateField()
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8)
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "shop", "channel"], name="insights_daily_messaging_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel} x{self.sent}"


class DailyUsage(models.Model):
    """Service use of one day. Sizes are measured when the day is rolled up while it is today
    (``None`` for a day first rolled up later); the live counters come from the live hub."""

    day = models.DateField(unique=True)
    db_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    redis_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    realtime_messages = models.PositiveBigIntegerField(default=0)
    peak_sockets = models.PositiveIntegerField(default=0)
    emails = models.PositiveIntegerField(default=0)
    sms = models.PositiveIntegerField(default=0)
    rolled_up_at = models.DateTimeField()

    class Meta:
        ordering = ["-day"]
        verbose_name_plural = "daily usage"

    def __str__(self) -> str:
        return str(self.day)


class BudgetAlert(models.Model):
    """An alert sent: a metric's month-to-date crossed a threshold (80 or 100 % of its budget)."""

    month = models.DateField(help_text="The first day of the month.")
    metric = models.CharField(max_length=32)
    threshold = models.PositiveSmallIntegerField(help_text="Percent of the budget.")
    used = models.DecimalField(max_digits=20, decimal_places=6)
    budget = models.DecimalField(max_digits=20, decimal_places=6)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "metric", "threshold"]
        constraints = [
            models.UniqueConstraint(fields=["month", "metric", "threshold"], name="insights_budget_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.metric} {self.threshold}%"


class ChecklistDismissal(models.Model):
    """Someone hid the dashboard's first-run checklist for a shop (``insights.checklist``)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "user"], name="checklist_dismissal_unique")]

    def __str__(self) -> str:
        return f"checklist hidden by {self.user_id} in {self.shop_id}"

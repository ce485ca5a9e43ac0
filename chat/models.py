"""Conversations with agents, their messages (with usage and cost), and the model price table."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from agents.models import Agent
from chat.llm import DEMO_MODEL
from sixfb.models import Shop, User


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def for_user(self, user: object) -> ConversationQuerySet:
        """A conversation is private to the person who started it (the legacy "own chats" rule), and
        only while they are still a member of its shop."""
        if not isinstance(user, User):  # AnonymousUser (or None): nobody signed in
            return self.none()
        return self.filter(user=user, shop__memberships__user=user, deleted_at__isnull=True)


class Conversation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="conversations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="conversations")
    title = models.CharField(max_length=120, blank=True)
    # Deleting hides the conversation but keeps its messages, so this month's chat count stays true.
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["user", "-updated_at"])]

    def __str__(self) -> str:
        return self.title or f"Conversation {self.uuid}"

    @property
    def display_title(self) -> str:
        return self.title or "New conversation"


class MessageQuerySet(models.QuerySet["Message"]):
    def visible(self) -> MessageQuerySet:
        """What the conversation shows: regenerated (replaced) answers are kept for metering only."""
        return self.filter(superseded=False)

    def chats(self) -> MessageQuerySet:
        """Assistant replies that count as a chat: every attempt, except one that failed before any
        text, and the outcomes of approved or declined actions (no model wrote them)."""
        return (
            self.filter(role=Message.Role.ASSISTANT)
            .exclude(Q(status=Message.Status.ERROR) & Q(content=""))
            .exclude(finish_reason=Message.POSTED)
        )


class Message(models.Model):
    # The finish reason of an assistant message no model wrote (``message_post``): not a chat.
    POSTED = "posted"

    class Role(models.TextChoices):
        USER = "user", "User"
        ASSISTANT = "assistant", "Assistant"

    class Status(models.TextChoices):
        STREAMING = "streaming", "Streaming"
        COMPLETE = "complete", "Complete"
        STOPPED = "stopped", "Stopped"
        ERROR = "error", "Error"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    # Denormalised so metering a shop's month is one indexed query.
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices)
    content = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.COMPLETE)
    superseded = models.BooleanField(default=False, help_text="Replaced by a regenerated answer.")
    model = models.CharField(max_length=100, blank=True)
    prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    completion_tokens = models.PositiveIntegerField(null=True, blank=True)
    usage_estimated = models.BooleanField(default=False)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    time_to_first_token_ms = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    finish_reason = models.CharField(max_length=32, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    # While streaming: the process writing the answer renews this every second; the stale sweep
    # takes only answers whose lease ran out, so an answer with a live owner is never swept.
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["shop", "role", "created_at"]),
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["status", "lease_expires_at"], name="chat_message_lease_idx"),
        ]
        constraints = [
            # One generation at a time per conversation, enforced by the database.
            models.UniqueConstraint(
                fields=["conversation"], condition=Q(status="streaming"), name="chat_one_streaming_per_conversation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.uuid}"

    @property
    def is_demo_answer(self) -> bool:
        """Written by the demo provider (no model configured): labelled "Demo answer" on the page."""
        return self.role == self.Role.ASSISTANT and self.model == DEMO_MODEL


class ModelPriceQuerySet(models.QuerySet["ModelPrice"]):
    def effective_for(self, model: str, *, on: object) -> ModelPrice | None:
        """The newest price in effect ``on`` that date for ``model`` (or the longest name prefix of it,
        so a dated snapshot such as ``gpt-4o-mini-2024-07-18`` takes its family's price)."""
        candidates = [
            p for p in self.filter(effective_from__lte=on).order_by("-effective_from") if model.startswith(p.model)
        ]
        if not candidates:
            return None
        longest = max(len(p.model) for p in candidates)
        return next(p for p in candidates if len(p.model) == longest)


class ModelPrice(models.Model):
    """What a model costs per million tokens from a date on; edited in the admin."""

    model = models.CharField(max_length=100, help_text="A model name, or a prefix of dated snapshot names.")
    effective_from = models.DateField()
    input_per_million_usd = models.DecimalField(max_digits=10, decimal_places=4)
    output_per_million_usd = models.DecimalField(max_digits=10, decimal_places=4)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ModelPriceQuerySet.as_manager()

    class Meta:
        ordering = ["model", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["model", "effective_from"], name="chat_model_price_unique")]

    def __str__(self) -> str:
        return f"{self.model} from {self.effective_from}"

    def cost(self, *, prompt_tokens: int, completion_tokens: int) -> Decimal:
        million = Decimal(1_000_000)
        total = (
            Decimal(prompt_tokens) * self.input_per_million_usd
            + Decimal(completion_tokens) * self.output_per_million_usd
        ) / million
        return total.quantize(Decimal("0.000001"))

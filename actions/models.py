"""The catalog (which agent may call which tool), the audit of every call, and proposals."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from agents.models import Agent
from chat.models import Conversation, Message
from sixfb.models import Shop


class AgentTool(models.Model):
    """Agent ``agent`` may call tool ``tool`` (a name in actions.registry). Edited in the admin."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="tools")
    tool = models.CharField(max_length=64)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agent", "tool"], name="actions_agenttool_unique")]
        ordering = ["agent__sort_order", "tool"]

    def __str__(self) -> str:
        return f"{self.agent.slug}: {self.tool}"


class ToolCallQuerySet(models.QuerySet["ToolCall"]):
    def for_shop(self, shop: Shop) -> ToolCallQuerySet:
        return self.filter(shop=shop)


class ToolCall(models.Model):
    """One call the model made while writing ``message``: what it asked, what came of it."""

    class Status(models.TextChoices):
        DONE = "done", "Done"
        ERROR = "error", "Error"
        PROPOSED = "proposed", "Proposed"  # a write tool: a Proposal waits for a person

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="tool_calls")
    call_id = models.CharField(max_length=64)  # the model's id for the call
    round = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=64)
    arguments = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    summary = models.CharField(max_length=300, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    result_chars = models.PositiveIntegerField(default=0)  # the size of what the model read back
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ToolCallQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["shop", "-created_at"], name="actions_toolcall_shop_recent")]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def for_shop(self, shop: Shop) -> ProposalQuerySet:
        return self.filter(shop=shop)


class Proposal(models.Model):
    """A change the agent proposed; nothing is written until a person approves it, once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        DONE = "done", "Approved and done"
        FAILED = "failed", "Approved, but it could not be done"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the public id
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="proposals")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="proposals")
    tool_call = models.OneToOneField(
        ToolCall, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal"
    )
    tool = models.CharField(max_length=64)
    arguments = models.JSONField(default=dict, blank=True)  # checked by the tool's ``propose``
    summary = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)  # what happened: {"summary": ...} or {"code", "message"}
    result_message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["shop", "status"], name="actions_proposal_shop_status"),
            models.Index(fields=["status", "expires_at"], name="actions_proposal_expiry"),
        ]

    def __str__(self) -> str:
        return self.summary

"""Notifications: what happened, for whom (``Notification``), and how it went out on each channel
(``Delivery``); each recipient's choices (``Preference``) and addresses that must not be written to
again (``Suppression``). The kinds themselves are code: ``notifications.kinds``."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bookings.models import Customer
from sixfb.models import Shop


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: Any) -> NotificationQuerySet:
        """A person's inbox: their notifications from the shops they still belong to."""
        return self.filter(user=user, shop__memberships__user=user)

    def visible(self, now: Any = None) -> NotificationQuerySet:
        """Not archived, and not snoozed into the future."""
        now = now or timezone.now()
        return self.filter(archived_at__isnull=True).filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now))

    def unseen(self) -> NotificationQuerySet:
        return self.visible().filter(seen_at__isnull=True)

    def unread(self) -> NotificationQuerySet:
        return self.visible().filter(read_at__isnull=True)


class Notification(models.Model):
    """One event for one recipient: a user of the shop, or one of its customers (by their contact).

    ``dedupe_key`` makes an event that fires again (a webhook retried, a signal sent twice) the same
    notification for the same recipient. ``payload`` is JSON with what the templates need, no secrets.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=48, db_index=True)
    payload = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200)
    recipient_key = models.CharField(max_length=64, editable=False, help_text="user:<id> or customer:<uuid>.")
    inbox = models.BooleanField(default=False, help_text="Shown in the person's notification center.")
    # A delivery not sent by then is skipped (past_due): a reminder after its appointment is noise.
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "recipient_key", "dedupe_key"], name="notification_dedupe"),
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(customer__isnull=True))
                | (Q(user__isnull=True) & Q(customer__isnull=False)),
                name="notification_one_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox_idx"),
            models.Index(fields=["customer", "-created_at"], name="notification_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_key}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.recipient_key = recipient_key_for(user_id=self.user_id, customer_id=self.customer_id)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def recipient_key_for(*, user_id: int | None, customer_id: uuid.UUID | str | None) -> str:
    return f"user:{user_id}" if user_id is not None else f"customer:{customer_id}"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In-app"
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"


class Delivery(models.Model):
    """One notification on one channel, from queued to sent (or failed, or skipped with its reason)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    class Reason(models.TextChoices):
        NONE = "", "—"
        PREFERENCE_OFF = "preference_off", "Switched off in preferences"
        NO_CONSENT = "no_consent", "No consent"
        NO_ADDRESS = "no_address", "No address"
        INVALID_ADDRESS = "invalid_address", "Invalid address"
        SUPPRESSED = "suppressed", "Address suppressed (bounce, complaint or unsubscribe)"
        OBSOLETE = "obsolete", "No longer true (the appointment moved or was cancelled)"
        PAST_DUE = "past_due", "Past due"
        CHANNEL_OFF = "channel_off", "Channel switched off"
        PERMANENT_ERROR = "permanent_error", "The provider refused it"
        TOO_MANY_ATTEMPTS = "too_many_attempts", "Gave up after the last attempt"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(max_length=24, choices=Reason.choices, blank=True, default="")
    address = models.CharField(max_length=254, blank=True, help_text="Where it goes: an email or an E.164 phone.")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True, help_text="While sending: when a sweep may take it back.")
    last_error = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    provider_status = models.CharField(
        max_length=32, blank=True, help_text="The provider's last word: delivered, bounced…"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_one_per_channel")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["status", "lease_until"], name="delivery_lease_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.status} ({self.notification_id})"


class Preference(models.Model):
    """A recipient's choices: channels per kind group (overrides over the defaults) and quiet hours.

    One row per staff member and shop, or per customer; missing means the defaults
    (``notifications.preferences``).
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="notification_preferences")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    customer = models.OneToOneField(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="notification_preference"
    )
    channels = models.JSONField(default=dict, blank=True, help_text='{"bookings": {"email": false}, ...}')
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "user"], condition=Q(user__isnull=False), name="preference_per_member"
            ),
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(customer__isnull=True))
                | (Q(user__isnull=True) & Q(customer__isnull=False)),
                name="preference_one_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"preferences of {self.user_id or self.customer_id}"


class Suppression(models.Model):
    """An address not to write to again on a channel: a hard bounce, a complaint, an unsubscribe
    from everything, or an SMS STOP. Shop-wide for a customer's phone (STOP answers the shop's number)."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    address = models.CharField(max_length=254)
    reason = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "address"], name="suppression_unique")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address} ({self.reason})"

"""Notifications in the admin: what was sent to whom, on which channel, and why not; "send again" for
a failed or skipped delivery. History is read-only: it records what happened."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from notifications.models import Delivery, Notification, Preference, Suppression
from notifications.services.deliveries import delivery_send_again

DELIVERY_FIELDS = (
    "channel",
    "status",
    "reason",
    "address",
    "attempts",
    "next_attempt_at",
    "lease_until",
    "sent_at",
    "provider_message_id",
    "provider_status",
    "last_error",
    "created_at",
    "updated_at",
)


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryInline(ReadOnlyMixin, admin.TabularInline):
    model = Delivery
    fields = DELIVERY_FIELDS
    readonly_fields = DELIVERY_FIELDS
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["kind", "recipient_key", "shop", "created_at", "read_at", "inbox"]
    list_filter = ["kind", "inbox", ("created_at", admin.DateFieldListFilter), "shop"]
    list_select_related = ["shop"]
    search_fields = [
        "user__email",
        "customer__email",
        "customer__phone",
        "dedupe_key",
        "deliveries__provider_message_id",
    ]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]
    show_full_result_count = False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["notification", "channel", "status", "reason", "address", "attempts", "sent_at", "created_at"]
    list_filter = [
        "channel",
        "status",
        "reason",
        "notification__kind",
        "notification__shop",
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["notification"]
    search_fields = ["address", "provider_message_id", "notification__user__email", "notification__customer__phone"]
    readonly_fields = ("notification", *DELIVERY_FIELDS)
    actions = ["send_again"]
    show_full_result_count = False

    @admin.action(description="Send again (failed or skipped deliveries)")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        sent = sum(delivery_send_again(delivery=delivery) for delivery in queryset)
        left = queryset.count() - sent
        self.message_user(request, f"{sent} delivery(ies) queued to send again.", messages.SUCCESS)
        if left:
            self.message_user(
                request,
                f"{left} left as they were: only failed or skipped email and SMS deliveries are sent again.",
                messages.WARNING,
            )


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "shop", "user", "customer", "quiet_hours_start", "quiet_hours_end", "updated_at"]
    list_filter = ["shop"]
    list_select_related = ["shop", "user", "customer"]
    search_fields = ["user__email", "customer__email", "customer__phone"]
    raw_id_fields = ["shop", "user", "customer"]


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["channel", "address", "reason", "created_at"]
    list_filter = ["channel", "reason"]
    search_fields = ["address"]

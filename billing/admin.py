from __future__ import annotations

from django.contrib import admin

from billing.models import EnterpriseInquiry, Plan, ProcessedStripeEvent, ShopBilling
from billing.services import shop_plan_set_manually


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "price_display", "max_agents", "monthly_chats", "custom_agents", "is_public"]
    list_editable = ["is_public"]
    ordering = ["sort_order"]


@admin.register(ShopBilling)
class ShopBillingAdmin(admin.ModelAdmin):
    """Put a shop on any plan by hand (no Stripe needed); Enterprise limits are set here too."""

    list_display = ["shop", "manual_plan", "synced_plan", "synced_status", "past_due_since", "updated_at"]
    list_filter = ["manual_plan", "synced_status"]
    search_fields = ["shop__name", "shop__slug"]
    autocomplete_fields = ["shop"]
    readonly_fields = ["synced_plan", "synced_status", "past_due_since", "updated_at"]
    fields = ["shop", "manual_plan", "max_agents_override", "monthly_chats_override", *readonly_fields]

    def save_model(self, request, obj, form, change) -> None:
        # Through the service, so a downgrade disables (never deletes) agents over the cap.
        saved = shop_plan_set_manually(
            shop=obj.shop,
            plan=obj.manual_plan,
            max_agents=obj.max_agents_override,
            monthly_chats=obj.monthly_chats_override,
        )
        obj.pk = saved.pk


@admin.register(EnterpriseInquiry)
class EnterpriseInquiryAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "shop", "locations", "created_at"]
    readonly_fields = ["shop", "name", "email", "locations", "message", "created_at"]


@admin.register(ProcessedStripeEvent)
class ProcessedStripeEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "processed_at"]
    search_fields = ["event_id"]

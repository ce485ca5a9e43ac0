from __future__ import annotations

from django.contrib import admin, messages

from agents import services
from agents.models import Agent, ShopAgent


def _status_action(status: str):
    @admin.action(description=f"Set status: {Agent.Status(status).label}", permissions=["change"])
    def action(modeladmin: admin.ModelAdmin, request, queryset) -> None:
        count = 0
        for agent in queryset:
            services.agent_status_set(agent=agent, status=status)
            count += 1
        modeladmin.message_user(request, f"{count} agent(s) set to {Agent.Status(status).label}.", messages.SUCCESS)

    action.__name__ = f"set_status_{status}"
    return action


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "persona_name", "role", "status", "shop", "status_changed_at"]
    list_filter = ["status", ("shop", admin.EmptyFieldListFilter)]
    list_editable = ["status"]
    search_fields = ["name", "slug", "persona_name", "role"]
    readonly_fields = ["status_changed_at", "created_at", "updated_at"]
    autocomplete_fields = ["shop"]
    actions = [_status_action(value) for value in Agent.Status.values]
    fieldsets = (
        (None, {"fields": ("name", "slug", "persona_name", "role", "description", "icon", "sort_order", "shop")}),
        ("Status", {"fields": ("status", "status_changed_at")}),
        ("Model", {"fields": ("system_prompt", "model", "temperature", "max_output_tokens", "starter_prompts")}),
        ("Dates", {"fields": ("created_at", "updated_at")}),
    )

    def save_model(self, request, obj: Agent, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "status" in form.changed_data:
            # Saved by the form; broadcast after the admin's transaction commits.
            services.agent_status_announce(agent=obj)


@admin.register(ShopAgent)
class ShopAgentAdmin(admin.ModelAdmin):
    list_display = ["agent", "shop", "enabled", "display_name", "disabled_reason", "updated_at"]
    list_filter = ["enabled", "disabled_reason"]
    search_fields = ["shop__name", "agent__name", "display_name"]
    autocomplete_fields = ["shop", "agent"]
    list_select_related = ["shop", "agent"]

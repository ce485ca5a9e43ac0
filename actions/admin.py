"""The catalog (which agent may call which tool) for operators to edit, and the audit of tool calls
and proposals, read-only: what an agent did is a record, not something to correct."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from actions.models import AgentTool, Proposal, ToolCall
from actions.registry import tool_names


class AgentToolForm(forms.ModelForm):
    """``tool`` as a choice of the registered tools (and the row's own, if no tool has that name)."""

    class Meta:
        model = AgentTool
        fields = ["agent", "tool", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "tool" not in self.fields:  # the changelist's form edits ``enabled`` only
            return
        choices = [(name, name) for name in tool_names()]
        current = self.instance.tool if self.instance.pk else ""
        if current and current not in tool_names():
            choices.append((current, f"{current} (no such tool yet)"))
        self.fields["tool"] = forms.ChoiceField(choices=[("", "---------"), *choices], label="Tool")


@admin.register(AgentTool)
class AgentToolAdmin(admin.ModelAdmin):
    form = AgentToolForm
    list_display = ["agent", "tool", "enabled"]
    list_editable = ["enabled"]
    list_filter = ["enabled", "agent", "tool"]
    list_select_related = ["agent"]
    search_fields = ["tool", "agent__slug", "agent__name"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ToolCall)
class ToolCallAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "shop", "name", "status", "duration_ms", "result_chars"]
    list_filter = ["status"]
    list_select_related = ["shop"]
    search_fields = ["name"]
    date_hierarchy = "created_at"
    raw_id_fields = ["shop", "message"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "shop", "tool", "status", "decided_by"]
    list_filter = ["status", "tool"]
    list_select_related = ["shop", "decided_by"]
    search_fields = ["tool", "uuid"]
    date_hierarchy = "created_at"
    raw_id_fields = ["shop", "conversation", "message", "tool_call", "requested_by", "decided_by", "result_message"]

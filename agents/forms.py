from __future__ import annotations

from django import forms

from agents.models import ICON_CHOICES


class ShopAgentSettingsForm(forms.Form):
    display_name = forms.CharField(
        max_length=80, required=False, label="Name in your shop", help_text="Leave empty to keep the agent's name."
    )
    instructions = forms.CharField(
        max_length=4000,
        required=False,
        label="Your instructions",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Added after the agent's own instructions (they are never replaced). "
        "E.g. 'We only take appointments, no walk-ins. Our clients are mostly students.'",
    )


class CustomAgentForm(forms.Form):
    name = forms.CharField(max_length=80)
    role = forms.CharField(max_length=80, help_text="e.g. Retail product advisor")
    description = forms.CharField(max_length=200, help_text="One line shown on the agent's card.")
    icon = forms.ChoiceField(choices=ICON_CHOICES, initial="agents")
    system_prompt = forms.CharField(
        label="Instructions",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What this agent knows, what it asks for, and how it answers.",
    )

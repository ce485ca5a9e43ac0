"""Forms of the notification center and the staff preferences page."""

from __future__ import annotations

from typing import Any

from django import forms

from notifications.kinds import SWITCHABLE_GROUPS
from notifications.services.inbox import SNOOZE_CHOICES

GROUP_LABELS = {
    "bookings": ("Bookings", "New online bookings and cancellations"),
    "billing": ("Billing", "Payments, your plan and chat quota"),
    "agents": ("Agents", "When an agent your shop uses changes status"),
    "marketing": ("Marketing", "Campaign news"),
    "summaries": ("Summaries", "Your weekly numbers"),
}
# Staff have no phone on their account yet: SMS is shown, switched off, with a hint.
STAFF_CHANNELS = (("in_app", "In-app"), ("email", "Email"))


class SnoozeForm(forms.Form):
    until = forms.ChoiceField(choices=list(SNOOZE_CHOICES.items()))


def field_name(group: str, channel: str) -> str:
    return f"{group}__{channel}"


class PreferencesForm(forms.Form):
    """Group and channel switches and quiet hours; checked again by ``services.preferences``."""

    quiet_enabled = forms.BooleanField(required=False, label="Hold email during quiet hours")
    quiet_start = forms.TimeField(required=False, label="From", widget=forms.TimeInput(attrs={"type": "time"}))
    quiet_end = forms.TimeField(required=False, label="Until", widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group in SWITCHABLE_GROUPS:
            for channel, label in STAFF_CHANNELS:
                self.fields[field_name(group.value, channel)] = forms.BooleanField(required=False, label=label)

    @classmethod
    def initial_from(cls, values: dict[str, Any]) -> dict[str, Any]:
        """The form's initial data from ``notifications.preferences.as_dict``."""
        initial: dict[str, Any] = {
            field_name(group, channel): on
            for group, channels in values["channels"].items()
            for channel, on in channels.items()
        }
        quiet = values["quiet_hours"]
        initial.update(
            quiet_enabled=quiet is not None,
            quiet_start=quiet["start"] if quiet else "21:00",
            quiet_end=quiet["end"] if quiet else "08:00",
        )
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("quiet_enabled"):
            if data.get("quiet_start") is None:
                self.add_error("quiet_start", "When do quiet hours start?")
            if data.get("quiet_end") is None:
                self.add_error("quiet_end", "When do they end?")
        return data

    def channels(self) -> dict[str, dict[str, bool]]:
        return {
            group.value: {
                channel: bool(self.cleaned_data[field_name(group.value, channel)]) for channel, _ in STAFF_CHANNELS
            }
            for group in SWITCHABLE_GROUPS
        }

    def quiet_hours(self) -> dict[str, str] | None:
        if not self.cleaned_data.get("quiet_enabled"):
            return None
        return {
            "start": self.cleaned_data["quiet_start"].strftime("%H:%M"),
            "end": self.cleaned_data["quiet_end"].strftime("%H:%M"),
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per group for the template: its label, hint and bound fields."""
        return [
            {
                "label": GROUP_LABELS[group.value][0],
                "hint": GROUP_LABELS[group.value][1],
                "fields": [self[field_name(group.value, channel)] for channel, _ in STAFF_CHANNELS],
            }
            for group in SWITCHABLE_GROUPS
        ]

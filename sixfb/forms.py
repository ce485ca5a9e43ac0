from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms

from sixfb.models import WEEKDAYS, Shop, available_timezones, validate_timezone

COMMON_TIMEZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Toronto",
    "Europe/London",
]


def timezone_choices() -> list[tuple[str, object]]:
    rest = sorted(available_timezones() - set(COMMON_TIMEZONES))
    return [
        ("Common", [(name, name.replace("_", " ")) for name in COMMON_TIMEZONES]),
        ("All time zones", [(name, name.replace("_", " ")) for name in rest]),
    ]


class TimezoneField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=timezone_choices, **kwargs)

    def validate(self, value: str) -> None:
        if value in self.empty_values and self.required:
            raise forms.ValidationError("Choose your shop's time zone.", code="required")
        try:
            validate_timezone(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                "“%(value)s” is not a time zone we know. Pick one from the list, e.g. America/New_York.",
                code="invalid_choice",
                params={"value": value},
            ) from None


# Notes go to the model with every question: bounded so they never crowd out the conversation.
NOTES_FOR_AGENTS_MAX_CHARS = 4000
ADDRESS_MAX_CHARS = 300


class ShopSettingsForm(forms.ModelForm):
    timezone = TimezoneField(label="Time zone")
    address = forms.CharField(
        max_length=ADDRESS_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
    )
    notes_for_agents = forms.CharField(
        max_length=NOTES_FOR_AGENTS_MAX_CHARS,
        required=False,
        label="Notes for your agents",
        help_text=Shop._meta.get_field("notes_for_agents").help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Shop
        fields = ["name", "timezone", "address", "phone", "email", "notes_for_agents"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}
        labels = {"email": "Contact email"}


class DayHoursForm(forms.Form):
    """One weekday's opening hours."""

    closed = forms.BooleanField(required=False, label="Closed")
    open = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    close = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, *args: Any, day: str, **kwargs: Any) -> None:
        self.day = day
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("closed"):
            return data
        opens, closes = data.get("open"), data.get("close")
        if opens is None or closes is None:
            raise forms.ValidationError(f"Give opening and closing times for {self.day.title()}, or mark it closed.")
        if closes <= opens:
            raise forms.ValidationError(f"On {self.day.title()} the closing time must be after the opening time.")
        return data

    def as_json(self) -> dict[str, object]:
        data = self.cleaned_data
        if data.get("closed"):
            return {"closed": True, "open": "", "close": ""}
        return {"closed": False, "open": data["open"].strftime("%H:%M"), "close": data["close"].strftime("%H:%M")}


def business_hours_forms(*, data: Mapping[str, Any] | None, hours: dict[str, dict[str, object]]) -> list[DayHoursForm]:
    forms_by_day = []
    for day in WEEKDAYS:
        saved = hours.get(day) or {}
        initial = {
            "closed": bool(saved.get("closed")),
            "open": _parse_time(saved.get("open")),
            "close": _parse_time(saved.get("close")),
        }
        forms_by_day.append(DayHoursForm(data, day=day, prefix=f"hours-{day}", initial=initial))
    return forms_by_day


def _parse_time(value: object) -> dt.time | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return None


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=150, required=False, label="Your name")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=60, label="Token name", help_text="What will use it, e.g. “Booking sync script”.", strip=True
    )

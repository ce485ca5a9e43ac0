"""The public booking page's forms. Rules about customers and times stay in ``bookings.services``;
these only read what was typed."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone


def parse_start(value: str) -> dt.datetime | None:
    """An ISO 8601 start with its UTC offset, or None."""
    try:
        start = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return None if timezone.is_naive(start) else start


class StartField(forms.CharField):
    def to_python(self, value: object) -> dt.datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        start = parse_start(text)
        if start is None:
            raise forms.ValidationError("Choose a time from the list.")
        return start


class BookingForm(forms.Form):
    name = forms.CharField(max_length=120, strip=True, error_messages={"required": "Enter your name."})
    phone = forms.CharField(max_length=40, strip=True, error_messages={"required": "Enter your phone number."})
    email = forms.EmailField(required=False, max_length=254)
    email_consent = forms.BooleanField(required=False)
    sms_consent = forms.BooleanField(required=False)
    start = StartField(widget=forms.HiddenInput)
    barber = forms.CharField(required=False, max_length=36, widget=forms.HiddenInput)
    idempotency_key = forms.RegexField(regex=r"^[A-Za-z0-9_-]{16,64}$", widget=forms.HiddenInput)


class RescheduleForm(forms.Form):
    start = StartField()

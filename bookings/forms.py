"""Forms of the staff pages. They parse what a person typed; the rules live in ``bookings.services``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from bookings.models import Barber, BookingSettings, Payment, Service
from sixfb.models import WEEKDAYS, Membership, Shop

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")


def _aware(shop: Shop, day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=shop.tzinfo)


class _ShopForm(forms.Form):
    def __init__(self, *args: Any, shop: Shop, **kwargs: Any) -> None:
        self.shop = shop
        super().__init__(*args, **kwargs)


class StartMixin(forms.Form):
    """A start typed as date and time, or picked from the free times (an ISO datetime, exact on DST days)."""

    shop: Shop

    def clean_start(self) -> None:
        data = self.cleaned_data
        slot = (data.get("slot") or "").strip()
        if slot:
            try:
                start = dt.datetime.fromisoformat(slot)
            except ValueError:
                self.add_error("slot", "Pick one of the free times.")
                return
            data["start"] = start if start.tzinfo else start.replace(tzinfo=self.shop.tzinfo)
        elif data.get("date") and data.get("time"):
            data["start"] = _aware(self.shop, data["date"], data["time"])
        elif data.get("date"):
            self.add_error("time", "Pick a free time or type one.")


class AppointmentForm(StartMixin, _ShopForm):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), empty_label=None)
    barber = forms.ModelChoiceField(queryset=Barber.objects.none(), required=False, empty_label="Anyone free")
    date = forms.DateField(widget=DATE)
    slot = forms.CharField(required=False, widget=forms.HiddenInput)
    time = forms.TimeField(required=False, widget=TIME, help_text="Or pick one of the free times below.")
    customer = forms.UUIDField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(required=False, max_length=120, label="Customer name")
    phone = forms.CharField(required=False, max_length=32, widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.EmailField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    idempotency_key = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def __init__(self, *args: Any, barbers: QuerySet[Barber], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(shop=self.shop, active=True)  # type: ignore[attr-defined]
        self.fields["barber"].queryset = barbers  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_start()
        if not data.get("customer") and not (data.get("name") or "").strip():
            self.add_error("name", "Pick a customer or enter the new customer's name.")
        if not data.get("customer") and not (data.get("phone") or "").strip():
            self.add_error("phone", "A new customer needs a phone number.")
        return data


class MoveForm(StartMixin, _ShopForm):
    date = forms.DateField(widget=DATE)
    time = forms.TimeField(required=False, widget=TIME)
    slot = forms.CharField(required=False, widget=forms.HiddenInput)
    barber = forms.ModelChoiceField(queryset=Barber.objects.none(), required=False, empty_label="Same barber")

    def __init__(self, *args: Any, barbers: QuerySet[Barber], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["barber"].queryset = barbers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_start()
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(required=False, max_length=280, label="Reason")


class CompleteForm(forms.Form):
    record_payment = forms.BooleanField(required=False, initial=True, label="Record a payment")
    amount = forms.DecimalField(required=False, min_value=0, max_digits=10, decimal_places=2)
    method = forms.ChoiceField(choices=Payment.Method.choices, initial=Payment.Method.CARD)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("record_payment") and not data.get("amount"):
            self.add_error("amount", "Enter the amount paid, or untick “Record a payment”.")
        return data


class CustomerForm(forms.Form):
    name = forms.CharField(max_length=120)
    phone = forms.CharField(required=False, max_length=32, widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.EmailField(required=False)
    tags = forms.CharField(required=False, help_text="Separated by commas, e.g. VIP, beard.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    email_consent = forms.BooleanField(required=False, label="Agrees to marketing email")
    sms_consent = forms.BooleanField(required=False, label="Agrees to marketing texts")

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data.get("tags", "").split(",") if tag.strip()]


class ServiceForm(_ShopForm):
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, max_length=280)
    duration_minutes = forms.IntegerField(min_value=5, max_value=600, label="Duration (minutes)")
    price = forms.DecimalField(min_value=0, max_digits=10, decimal_places=2)
    buffer_after_minutes = forms.IntegerField(min_value=0, max_value=240, initial=0, label="Buffer after (minutes)")
    position = forms.IntegerField(min_value=0, max_value=32767, initial=0, label="Order on the booking page")
    active = forms.BooleanField(required=False, initial=True)
    barbers = forms.ModelMultipleChoiceField(
        queryset=Barber.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label="Offered by"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["barbers"].queryset = Barber.objects.filter(shop=self.shop, is_placeholder=False)  # type: ignore[attr-defined]


class BarberForm(_ShopForm):
    name = forms.CharField(max_length=120)
    bio = forms.CharField(required=False, max_length=280)
    active = forms.BooleanField(required=False, initial=True)
    position = forms.IntegerField(min_value=0, max_value=32767, initial=0, label="Order")
    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(), required=False, label="Login", empty_label="No login"
    )
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label="Services offered"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(shop=self.shop, role=Membership.Role.BARBER).select_related("user")
        self.fields["membership"].queryset = members  # type: ignore[attr-defined]
        self.fields["membership"].label_from_instance = lambda m: m.user.email  # type: ignore[attr-defined]
        self.fields["services"].queryset = Service.objects.filter(shop=self.shop)  # type: ignore[attr-defined]


def parse_shifts(text: str) -> list[tuple[dt.time, dt.time]]:
    """``"09:00-12:00, 13:00-18:00"`` → two shifts."""
    shifts = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        start, sep, end = part.partition("-")
        try:
            if not sep:
                raise ValueError
            shifts.append((dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())))
        except ValueError:
            raise forms.ValidationError(f"“{part.strip()}” is not like 09:00-17:00.") from None
    return shifts


def shifts_text(shifts: Iterable[tuple[dt.time, dt.time]]) -> str:
    return ", ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in shifts)


class HoursForm(forms.Form):
    """A barber's week: one line of shifts per day; blank is a day off."""

    use_shop_hours = forms.BooleanField(required=False, label="Use the shop's opening hours")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day in WEEKDAYS:
            self.fields[day] = forms.CharField(
                required=False, label=day.title(), widget=forms.TextInput(attrs={"placeholder": "09:00-17:00"})
            )

    def shifts(self) -> dict[int, list[tuple[dt.time, dt.time]]]:
        if self.cleaned_data.get("use_shop_hours"):
            return {}
        return {i: parse_shifts(self.cleaned_data.get(day, "")) for i, day in enumerate(WEEKDAYS)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in WEEKDAYS:
            try:
                parse_shifts(data.get(day, ""))
            except forms.ValidationError as exc:
                self.add_error(day, exc)
        return data


class TimeOffForm(forms.Form):
    first_day = forms.DateField(widget=DATE)
    last_day = forms.DateField(widget=DATE)
    reason = forms.CharField(required=False, max_length=200)


class BookingSettingsForm(forms.ModelForm):
    class Meta:
        model = BookingSettings
        fields = [
            "online_booking_enabled",
            "confirm_online_bookings",
            "slot_minutes",
            "min_notice_minutes",
            "horizon_days",
            "cancellation_window_hours",
            "currency",
            "phone_region",
        ]

"""The bookings API's shapes: what it answers (ids are UUIDs, times ISO 8601 with the shop's offset,
money a decimal string) and what it accepts. Output serializers need ``context={"shop": shop}``."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bookings.models import Appointment, Barber, Customer, Service

NEW_CUSTOMER_KEYS = {"name", "phone", "email"}


class ShopDateTimeField(serializers.DateTimeField):
    """Reads only times that carry their UTC offset (a naive time is ambiguous across shops and DST);
    writes them in the shop's zone, with its offset."""

    default_error_messages = {
        "naive": "Give the time with its UTC offset, e.g. 2025-03-14T10:00:00-04:00.",
    }

    def enforce_timezone(self, value: dt.datetime) -> dt.datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        return value

    def to_representation(self, value: dt.datetime) -> str:
        return value.astimezone(self.context["shop"].tzinfo).isoformat()


# --- Answers ------------------------------------------------------------------------------------


class ServiceSerializer(serializers.ModelSerializer):
    barbers: serializers.PrimaryKeyRelatedField[Barber] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Who offers it."
    )

    class Meta:
        model = Service
        fields = [
            "id", "name", "duration_minutes", "price", "active", "barbers",
            "buffer_after_minutes", "description", "position",
        ]  # fmt: skip


class BarberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Barber
        fields = ["id", "name", "active", "position", "bio", "photo_url"]


class CustomerSerializer(serializers.ModelSerializer):
    visits = serializers.IntegerField(read_only=True, help_text="Completed appointments.")
    total_spent = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, help_text="Payments recorded, in the shop's currency."
    )

    class Meta:
        model = Customer
        fields = ["id", "name", "phone", "email", "visits", "total_spent", "notes", "tags"]


class AppointmentSerializer(serializers.ModelSerializer):
    start = ShopDateTimeField()
    end = ShopDateTimeField()
    service = serializers.UUIDField(source="service_id")
    barber = serializers.UUIDField(source="barber_id")
    barber_name = serializers.CharField(source="barber.name")
    customer = serializers.UUIDField(source="customer_id")
    customer_name = serializers.CharField(source="customer.name")
    created_at = ShopDateTimeField()

    class Meta:
        model = Appointment
        fields = [
            "id", "status", "start", "end", "service", "service_name", "barber", "barber_name", "customer",
            "customer_name", "price", "duration_minutes", "source", "notes", "cancellation_reason", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class SlotSerializer(serializers.Serializer):
    start = ShopDateTimeField()
    barber = serializers.UUIDField(source="barber_id")


class AvailabilitySerializer(serializers.Serializer):
    slots = SlotSerializer(many=True)


# --- Requests -------------------------------------------------------------------------------------


class ServiceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=600)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    active = serializers.BooleanField(default=True)
    barbers = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=200,
        help_text="Barber ids; left out, every active barber offers it.",
    )
    buffer_after_minutes = serializers.IntegerField(min_value=0, max_value=240, default=0)
    description = serializers.CharField(max_length=280, allow_blank=True, default="")
    position = serializers.IntegerField(min_value=0, max_value=32767, default=0)


class BarberInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    active = serializers.BooleanField(default=True)
    position = serializers.IntegerField(min_value=0, max_value=32767, default=0)
    bio = serializers.CharField(max_length=280, allow_blank=True, default="")
    photo_url = serializers.URLField(allow_blank=True, default="")


class CustomerInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    phone = serializers.CharField(max_length=40, allow_blank=True, default="", help_text="Stored in E.164.")
    email = serializers.EmailField(allow_blank=True, default="")
    notes = serializers.CharField(allow_blank=True, default="", max_length=5000)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), default=list, max_length=20)
    email_consent = serializers.BooleanField(default=False, help_text="Agreed to marketing email now.")
    sms_consent = serializers.BooleanField(default=False, help_text="Agreed to marketing texts now.")


class NewCustomerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    phone = serializers.CharField(max_length=40)
    email = serializers.EmailField(allow_blank=True, default="")


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "uuid", "description": "A customer of the shop."},
            {
                "type": "object",
                "description": "The shop's customer with that phone, else a new one.",
                "properties": {
                    "name": {"type": "string", "maxLength": 120},
                    "phone": {"type": "string"},
                    "email": {"type": "string", "format": "email"},
                },
                "required": ["name", "phone"],
                "additionalProperties": False,
            },
        ]
    }
)
class CustomerRefField(serializers.Field):
    """A customer's id, or ``{name, phone, email?}`` for the one the shop knows by that phone (else new)."""

    default_error_messages = {"invalid": "Give a customer id or an object with name, phone and email."}

    def to_internal_value(self, data: Any) -> UUID | dict[str, str]:
        if isinstance(data, str):
            try:
                return UUID(data)
            except ValueError:
                self.fail("invalid")
        if isinstance(data, dict) and set(data) <= NEW_CUSTOMER_KEYS:
            details = NewCustomerSerializer(data=data)
            details.is_valid(raise_exception=True)
            return dict(details.validated_data)
        self.fail("invalid")

    def to_representation(self, value: Any) -> Any:
        return value


class AppointmentInputSerializer(serializers.Serializer):
    service = serializers.UUIDField()
    barber = serializers.UUIDField(required=False, allow_null=True, default=None, help_text="Null: anyone free.")
    start = ShopDateTimeField(help_text="ISO 8601 with the UTC offset.")
    customer = CustomerRefField()
    notes = serializers.CharField(allow_blank=True, default="", max_length=2000)


class StatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Appointment.Status.choices)
    reason = serializers.CharField(allow_blank=True, default="", max_length=280, help_text="Why it was cancelled.")


class DateRangeQuerySerializer(serializers.Serializer):
    # `from` is a keyword, so the field is put in the class namespace by name.
    locals()["from"] = serializers.DateField(required=False, help_text="First day, in the shop's zone (default today).")
    to = serializers.DateField(required=False, help_text="Last day, included.")


class AvailabilityQuerySerializer(DateRangeQuerySerializer):
    service = serializers.UUIDField()
    barber = serializers.UUIDField(required=False, help_text="Only this barber; left out, anyone who offers it.")


class AppointmentQuerySerializer(DateRangeQuerySerializer):
    barber = serializers.UUIDField(required=False, help_text="Only this barber's column.")


class CustomerQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", help_text="Name, phone digits or email.")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)
    offset = serializers.IntegerField(required=False, min_value=0, default=0)

"""The shop's business: services, barbers (their hours and time off), customers, appointments and
payments, and the shop's booking rules. Every row carries ``shop``; ids shown outside are UUIDs.

Multi-row rules (no double booking, working hours, notice) live in ``bookings.services``; the one
the database itself enforces is the overlap rule on PostgreSQL (migration 0002).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from sixfb.models import Membership, Shop


class BookingSettings(models.Model):
    """A shop's booking rules. Made with the defaults the first time they are read."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="booking_settings")
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 code of the shop's prices.")
    phone_region = models.CharField(
        max_length=2, default="US", help_text="Country whose numbers customers may type without a +country code."
    )
    online_booking_enabled = models.BooleanField(default=True)
    confirm_online_bookings = models.BooleanField(
        default=True, help_text="Online bookings are confirmed at once; off: they wait as pending for staff."
    )
    slot_minutes = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(5), MaxValueValidator(120)], help_text="Step between start times."
    )
    min_notice_minutes = models.PositiveIntegerField(
        default=60, validators=[MaxValueValidator(60 * 24 * 14)], help_text="Online bookings start this far ahead."
    )
    horizon_days = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(365)], help_text="How far ahead one can book."
    )
    cancellation_window_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text="Customers can cancel or reschedule online until this many hours before the start.",
    )

    class Meta:
        verbose_name_plural = "booking settings"

    def __str__(self) -> str:
        return f"Booking settings of {self.shop}"


class Barber(models.Model):
    """A person who cuts hair, with or without a login (``membership``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="barbers")
    name = models.CharField(max_length=120)
    membership = models.OneToOneField(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="barber",
        help_text="The barber's login to this shop, when they have one.",
    )
    photo_url = models.URLField(blank=True)
    bio = models.CharField(max_length=280, blank=True)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_placeholder = models.BooleanField(
        default=False, help_text="Stands for a barber the legacy data named but never described."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    """One stretch of a barber's weekly working hours. A barber with no shifts works the shop's
    opening hours; either way, the shop's opening hours bound them."""

    barber = models.ForeignKey(Barber, on_delete=models.CASCADE, related_name="shifts")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)], help_text="0 is Monday.")
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="shift_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.barber} day {self.weekday} {self.start:%H:%M}-{self.end:%H:%M}"


class TimeOff(models.Model):
    barber = models.ForeignKey(Barber, on_delete=models.CASCADE, related_name="time_off")
    first_day = models.DateField()
    last_day = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_day"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")), name="time_off_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.barber} off {self.first_day} to {self.last_day}"


class Service(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=280, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(5), MaxValueValidator(600)])
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    buffer_after_minutes = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(240)], help_text="Kept free after each appointment (clean-up)."
    )
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the booking page.")
    barbers = models.ManyToManyField(Barber, blank=True, related_name="services")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative")]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """One of the shop's customers: unique per shop by phone (E.164), else by lower-cased email."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="customers")
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +12125550123.")
    email = models.EmailField(blank=True)
    notes = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    email_consent_at = models.DateTimeField(null=True, blank=True, help_text="When they agreed to marketing email.")
    sms_consent_at = models.DateTimeField(null=True, blank=True, help_text="When they agreed to marketing texts.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "phone"], condition=~Q(phone=""), name="customer_unique_phone"),
            models.UniqueConstraint(
                "shop", Lower("email"), condition=Q(phone="") & ~Q(email=""), name="customer_unique_email_without_phone"
            ),
        ]
        indexes = [models.Index(fields=["shop", "name"], name="customer_shop_name_idx")]

    def __str__(self) -> str:
        return self.name


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def live(self) -> AppointmentQuerySet:
        return self.filter(status__in=Appointment.LIVE)

    def overlapping(self, start: datetime.datetime, until: datetime.datetime) -> AppointmentQuerySet:
        """Appointments whose blocked time ``[start, blocked_until)`` meets ``[start, until)``."""
        return self.filter(start__lt=until, blocked_until__gt=start)


class Appointment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CONFIRMED = "confirmed", "Confirmed"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No-show"

    class Source(models.TextChoices):
        ONLINE = "online", "Online"
        STAFF = "staff", "Staff"
        AGENT = "agent", "Agent"
        LEGACY = "legacy", "Legacy import"

    LIVE = (Status.PENDING, Status.CONFIRMED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="appointments")
    customer = models.ForeignKey(Customer, on_delete=models.RESTRICT, related_name="appointments")
    barber = models.ForeignKey(Barber, on_delete=models.RESTRICT, related_name="appointments")
    service = models.ForeignKey(Service, on_delete=models.RESTRICT, related_name="appointments")
    # As booked: later changes to the service do not rewrite history.
    service_name = models.CharField(max_length=120)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    duration_minutes = models.PositiveSmallIntegerField()
    buffer_after_minutes = models.PositiveSmallIntegerField(default=0)
    start = models.DateTimeField()
    end = models.DateTimeField()
    blocked_until = models.DateTimeField(help_text="The end plus the service's buffer: the barber is busy until then.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.STAFF)
    notes = models.TextField(blank=True)
    cancellation_reason = models.CharField(max_length=280, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appointment_ends_after_start"),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=models.F("end")), name="appointment_blocked_after_end"
            ),
            models.UniqueConstraint(
                fields=["shop", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="appointment_unique_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "start"], name="appointment_shop_start_idx"),
            models.Index(fields=["barber", "start"], name="appointment_barber_start_idx"),
            models.Index(fields=["customer", "start"], name="appointment_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.service_name} for {self.customer} at {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE


class Payment(models.Model):
    """Money the shop took for an appointment: recorded, not charged."""

    class Method(models.TextChoices):
        CASH = "cash", "Cash"
        CARD = "card", "Card"
        OTHER = "other", "Other"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="payments")
    appointment = models.ForeignKey(Appointment, on_delete=models.RESTRICT, related_name="payments")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.CARD)
    paid_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-paid_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]
        indexes = [models.Index(fields=["shop", "paid_at"], name="payment_shop_paid_at_idx")]

    def __str__(self) -> str:
        return f"{self.amount} {self.get_method_display()} for {self.appointment_id}"

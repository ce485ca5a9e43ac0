from __future__ import annotations

from django.contrib import admin

from bookings.models import Appointment, Barber, BookingSettings, Customer, Payment, Service, Shift, TimeOff


@admin.register(BookingSettings)
class BookingSettingsAdmin(admin.ModelAdmin):
    list_display = ["shop", "online_booking_enabled", "currency", "slot_minutes", "min_notice_minutes", "horizon_days"]
    search_fields = ["shop__name", "shop__slug"]
    raw_id_fields = ["shop"]


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0


@admin.register(Barber)
class BarberAdmin(admin.ModelAdmin):
    list_display = ["name", "shop", "active", "is_placeholder", "position"]
    list_filter = ["active", "is_placeholder"]
    search_fields = ["name", "shop__name"]
    raw_id_fields = ["shop", "membership"]
    inlines = [ShiftInline, TimeOffInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "shop", "duration_minutes", "price", "buffer_after_minutes", "active", "position"]
    list_filter = ["active"]
    search_fields = ["name", "shop__name"]
    raw_id_fields = ["shop"]
    filter_horizontal = ["barbers"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "shop", "phone", "email", "created_at"]
    search_fields = ["name", "phone", "email", "shop__name"]
    raw_id_fields = ["shop"]


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    raw_id_fields = ["recorded_by"]
    fields = ["amount", "method", "paid_at", "recorded_by"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Read the book here; change it through the staff calendar, which keeps the booking rules."""

    list_display = ["start", "service_name", "customer", "barber", "status", "source", "shop"]
    list_filter = ["status", "source"]
    search_fields = ["customer__name", "customer__phone", "service_name", "shop__name"]
    date_hierarchy = "start"
    raw_id_fields = ["shop", "customer", "barber", "service", "created_by"]
    readonly_fields = [
        "start",
        "end",
        "blocked_until",
        "barber",
        "status",
        "idempotency_key",
        "created_at",
        "updated_at",
    ]
    inlines = [PaymentInline]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["paid_at", "amount", "method", "appointment", "shop"]
    list_filter = ["method"]
    raw_id_fields = ["shop", "appointment", "recorded_by"]

"""What the shop offers and who works (owner and manager only): services, barbers, hours, time off,
and the shop's booking settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings import selectors, services
from bookings.errors import BookingError
from bookings.forms import BarberForm, BookingSettingsForm, HoursForm, ServiceForm, TimeOffForm, shifts_text
from bookings.models import Barber
from bookings.views.common import add_refusal, manager, refusal_status, show
from sixfb.middleware import SignedInRequest
from sixfb.models import WEEKDAYS


@login_required
@require_GET
def service_list(request: SignedInRequest) -> HttpResponse:
    shop = manager(request).shop
    context = {
        "services": selectors.services_for_shop(shop=shop),
        "settings": selectors.booking_settings_for(shop=shop),
    }
    return show(request, "bookings/services.html", context, shop=shop)


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: SignedInRequest, service_id: str | None = None) -> HttpResponse:
    shop = manager(request).shop
    service = selectors.get_service(shop=shop, service_id=service_id) if service_id else None
    initial: dict[str, Any] = {}
    if service is not None:
        fields = ("name", "description", "duration_minutes", "price", "buffer_after_minutes", "position", "active")
        initial = {name: getattr(service, name) for name in fields} | {"barbers": list(service.barbers.all())}
    form = ServiceForm(request.POST or None, initial=initial, shop=shop)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if service is None:
                service = services.service_create(shop=shop, **data)
            else:
                service = services.service_update(service=service, **data)
        except BookingError as refusal:
            add_refusal(form, refusal)
            context = {"form": form, "service": service}
            return show(request, "bookings/service_form.html", context, shop=shop, status=refusal_status(refusal))
        messages.success(request, f"{service.name} saved.")
        return redirect("services")
    context = {"form": form, "service": service}
    return show(request, "bookings/service_form.html", context, shop=shop, status=400 if form.is_bound else 200)


@login_required
@require_GET
def barber_list(request: SignedInRequest) -> HttpResponse:
    shop = manager(request).shop
    return show(request, "bookings/barbers.html", {"barbers": selectors.barbers_for_shop(shop=shop)}, shop=shop)


def _barber_initial(barber: Barber) -> dict[str, Any]:
    fields = ("name", "bio", "active", "position", "membership")
    return {name: getattr(barber, name) for name in fields} | {"services": list(barber.services.all())}


def _hours_initial(barber: Barber) -> dict[str, Any]:
    shifts = list(barber.shifts.all())
    days = {day: shifts_text((s.start, s.end) for s in shifts if s.weekday == i) for i, day in enumerate(WEEKDAYS)}
    return {"use_shop_hours": not shifts, **days}


def _barber_page(request: SignedInRequest, barber: Barber | None, status: int = 200, **forms: Any) -> HttpResponse:
    shop = manager(request).shop
    initial = _barber_initial(barber) if barber is not None else None
    context: dict[str, Any] = {"barber": barber, "form": forms.get("form") or BarberForm(initial=initial, shop=shop)}
    if barber is not None:
        context |= {
            "hours_form": forms.get("hours") or HoursForm(initial=_hours_initial(barber)),
            "time_off_form": forms.get("time_off") or TimeOffForm(),
            "time_off": barber.time_off.all(),
        }
    return show(request, "bookings/barber_form.html", context, shop=shop, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def barber_edit(request: SignedInRequest, barber_id: str | None = None) -> HttpResponse:
    shop = manager(request).shop
    barber = selectors.get_barber(shop=shop, barber_id=barber_id) if barber_id else None
    if request.method == "GET":
        return _barber_page(request, barber)
    form = BarberForm(request.POST, shop=shop)
    if not form.is_valid():
        return _barber_page(request, barber, status=400, form=form)
    data = dict(form.cleaned_data)
    membership = data.pop("membership")
    try:
        with transaction.atomic():
            if barber is None:
                barber = services.barber_create(shop=shop, membership=membership, **data)
            else:
                barber = services.barber_update(barber=barber, membership=membership, **data)
    except BookingError as refusal:
        add_refusal(form, refusal)
        return _barber_page(request, barber, status=refusal_status(refusal), form=form)
    messages.success(request, f"{barber.name} saved.")
    return redirect("barber_edit", barber_id=barber.pk)


@login_required
@require_POST
def barber_hours(request: SignedInRequest, barber_id: str) -> HttpResponse:
    shop = manager(request).shop
    barber = selectors.get_barber(shop=shop, barber_id=barber_id)
    form = HoursForm(request.POST)
    if not form.is_valid():
        return _barber_page(request, barber, status=400, hours=form)
    try:
        services.barber_hours_set(barber=barber, shifts=form.shifts())
    except BookingError as refusal:
        fields = refusal.extra.get("fields") or {}
        for weekday, problems in fields.items() if isinstance(fields, dict) else []:
            form.add_error(WEEKDAYS[int(weekday)] if str(weekday).isdigit() else None, problems)
        if not fields:
            form.add_error(None, refusal.message)
        return _barber_page(request, barber, status=refusal_status(refusal), hours=form)
    messages.success(request, "Working hours saved.")
    return redirect("barber_edit", barber_id=barber.pk)


@login_required
@require_POST
def time_off_add(request: SignedInRequest, barber_id: str) -> HttpResponse:
    shop = manager(request).shop
    barber = selectors.get_barber(shop=shop, barber_id=barber_id)
    form = TimeOffForm(request.POST)
    if not form.is_valid():
        return _barber_page(request, barber, status=400, time_off=form)
    try:
        services.time_off_add(barber=barber, **form.cleaned_data)
    except BookingError as refusal:
        add_refusal(form, refusal)
        return _barber_page(request, barber, status=refusal_status(refusal), time_off=form)
    messages.success(request, "Time off added.")
    return redirect("barber_edit", barber_id=barber.pk)


@login_required
@require_POST
def time_off_remove(request: SignedInRequest, barber_id: str, time_off_id: int) -> HttpResponse:
    shop = manager(request).shop
    barber = selectors.get_barber(shop=shop, barber_id=barber_id)
    time_off = barber.time_off.filter(pk=time_off_id).first()
    if time_off is None:
        raise Http404("No such time off.")
    services.time_off_remove(time_off=time_off)
    messages.success(request, "Time off removed.")
    return redirect("barber_edit", barber_id=barber.pk)


@login_required
@require_http_methods(["GET", "POST"])
def booking_settings(request: SignedInRequest) -> HttpResponse:
    shop = manager(request).shop
    form = BookingSettingsForm(request.POST or None, instance=selectors.booking_settings_for(shop=shop))
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_settings_update(shop=shop, **{name: form.cleaned_data[name] for name in form.Meta.fields})
        except BookingError as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, "Booking settings saved.")
            return redirect("booking_settings")
    return show(request, "bookings/settings.html", {"form": form}, shop=shop, status=400 if form.is_bound else 200)

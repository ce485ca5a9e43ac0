"""The customer's own appointment, reached by its signed link: view it, move it or cancel it
until the shop's cancellation window closes; after that, the page says to call the shop."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from bookings import selectors, services
from bookings.errors import BookingError
from bookings.models import Appointment
from bookings.public.links import appointment_from_token, appointment_url
from bookings.public.pages import money, page
from bookings.public.times import week_of_times
from bookings.public_forms import RescheduleForm
from sixfb.models import Shop


def _found(slug: str, token: str) -> tuple[Shop, Appointment]:
    shop = get_object_or_404(Shop, slug=slug)
    return shop, appointment_from_token(shop=shop, token=token)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _state(shop: Shop, appointment: Appointment, token: str) -> dict[str, Any]:
    deadline = services.cancellation_deadline(appointment)
    return {
        "appointment": appointment,
        "token": token,
        "deadline": deadline,
        "changeable": appointment.is_live and timezone.now() <= deadline,
        "price": money(appointment.price, selectors.booking_settings_for(shop=shop).currency),
    }


@never_cache
@require_safe
def appointment_detail(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    shop, appointment = _found(slug, token)
    notice = {"booked": "booked", "moved": "moved", "cancelled": "cancelled"}.get(request.GET.get("done", ""))
    return page(request, "appointment.html", shop, notice=notice, **_state(shop, appointment, token))


@never_cache
@require_http_methods(["GET", "POST"])
def appointment_cancel(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    shop, appointment = _found(slug, token)
    if request.method == "GET":
        return page(request, "cancel.html", shop, **_state(shop, appointment, token))
    try:
        services.appointment_cancel(appointment=appointment, by_customer=True)
    except BookingError as error:
        state = _state(shop, appointment, token)
        return page(request, "appointment.html", shop, status=error.status, error=error, **state)
    return redirect(appointment_url(appointment, shop=shop) + "?done=cancelled")


@never_cache
@require_http_methods(["GET", "POST"])
def appointment_reschedule(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    shop, appointment = _found(slug, token)
    state = _state(shop, appointment, token)
    error: BookingError | None = None
    try:
        services.online_booking_check()  # moving is booking, paused with it (cancelling is not)
    except BookingError as paused:
        return page(request, "appointment.html", shop, status=paused.status, error=paused, **state)
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        try:
            if not form.is_valid():
                raise BookingError("invalid", "Choose a new time from the list.")
            services.appointment_reschedule(appointment=appointment, start=form.cleaned_data["start"], by_customer=True)
        except BookingError as caught:
            error = caught
        else:
            return redirect(appointment_url(appointment, shop=shop) + "?done=moved")
    if not state["changeable"]:
        return page(request, "appointment.html", shop, status=error.status if error else 200, error=error, **state)
    week = week_of_times(
        shop=shop,
        service=appointment.service,
        barber=appointment.barber,
        first=_date(request.GET.get("from")),
        day=_date(request.GET.get("day")),
        moving=appointment,
    )
    status = error.status if error else 200
    return page(request, "reschedule.html", shop, status=status, error=error, week=week, **state)

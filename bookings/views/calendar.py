"""The calendar: a day (columns by barber) or a week, and the form that books an appointment."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from bookings import selectors, services
from bookings.errors import BookingError
from bookings.forms import AppointmentForm
from bookings.models import Appointment, Barber, Customer
from bookings.views.common import add_refusal, member, parse_day, refusal_status, show
from sixfb.middleware import SignedInRequest
from sixfb.models import Membership


def bookable_barbers(membership: Membership) -> QuerySet[Barber]:
    """Whom this member may book or move appointments to: a barber, only themselves."""
    barbers = selectors.barbers_for_shop(shop=membership.shop, active_only=True)
    if membership.role == Membership.Role.BARBER:
        return barbers.filter(membership=membership)
    return barbers


def _week_days(day: dt.date) -> list[dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=i) for i in range(7)]


def calendar_context(request: SignedInRequest, membership: Membership) -> dict[str, Any]:
    shop = membership.shop
    day = parse_day(request.GET.get("date"), shop)
    week = request.GET.get("view") == "week"
    barbers = list(bookable_barbers(membership))
    only = next((b for b in barbers if str(b.pk) == request.GET.get("barber")), None)
    days = _week_days(day) if week else [day]
    found = selectors.appointments_between(membership=membership, first_day=days[0], last_day=days[-1], barber=only)
    appointments = list(found)
    step = dt.timedelta(days=7 if week else 1)
    context: dict[str, Any] = {
        "day": day,
        "view": "week" if week else "day",
        "prev": day - step,
        "next": day + step,
        "today": parse_day(None, shop),
        "barbers": barbers,
        "only": only,
        "can_manage": membership.can_manage_shop,
    }
    if week:
        by_day: dict[dt.date, list[Appointment]] = defaultdict(list)
        for appointment in appointments:
            by_day[appointment.start.astimezone(shop.tzinfo).date()].append(appointment)
        context["days"] = [{"day": d, "appointments": by_day[d]} for d in days]
    else:
        shown = [only] if only else barbers
        # A barber no longer active keeps a column while they still have appointments that day.
        shown += [a.barber for a in appointments if a.barber not in shown]
        by_barber: dict[object, list[Appointment]] = defaultdict(list)
        for appointment in appointments:
            by_barber[appointment.barber_id].append(appointment)
        context["columns"] = [{"barber": b, "appointments": by_barber[b.pk]} for b in dict.fromkeys(shown)]
    return context


@login_required
@require_GET
def calendar(request: SignedInRequest) -> HttpResponse:
    membership = member(request)
    context = calendar_context(request, membership)
    # htmx asks for the calendar alone (day to day, live refresh); history restores want the page.
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "bookings/_calendar.html" if partial else "bookings/calendar.html"
    return show(request, template, context, shop=membership.shop)


def _slots(membership: Membership, values: Any) -> list[selectors.Slot]:
    """The free times for the service, barber and date the form holds so far (none while incomplete)."""
    shop = membership.shop
    try:
        service = selectors.get_service(shop=shop, service_id=values.get("service"))
        barber_id = values.get("barber")
        barber = selectors.get_barber(shop=shop, barber_id=barber_id) if barber_id else None
        day = dt.date.fromisoformat(values.get("date") or "")
    except (Http404, ValueError):
        return []
    if barber is None and membership.role == Membership.Role.BARBER:
        barber = bookable_barbers(membership).first()
        if barber is None:
            return []
    try:
        return selectors.availability(
            shop=shop, service=service, first_day=day, last_day=day, barber=barber, online=False
        )
    except BookingError:
        return []


def _new_context(membership: Membership, form: AppointmentForm, values: Any) -> dict[str, Any]:
    query = (values.get("q") or "").strip()
    found = selectors.customers_search(shop=membership.shop, query=query)[:8] if query else []
    return {"form": form, "slots": _slots(membership, values), "customers": found, "q": query, "values": values}


@login_required
@require_GET
def slots(request: SignedInRequest) -> HttpResponse:
    membership = member(request)
    context = {"slots": _slots(membership, request.GET), "values": request.GET}
    return show(request, "bookings/_slots.html", context, shop=membership.shop)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_new(request: SignedInRequest) -> HttpResponse:
    membership = member(request)
    shop = membership.shop
    barbers = bookable_barbers(membership)
    if request.method == "GET":
        first = selectors.services_for_shop(shop=shop, active_only=True).first()
        # The service the form shows selected is the one its free times are for.
        defaults = {
            "date": parse_day(request.GET.get("date"), shop).isoformat(),
            "service": str(first.pk) if first else "",
        }
        initial = {**defaults, **request.GET.dict()}
        form = AppointmentForm(initial=initial, shop=shop, barbers=barbers)
        return show(request, "bookings/appointment_new.html", _new_context(membership, form, initial), shop=shop)
    form = AppointmentForm(request.POST, shop=shop, barbers=barbers)
    if form.is_valid():
        data = form.cleaned_data
        barber = data["barber"] or (barbers.first() if membership.role == Membership.Role.BARBER else None)
        try:
            with transaction.atomic():  # a refused booking leaves no new customer behind
                customer = _customer(membership, data)
                appointment = services.appointment_book(
                    shop=shop,
                    service=data["service"],
                    start=data["start"],
                    customer=customer,
                    barber=barber,
                    notes=data["notes"],
                    idempotency_key=data["idempotency_key"] or None,
                    actor=request.user,
                )
        except BookingError as refusal:
            add_refusal(form, refusal)
            context = _new_context(membership, form, request.POST)
            return show(request, "bookings/appointment_new.html", context, shop=shop, status=refusal_status(refusal))
        messages.success(request, f"Booked {appointment.service_name} for {appointment.customer.name}.")
        day = appointment.start.astimezone(shop.tzinfo).date()
        return redirect(f"{reverse('bookings_calendar')}?date={day.isoformat()}")
    context = _new_context(membership, form, request.POST)
    return show(request, "bookings/appointment_new.html", context, shop=shop, status=400)


def _customer(membership: Membership, data: dict[str, Any]) -> Customer:
    if data.get("customer"):
        return selectors.get_customer(shop=membership.shop, customer_id=data["customer"])
    return services.customer_for_booking(
        shop=membership.shop, name=data["name"], phone=data["phone"], email=data["email"]
    )

"""Booking, step by step: service → barber (or anyone) → a free time → the customer's details.

Plain links and GET for moving between steps, one POST that books; no JavaScript needed.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from bookings import selectors, services
from bookings.availability import barbers_for
from bookings.errors import BookingError
from bookings.models import Appointment, Barber, Service
from bookings.public.links import appointment_url
from bookings.public.pages import ANYONE, Choice, choice_for, online_shop, page, refusal
from bookings.public.ratelimit import booking_rate_check, client_ip
from bookings.public.times import nearest_times, week_of_times
from bookings.public_forms import BookingForm, parse_start
from sixfb.models import Shop

# Keys from this form are prefixed so they never meet a key the API or staff pages chose.
KEY_PREFIX = "web-"


def _service(shop: Shop, service_id: object) -> Service:
    service = selectors.get_service(shop=shop, service_id=service_id)
    if not selectors.bookable_services(shop=shop).filter(pk=service.pk).exists():
        raise Http404("That service cannot be booked online.")
    return service


def _barber(shop: Shop, service: Service, value: str | None) -> Barber | None:
    if not value or value == ANYONE:
        return None
    barber = selectors.get_barber(shop=shop, barber_id=value)
    if not barbers_for(service=service, barber=barber):
        raise Http404("That barber does not take this service online.")
    return barber


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_safe
@online_shop
def service_list(request: HttpRequest, shop: Shop) -> HttpResponse:
    choices = [choice_for(shop=shop, service=s, barber=None) for s in selectors.bookable_services(shop=shop)]
    return page(request, "services.html", shop, choices=choices)


@require_safe
@online_shop
def barber_list(request: HttpRequest, shop: Shop, service_id: str) -> HttpResponse:
    service = _service(shop, service_id)
    choice = choice_for(shop=shop, service=service, barber=None)
    return page(request, "barbers.html", shop, choice=choice, barbers=barbers_for(service=service))


@require_safe
@online_shop
def time_list(request: HttpRequest, shop: Shop, service_id: str) -> HttpResponse:
    service = _service(shop, service_id)
    choice = choice_for(shop=shop, service=service, barber=_barber(shop, service, request.GET.get("barber")))
    week = week_of_times(
        shop=shop,
        service=service,
        barber=choice.barber,
        first=_date(request.GET.get("from")),
        day=_date(request.GET.get("day")),
    )
    return page(request, "times.html", shop, choice=choice, week=week)


@never_cache  # the form carries a one-off idempotency key: no cache may hand it to another person
@require_http_methods(["GET", "HEAD", "POST"])
@online_shop
def details(request: HttpRequest, shop: Shop, service_id: str) -> HttpResponse:
    service = _service(shop, service_id)
    data = request.POST if request.method == "POST" else request.GET
    choice = choice_for(shop=shop, service=service, barber=_barber(shop, service, data.get("barber")))
    if request.method == "POST":
        return _book(request, shop, choice)
    start = parse_start(request.GET.get("start", ""))
    if start is None:
        return redirect(f"{reverse('book_times', args=[shop.slug, service.pk])}?{choice.query()}")
    initial = {"start": start.isoformat(), "barber": choice.barber_param, "idempotency_key": secrets.token_urlsafe(24)}
    return page(request, "details.html", shop, choice=choice, form=BookingForm(initial=initial), start=start)


def _book(request: HttpRequest, shop: Shop, choice: Choice) -> HttpResponse:
    data = request.POST.copy()
    if data.get("alternative"):  # a nearest free time, picked after the first choice was taken
        data["start"] = data.pop("alternative")[-1]
    form = BookingForm(data)
    context = {"choice": choice, "form": form, "start": parse_start(data.get("start", ""))}
    try:
        booking_rate_check(shop=shop, ip=client_ip(request), phone=data.get("phone", ""))
    except BookingError as error:
        return refusal(request, shop, error)
    if not form.is_valid():
        return page(request, "details.html", shop, status=400, **context)
    try:
        appointment = _book_customer(shop, choice, form.cleaned_data)
    except BookingError as error:
        if error.code in {"rate_limited", "online_booking_closed", "online_booking_paused", "form_used"}:
            return refusal(request, shop, error)
        fields = error.extra.get("fields")
        if isinstance(fields, dict):
            for name, messages in fields.items():
                form.add_error(name if name in form.fields else None, messages)
            return page(request, "details.html", shop, status=400, **context)
        form.add_error(None, error.message)
        wanted = form.cleaned_data["start"]
        nearest = nearest_times(shop=shop, service=choice.service, barber=choice.barber, wanted=wanted)
        return page(request, "details.html", shop, status=error.status, nearest=nearest, **context)
    return redirect(appointment_url(appointment, shop=shop) + "?done=booked")


def _book_customer(shop: Shop, choice: Choice, data: dict) -> Appointment:
    # One transaction: a refused booking leaves no new customer behind.
    with transaction.atomic():
        customer = services.customer_for_booking(
            shop=shop,
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            email_consent=data["email_consent"],
            sms_consent=data["sms_consent"],
        )
        appointment = services.appointment_book(
            shop=shop,
            service=choice.service,
            barber=choice.barber,
            start=data["start"],
            customer=customer,
            source=Appointment.Source.ONLINE,
            idempotency_key=KEY_PREFIX + data["idempotency_key"],
        )
        if appointment.customer_id != customer.pk:  # a replayed form, with someone else's details
            raise BookingError("form_used", "This booking form was already used. Please start again.")
    return appointment

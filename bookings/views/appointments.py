"""One appointment: its page, and moving, cancelling, completing (with a payment) or a no-show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bookings import selectors, services
from bookings.errors import BookingError
from bookings.forms import CancelForm, CompleteForm, MoveForm
from bookings.models import Appointment
from bookings.views.calendar import _slots, bookable_barbers
from bookings.views.common import add_refusal, member, refusal_status, show
from sixfb.middleware import SignedInRequest
from sixfb.models import Membership

Status = Appointment.Status


def _page(
    request: SignedInRequest, membership: Membership, appointment: Appointment, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    shop = membership.shop
    local = appointment.start.astimezone(shop.tzinfo)
    barbers = bookable_barbers(membership)
    values = {
        "service": str(appointment.service_id),
        "barber": str(appointment.barber_id),
        "date": local.date().isoformat(),
    }
    context: dict[str, Any] = {
        "appointment": appointment,
        "payments": appointment.payments.all(),
        "move_form": bound.get("move")
        or MoveForm(initial={"date": local.date(), "time": local.time()}, shop=shop, barbers=barbers),
        "cancel_form": bound.get("cancel") or CancelForm(),
        "complete_form": bound.get("complete") or CompleteForm(initial={"amount": appointment.price}),
        "slots": _slots(membership, values) if appointment.is_live else [],
        "values": values,
        "error": bound.get("error"),
        "can_close": appointment.status in {Status.PENDING, Status.CONFIRMED, Status.NO_SHOW},
    }
    return show(request, "bookings/appointment_detail.html", context, shop=shop, status=status)


def _back(appointment: Appointment, text: str, request: SignedInRequest) -> HttpResponse:
    messages.success(request, text)
    day = appointment.start.astimezone(appointment.shop.tzinfo).date()
    return redirect(f"{reverse('bookings_calendar')}?date={day.isoformat()}")


@login_required
@require_GET
def appointment_detail(request: SignedInRequest, appointment_id: str) -> HttpResponse:
    membership = member(request)
    return _page(request, membership, selectors.get_appointment(membership=membership, appointment_id=appointment_id))


@login_required
@require_POST
def appointment_move(request: SignedInRequest, appointment_id: str) -> HttpResponse:
    membership = member(request)
    appointment = selectors.get_appointment(membership=membership, appointment_id=appointment_id)
    form = MoveForm(request.POST, shop=membership.shop, barbers=bookable_barbers(membership))
    if not form.is_valid():
        return _page(request, membership, appointment, status=400, move=form)
    try:
        moved = services.appointment_reschedule(
            appointment=appointment, start=form.cleaned_data["start"], barber=form.cleaned_data["barber"]
        )
    except BookingError as refusal:
        add_refusal(form, refusal)
        return _page(request, membership, appointment, status=refusal_status(refusal), move=form)
    return _back(moved, "Appointment moved.", request)


@login_required
@require_POST
def appointment_cancel(request: SignedInRequest, appointment_id: str) -> HttpResponse:
    membership = member(request)
    appointment = selectors.get_appointment(membership=membership, appointment_id=appointment_id)
    form = CancelForm(request.POST)
    form.is_valid()  # the reason is optional and bounded: always valid
    return _act(
        request,
        membership,
        appointment,
        form,
        "cancel",
        lambda: services.appointment_cancel(appointment=appointment, reason=form.cleaned_data.get("reason", "")),
        "Appointment cancelled.",
    )


@login_required
@require_POST
def appointment_complete(request: SignedInRequest, appointment_id: str) -> HttpResponse:
    membership = member(request)
    appointment = selectors.get_appointment(membership=membership, appointment_id=appointment_id)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        return _page(request, membership, appointment, status=400, complete=form)

    def complete() -> Appointment:
        with transaction.atomic():  # a refused payment leaves the visit as it was
            done = services.appointment_status_set(appointment=appointment, status=Status.COMPLETED)
            if form.cleaned_data["record_payment"]:
                services.payment_record(
                    appointment=done,
                    amount=form.cleaned_data["amount"],
                    method=form.cleaned_data["method"],
                    actor=request.user,
                )
        return done

    return _act(request, membership, appointment, form, "complete", complete, "Marked completed.")


@login_required
@require_POST
def appointment_status(request: SignedInRequest, appointment_id: str, status: str) -> HttpResponse:
    """Confirm a pending appointment or mark a no-show (buttons without fields)."""
    membership = member(request)
    appointment = selectors.get_appointment(membership=membership, appointment_id=appointment_id)
    text = {Status.CONFIRMED: "Appointment confirmed.", Status.NO_SHOW: "Marked as a no-show."}[Status(status)]
    return _act(
        request,
        membership,
        appointment,
        forms.Form(data={}),
        "error",
        lambda: services.appointment_status_set(appointment=appointment, status=status),
        text,
    )


def _act(
    request: SignedInRequest,
    membership: Membership,
    appointment: Appointment,
    form: forms.Form,
    slot: str,
    action: Callable[[], Appointment],
    text: str,
) -> HttpResponse:
    try:
        done = action()
    except BookingError as refusal:
        add_refusal(form, refusal)
        return _page(request, membership, appointment, status=refusal_status(refusal), **{slot: form})
    return _back(done, text, request)

"""Signed links to one appointment: the customer's key to view, move or cancel it (no account)."""

from __future__ import annotations

from uuid import UUID

from django.core import signing
from django.http import Http404
from django.urls import reverse

from bookings.models import Appointment
from sixfb.models import Shop

# A salt of its own, so no other signed value of the project can pass for an appointment link.
SALT = "bookings.public.appointment-link"


def appointment_token(appointment: Appointment) -> str:
    return signing.dumps(appointment.pk.hex, salt=SALT)


def appointment_url(appointment: Appointment, *, shop: Shop) -> str:
    return reverse("book_appointment", args=[shop.slug, appointment_token(appointment)])


def appointment_from_token(*, shop: Shop, token: str) -> Appointment:
    """The appointment ``token`` names, if it is this shop's; a tampered or foreign link is a 404."""
    try:
        value = signing.loads(token, salt=SALT)
        appointment_id = UUID(hex=str(value))
    except (signing.BadSignature, ValueError) as exc:
        raise Http404("No such appointment.") from exc
    found = Appointment.objects.filter(shop=shop, pk=appointment_id).select_related("shop", "service", "barber").first()
    if found is None:
        raise Http404("No such appointment.")
    return found

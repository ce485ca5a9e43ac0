"""The signed link a customer gets after booking: view, move and cancel within the shop's window;
tampered or foreign links are 404."""

from __future__ import annotations

import html
import re

import pytest

from bookings import services
from bookings.models import Appointment
from bookings.tests.public_support import at, book, link_of, open_day, open_shop

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def booked(client, opened, hour: int = 10, ahead: int = 3) -> tuple[str, Appointment]:
    start = at(opened.shop, open_day(opened.shop, ahead), hour)
    link = link_of(book(client, opened, start, barber=opened.barber.pk))
    return link, Appointment.objects.get(start=start)


def test_the_link_shows_the_appointment_and_cancels_it_within_the_window(client):
    opened = open_shop()
    link, appointment = booked(client, opened)
    page = client.get(link)
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    assert "Change time" in text(page) and "Cancel appointment" in text(page)
    assert "noindex" in page.content.decode()

    confirm = client.get(f"{link}cancel/")
    assert "Cancel this appointment?" in text(confirm)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED  # looking is not cancelling

    done = client.post(f"{link}cancel/")
    assert done.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancellation_reason == "Cancelled by the customer"
    after = text(client.get(done["Location"]))
    assert "Your appointment is cancelled." in after and "Change time" not in after


def test_after_the_window_the_page_says_to_call_the_shop_and_cancelling_is_refused(client):
    opened = open_shop()
    link, appointment = booked(client, opened)
    services.booking_settings_update(shop=opened.shop, cancellation_window_hours=24 * 14)
    page = text(client.get(link))
    assert "too late to change this appointment online" in page and "+1 212 555 0100" in page
    assert "Cancel appointment" not in page

    refused = client.post(f"{link}cancel/")
    assert refused.status_code == 400 and "Please call the shop" in text(refused)
    moved = client.post(f"{link}move/", {"start": at(opened.shop, appointment.start.date(), 14).isoformat()})
    assert moved.status_code == 400 and "Please call the shop" in text(moved)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED and appointment.start.hour != 14


def test_moving_offers_the_barbers_free_times_and_moves_it(client):
    opened = open_shop()
    link, appointment = booked(client, opened)
    day = appointment.start.astimezone(opened.shop.tzinfo).date()
    choose = client.get(f"{link}move/", {"from": day.isoformat(), "day": day.isoformat()})
    assert choose.status_code == 200
    offered = re.findall(r'name="start" value="([^"]+)"', choose.content.decode())
    assert at(opened.shop, day, 15).isoformat() in offered
    assert appointment.start.isoformat() not in offered  # its own time is not a new one

    done = client.post(f"{link}move/", {"start": at(opened.shop, day, 15).isoformat()})
    assert done.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == at(opened.shop, day, 15) and appointment.barber == opened.barber
    assert "Your appointment has moved." in text(client.get(done["Location"]))


def test_moving_onto_a_taken_time_says_so_and_keeps_the_appointment(client):
    opened = open_shop()
    link, appointment = booked(client, opened)
    taken = at(opened.shop, appointment.start.date(), 12)
    book(client, opened, taken, barber=opened.barber.pk, phone="2125550199")
    response = client.post(f"{link}move/", {"start": taken.isoformat()})
    assert response.status_code == 409 and "That time has just been taken." in text(response)
    appointment.refresh_from_db()
    assert appointment.start == at(opened.shop, appointment.start.date(), 10)


def test_a_tampered_link_is_404(client):
    opened = open_shop()
    link, _appointment = booked(client, opened)
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (forged, "nonsense", token.split(":")[0]):
        assert client.get(f"/book/{opened.shop.slug}/a/{bad}/").status_code == 404
        assert client.post(f"/book/{opened.shop.slug}/a/{bad}/cancel/").status_code == 404
    assert Appointment.objects.get().status == Appointment.Status.CONFIRMED


def test_a_link_of_one_shop_under_another_shops_address_is_404(client):
    first, second = open_shop("Fresh Cuts"), open_shop("Sharp Lines")
    link, appointment = booked(client, first)
    foreign = link.replace(f"/book/{first.shop.slug}/", f"/book/{second.shop.slug}/")
    assert client.get(foreign).status_code == 404
    assert client.post(f"{foreign}cancel/").status_code == 404
    new_start = at(first.shop, open_day(first.shop), 15).isoformat()
    assert client.post(f"{foreign}move/", {"start": new_start}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


def test_the_link_shows_the_price_as_booked_and_a_pending_request_as_such(client):
    opened = open_shop()
    services.booking_settings_update(shop=opened.shop, confirm_online_bookings=False)
    link, appointment = booked(client, opened)
    services.service_update(service=opened.service, price="50.00")
    page = text(client.get(f"{link}?done=booked"))
    assert "$35" in page and "$50" not in page
    assert "Thanks, your request is in." in page and "Waiting for the shop to confirm" in page
    assert appointment.status == Appointment.Status.PENDING

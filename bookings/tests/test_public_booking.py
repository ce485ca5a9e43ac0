"""The public booking page, step by step with the test client: choose, book, and the honest errors."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import Appointment, Customer
from bookings.tests.public_support import at, book, booking_form, details_url, link_of, open_day, open_shop

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def test_a_customer_books_step_by_step_and_lands_on_the_signed_confirmation(client):
    opened = open_shop()
    shop, service = opened.shop, opened.service
    start_page = client.get(f"/book/{shop.slug}/")
    assert start_page.status_code == 200
    assert "Skin fade" in text(start_page) and "$35" in text(start_page)
    assert 'href="/static/css/book.css"' in start_page.content.decode()
    assert "app.css" not in start_page.content.decode() and "<script" not in start_page.content.decode()

    barbers = text(client.get(reverse("book_barbers", args=[shop.slug, service.pk])))
    assert "Anyone available" in barbers and "Sam" in barbers and "Jo" in barbers

    day = open_day(shop)
    times_url = reverse("book_times", args=[shop.slug, service.pk])
    times = client.get(times_url, {"barber": opened.barber.pk, "day": day.isoformat(), "from": day.isoformat()})
    page = text(times)
    assert "Morning" in page and "Afternoon" in page and "Evening" in page
    assert "9:00 AM" in page and "5:30 PM" in page and "6:00 PM" not in page
    pick = re.search(r'href="(/book/[^"]+/details/\?[^"]+)"', times.content.decode())
    assert pick is not None

    form = client.get(html.unescape(pick.group(1)))
    assert form.status_code == 200
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.content.decode())
    assert key is not None and len(key.group(1)) >= 16
    assert "checked" not in form.content.decode()  # marketing consent starts unticked

    start = at(shop, day, 9)
    response = book(client, opened, start, barber=opened.barber.pk, key=key.group(1))
    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    page = text(confirmation)
    assert "You're booked" in page and "Skin fade" in page and "with Sam" in page and "9:00 AM" in page
    appointment = Appointment.objects.get()
    assert appointment.start == start and appointment.barber == opened.barber
    assert appointment.source == Appointment.Source.ONLINE and appointment.status == Appointment.Status.CONFIRMED
    customer = appointment.customer
    assert (customer.name, customer.phone, customer.email) == ("Ana Díaz", "+12125550123", "ana@example.com")
    assert customer.email_consent_at is None and customer.sms_consent_at is None


def test_anyone_books_whoever_is_free_and_ticked_boxes_record_consent(client):
    opened = open_shop()
    start = at(opened.shop, open_day(opened.shop), 11)
    link_of(book(client, opened, start, barber=opened.barber.pk, phone="2125550111"))
    link_of(book(client, opened, start, email_consent="on", sms_consent="on"))
    second = Appointment.objects.get(customer__phone="+12125550123")
    assert second.barber == opened.other_barber
    assert second.customer.email_consent_at is not None and second.customer.sms_consent_at is not None


def test_the_same_form_posted_twice_makes_one_appointment(client):
    opened = open_shop()
    form = booking_form(at(opened.shop, open_day(opened.shop), 10), key="retry-key-0123456789abcdef")
    first = client.post(details_url(opened.shop, opened.service), form)
    again = client.post(details_url(opened.shop, opened.service), form)
    assert link_of(first) == link_of(again)
    assert Appointment.objects.count() == 1 and Customer.objects.count() == 1


def test_a_time_just_taken_offers_the_nearest_free_times_and_keeps_what_was_typed(client):
    opened = open_shop()
    day = open_day(opened.shop)
    taken = at(opened.shop, day, 10)
    link_of(book(client, opened, taken, barber=opened.barber.pk, phone="2125550111"))

    response = book(client, opened, taken, barber=opened.barber.pk, name="Bo Lee", email="bo@example.com")
    assert response.status_code == 409
    page = text(response)
    assert "That time has just been taken." in page
    assert "Nearest free times" in page
    offered = re.findall(r'name="alternative" value="([^"]+)"', response.content.decode())
    assert offered and taken.isoformat() not in offered
    assert at(opened.shop, day, 10, 30).isoformat() in offered and at(opened.shop, day, 9, 30).isoformat() in offered
    assert 'value="Bo Lee"' in response.content.decode() and 'value="bo@example.com"' in response.content.decode()

    instead = at(opened.shop, day, 10, 30).isoformat()
    form = booking_form(taken, barber=opened.barber.pk, name="Bo Lee", alternative=instead)
    link_of(client.post(details_url(opened.shop, opened.service), form))
    assert Appointment.objects.filter(customer__name="Bo Lee", start=at(opened.shop, day, 10, 30)).exists()


def test_an_invalid_phone_shows_the_form_again_with_everything_typed(client):
    opened = open_shop()
    response = book(client, opened, at(opened.shop, open_day(opened.shop), 10), phone="12", sms_consent="on")
    assert response.status_code == 400
    content = response.content.decode()
    assert "phone number" in text(response).lower()
    assert 'value="Ana Díaz"' in content and 'value="12"' in content and 'value="ana@example.com"' in content
    assert 'name="sms_consent" value="on" checked' in content
    assert not Customer.objects.exists() and not Appointment.objects.exists()


def test_a_missing_name_is_asked_for(client):
    opened = open_shop()
    response = book(client, opened, at(opened.shop, open_day(opened.shop), 10), name="")
    assert response.status_code == 400 and "Enter your name." in text(response)
    assert not Appointment.objects.exists()


def test_times_move_through_the_days_within_the_horizon(client):
    opened = open_shop()
    services.booking_settings_update(shop=opened.shop, horizon_days=10)
    times_url = reverse("book_times", args=[opened.shop.slug, opened.service.pk])
    first = client.get(times_url, {"barber": "any"}).content.decode()
    later = re.search(r'href="([^"]+)" aria-label="Later days"', first)
    assert later is not None
    second = client.get(html.unescape(later.group(1))).content.decode()
    assert 'aria-label="Earlier days"' in second and 'aria-label="Later days"' not in second  # the horizon


def test_a_day_off_for_everyone_says_no_free_times(client):
    opened = open_shop()
    day = open_day(opened.shop)
    for barber in (opened.barber, opened.other_barber):
        services.time_off_add(barber=barber, first_day=day, last_day=day)
    times_url = reverse("book_times", args=[opened.shop.slug, opened.service.pk])
    page = text(client.get(times_url, {"barber": "any", "from": day.isoformat(), "day": day.isoformat()}))
    assert "No free times on this day" in page and "Morning" not in page


def test_a_shop_without_bookable_services_says_so(client):
    opened = open_shop()
    services.service_update(service=opened.service, active=False)
    response = client.get(f"/book/{opened.shop.slug}/")
    assert response.status_code == 200
    assert "has no services to book online yet" in text(response) and "+1 212 555 0100" in text(response)
    assert client.get(reverse("book_barbers", args=[opened.shop.slug, opened.service.pk])).status_code == 404


def test_unknown_shop_is_404_and_a_closed_shop_says_it_takes_no_online_bookings(client):
    opened = open_shop()
    assert client.get("/book/no-such-shop/").status_code == 404
    services.booking_settings_update(shop=opened.shop, online_booking_enabled=False)
    page = text(client.get(f"/book/{opened.shop.slug}/"))
    assert "is not taking online bookings right now" in page
    response = book(client, opened, at(opened.shop, open_day(opened.shop), 10))
    assert "is not taking online bookings right now" in text(response)
    assert not Appointment.objects.exists()

"""The public booking page against misuse: rate limits, CSRF, and another shop's ids."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from bookings.models import Appointment, Customer
from bookings.tests.public_support import at, book, booking_form, details_url, link_of, open_day, open_shop

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


@override_settings(BOOKING_RATE_LIMIT_PER_IP=3)
def test_too_many_booking_posts_from_one_address_get_a_429_page(client):
    opened = open_shop()
    day = open_day(opened.shop)
    for n, hour in enumerate((9, 10, 11)):
        link_of(book(client, opened, at(opened.shop, day, hour), phone=f"21255501{n:02d}"))
    response = book(client, opened, at(opened.shop, day, 12), phone="2125550177")
    assert response.status_code == 429
    assert "Too many booking requests from your connection" in text(response)
    assert Appointment.objects.count() == 3
    other = Client(REMOTE_ADDR="203.0.113.9")  # another address still books
    link_of(book(other, opened, at(opened.shop, day, 12), phone="2125550177"))


@override_settings(BOOKING_RATE_LIMIT_PER_PHONE=2)
def test_too_many_booking_posts_for_one_phone_get_a_429_page():
    opened = open_shop()
    day = open_day(opened.shop)
    for n, hour in enumerate((9, 10)):
        link_of(book(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), opened, at(opened.shop, day, hour)))
    response = book(Client(REMOTE_ADDR="203.0.113.50"), opened, at(opened.shop, day, 11), phone="+1 212-555-0123")
    assert response.status_code == 429 and "for this phone number" in text(response)
    assert Appointment.objects.count() == 2


@override_settings(BOOKING_RATE_LIMIT_PER_IP=1)
def test_rate_limits_are_off_while_the_cache_is_down(client, monkeypatch):
    from django.core.cache import cache

    def unreachable(*args, **kwargs):
        raise ValueError("the cache is unreachable")  # what the Redis backend raises when down

    monkeypatch.setattr(cache, "incr", unreachable)
    opened = open_shop()
    day = open_day(opened.shop)
    for n, hour in enumerate((9, 10, 11)):
        link_of(book(client, opened, at(opened.shop, day, hour), phone=f"21255501{n:02d}"))


def test_booking_posts_need_the_csrf_token():
    opened = open_shop()
    client = Client(enforce_csrf_checks=True)
    start = at(opened.shop, open_day(opened.shop), 10)
    refused = client.post(details_url(opened.shop, opened.service), booking_form(start))
    assert refused.status_code == 403
    assert not Appointment.objects.exists() and not Customer.objects.exists()

    form = client.get(details_url(opened.shop, opened.service), {"barber": "any", "start": start.isoformat()})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())
    assert token is not None
    accepted = client.post(
        details_url(opened.shop, opened.service), {**booking_form(start), "csrfmiddlewaretoken": token.group(1)}
    )
    link = link_of(accepted)
    assert client.post(f"{link}cancel/").status_code == 403  # cancelling too
    assert Appointment.objects.get().status == Appointment.Status.CONFIRMED


def test_another_shops_service_or_barber_is_404_and_nothing_is_written(client):
    mine, theirs = open_shop("Fresh Cuts"), open_shop("Sharp Lines")
    start = at(mine.shop, open_day(mine.shop), 10)
    slug = mine.shop.slug
    assert client.get(reverse("book_barbers", args=[slug, theirs.service.pk])).status_code == 404
    their_barber = {"barber": theirs.barber.pk}
    assert client.get(reverse("book_times", args=[slug, mine.service.pk]), their_barber).status_code == 404
    assert client.get(reverse("book_times", args=[slug, "not-a-uuid"])).status_code == 404
    assert client.post(details_url(mine.shop, theirs.service), booking_form(start)).status_code == 404
    for barber in (theirs.barber.pk, "nonsense"):
        assert client.post(details_url(mine.shop, mine.service), booking_form(start, barber=barber)).status_code == 404
    assert not Appointment.objects.exists() and not Customer.objects.exists()


def test_a_barber_who_does_not_offer_the_service_cannot_be_chosen(client):
    from bookings import services

    opened = open_shop()
    services.service_update(service=opened.service, barbers=[opened.barber])
    times = reverse("book_times", args=[opened.shop.slug, opened.service.pk])
    assert client.get(times, {"barber": opened.other_barber.pk}).status_code == 404
    start = at(opened.shop, open_day(opened.shop), 10)
    response = client.post(details_url(opened.shop, opened.service), booking_form(start, barber=opened.other_barber.pk))
    assert response.status_code == 404 and not Appointment.objects.exists()


def test_a_time_too_soon_or_in_the_past_is_refused_with_other_times(client):
    opened = open_shop()
    past = at(opened.shop, open_day(opened.shop, -2), 10)
    response = book(client, opened, past)
    assert response.status_code == 400 and "already passed" in text(response)
    assert not Appointment.objects.exists() and not Customer.objects.exists()


def test_a_stale_or_malformed_time_link_goes_back_to_the_times(client):
    opened = open_shop()
    response = client.get(details_url(opened.shop, opened.service), {"barber": "any", "start": "tomorrow"})
    assert response.status_code == 302 and "/times/" in response["Location"]
    form = {**booking_form(at(opened.shop, open_day(opened.shop), 10)), "start": "2030-01-01T10:00"}  # no offset
    naive = client.post(details_url(opened.shop, opened.service), form)
    assert naive.status_code == 400 and "Choose another time" in text(naive)

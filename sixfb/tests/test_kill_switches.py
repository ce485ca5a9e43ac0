"""The kill switches, each off and on: signup_open, online_booking_enabled and sms_enabled.
(ai_chat_enabled: chat/tests/test_chat_paused.py; the ai_agent_v2 flag: chat/tests/test_ai_agent_v2_*.)"""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import timezone
from waffle.testutils import override_switch

from bookings import services as bookings
from bookings.errors import BookingError
from bookings.models import Appointment, Customer
from bookings.tests.public_support import at, book, details_url, link_of, open_day, open_shop
from bookings.tests.support import MONDAY, booking_shop
from notifications.models import Notification
from sixfb.flags import ONLINE_BOOKING_ENABLED, SIGNUP_OPEN, SMS_ENABLED
from sixfb.models import User
from tests.base import PASSWORD, make_owner

pytestmark = pytest.mark.django_db

SIGNUP_FORM = {"email": "new@example.com", "password1": PASSWORD, "shop_name": "New Shop"}
PAUSED = "Online booking is paused — call the shop."


def text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


# --- signup_open -------------------------------------------------------------------------------


@override_switch(SIGNUP_OPEN, active=False)
def test_signup_closed_creates_nobody_says_when_to_come_back_and_hides_every_signup_link(client, settings):
    settings.SUPPORT_EMAIL = "help@6fb.example"
    signup_url = reverse("account_signup")

    page = client.get(signup_url)
    assert page.status_code == 200
    assert "Sign-up is closed for now" in text(page)
    assert "come back later today" in text(page)
    assert 'href="mailto:help@6fb.example"' in page.content.decode()
    assert 'class="main auth"' in page.content.decode()  # the house layout
    assert client.post(signup_url, SIGNUP_FORM).status_code == 200
    assert not User.objects.filter(email="new@example.com").exists()

    for url in (reverse("landing"), reverse("pricing"), reverse("account_login")):
        assert f'href="{signup_url}"' not in client.get(url).content.decode(), url


@override_switch(SIGNUP_OPEN, active=False)
def test_signing_in_keeps_working_while_signup_is_closed(client):
    make_owner(email="barber@example.com")
    response = client.post(reverse("account_login"), {"login": "barber@example.com", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("dashboard"))


@override_switch(SIGNUP_OPEN, active=True)
def test_signup_open_shows_the_links_and_signs_people_up(client):
    signup_url = reverse("account_signup")
    for url in (reverse("landing"), reverse("pricing"), reverse("account_login")):
        assert f'href="{signup_url}"' in client.get(url).content.decode(), url
    assert "Sign-up is closed" not in text(client.get(signup_url))
    assert client.post(signup_url, SIGNUP_FORM).status_code == 302
    assert User.objects.filter(email="new@example.com").exists()


# --- online_booking_enabled --------------------------------------------------------------------


def test_booking_paused_shows_the_phone_and_no_times_and_refuses_the_form(client):
    opened = open_shop()
    shop, service = opened.shop, opened.service
    start = at(shop, open_day(shop), 10)
    with override_switch(ONLINE_BOOKING_ENABLED, active=False):
        for url in (
            f"/book/{shop.slug}/",
            reverse("book_barbers", args=[shop.slug, service.pk]),
            reverse("book_times", args=[shop.slug, service.pk]),
        ):
            page = client.get(url)
            assert page.status_code == 200
            assert PAUSED in text(page)
            assert 'href="tel:+12125550100"' in page.content.decode()
            assert "Skin fade" not in text(page) and "10:00 AM" not in text(page)

        refused = book(client, opened, start)
        assert refused.status_code == 503
        assert "Your appointment was not booked." in text(refused) and PAUSED in text(refused)
        assert Appointment.objects.count() == 0
        assert Customer.objects.count() == 0

    # Back on: the same form books.
    assert link_of(book(client, opened, start))
    assert Appointment.objects.count() == 1


def test_booking_paused_overrides_a_shop_that_has_online_booking_on_and_one_that_has_it_off(client):
    opened = open_shop()
    bookings.booking_settings_update(shop=opened.shop, online_booking_enabled=False)
    assert "not taking online bookings" in text(client.get(f"/book/{opened.shop.slug}/"))
    with override_switch(ONLINE_BOOKING_ENABLED, active=False):
        assert PAUSED in text(client.get(f"/book/{opened.shop.slug}/"))


def test_a_paused_booking_page_without_a_phone_says_to_contact_the_shop(client):
    opened = open_shop()
    opened.shop.phone = ""
    opened.shop.save(update_fields=["phone"])
    with override_switch(ONLINE_BOOKING_ENABLED, active=False):
        page = text(client.get(details_url(opened.shop, opened.service)))
    assert PAUSED in page and "Please contact Fresh Cuts directly to book." in page


def test_while_paused_a_customer_cannot_move_an_appointment_online_but_can_still_cancel_it(client):
    opened = open_shop()
    link = link_of(book(client, opened, at(opened.shop, open_day(opened.shop), 10)))
    with override_switch(ONLINE_BOOKING_ENABLED, active=False):
        move = client.get(link + "move/")
        assert move.status_code == 503
        assert "Online booking is paused. Nothing was booked or changed; please call the shop." in text(move)
        assert client.post(link + "cancel/").status_code == 302
    assert Appointment.objects.get().status == Appointment.Status.CANCELLED


def test_the_booking_service_refuses_online_bookings_while_staff_keep_booking():
    shop = booking_shop()
    with override_switch(ONLINE_BOOKING_ENABLED, active=False):
        with pytest.raises(BookingError) as refused:
            bookings.appointment_book(
                shop=shop.shop, service=shop.cut, start=shop.at(MONDAY, "10:00"), customer=shop.customer,
                source=Appointment.Source.ONLINE,
            )  # fmt: skip
        assert (refused.value.code, refused.value.status) == ("online_booking_paused", 503)
        staff = bookings.appointment_book(
            shop=shop.shop, service=shop.cut, start=shop.at(MONDAY, "11:00"), customer=shop.customer
        )
    assert Appointment.objects.get() == staff


# --- sms_enabled -------------------------------------------------------------------------------


def _confirmation_channels(django_capture_on_commit_callbacks) -> dict[str, tuple[str, str]]:
    shop = booking_shop()
    shop.customer.email, shop.customer.sms_consent_at = "dee@example.com", timezone.now()
    shop.customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        bookings.appointment_book(
            shop=shop.shop, service=shop.cut, start=shop.at(MONDAY, "10:00"), customer=shop.customer,
            barber=shop.barbers[0], now=timezone.now(),
        )  # fmt: skip
    confirmation = Notification.objects.get(customer=shop.customer, kind="booking_confirmation")
    return {channel: (status, reason) for channel, status, reason in confirmation.deliveries.values_list(
        "channel", "status", "reason"
    )}  # fmt: skip


@override_switch(SMS_ENABLED, active=False)
def test_sms_off_skips_the_text_as_channel_off_and_still_emails(django_capture_on_commit_callbacks):
    channels = _confirmation_channels(django_capture_on_commit_callbacks)
    assert channels == {"email": ("sent", ""), "sms": ("skipped", "channel_off")}


@override_switch(SMS_ENABLED, active=True)
def test_sms_on_sends_the_text(django_capture_on_commit_callbacks):
    channels = _confirmation_channels(django_capture_on_commit_callbacks)
    assert channels == {"email": ("sent", ""), "sms": ("sent", "")}

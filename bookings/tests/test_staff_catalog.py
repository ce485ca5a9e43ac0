"""Services, barbers (hours, time off, login), booking settings and the dashboard's bookings panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bookings.models import Barber, BookingSettings, Service, Shift, TimeOff
from bookings.tests.test_staff_calendar import book, make_team
from sixfb import dashboard
from sixfb.models import Membership
from tests.base import add_member

pytestmark = pytest.mark.django_db


def test_management_pages_render_for_the_owner(client):
    team = make_team()
    client.force_login(team.owner)
    for url in [
        reverse("services"),
        reverse("service_new"),
        reverse("service_edit", args=[team.cut.pk]),
        reverse("barbers"),
        reverse("barber_new"),
        reverse("barber_edit", args=[team.ana.pk]),
        reverse("booking_settings"),
        reverse("customers"),
        reverse("customer_new"),
        reverse("appointment_new"),
    ]:
        assert client.get(url).status_code == 200, url


def test_creating_and_editing_a_service_with_its_barbers(client):
    team = make_team()
    client.force_login(team.owner)
    fields = {"name": "Beard trim", "duration_minutes": 20, "price": "15.50", "buffer_after_minutes": 5, "position": 2}

    client.post(reverse("service_new"), {**fields, "active": "on", "barbers": [team.ben.pk]})
    trim = Service.objects.get(shop=team.shop, name="Beard trim")
    client.post(reverse("service_edit", args=[trim.pk]), {**fields, "price": "18.00", "barbers": [team.ana.pk]})

    trim.refresh_from_db()
    assert str(trim.price) == "18.00" and trim.buffer_after_minutes == 5 and not trim.active
    assert list(trim.barbers.all()) == [team.ana]


def test_a_bad_price_is_shown_and_nothing_saved(client):
    team = make_team()
    client.force_login(team.owner)
    response = client.post(
        reverse("service_new"),
        {"name": "Odd", "duration_minutes": 20, "price": "-1", "position": 0, "buffer_after_minutes": 0},
    )
    assert response.status_code == 400 and 'value="Odd"' in response.content.decode()
    assert not Service.objects.filter(name="Odd").exists()


def test_a_barber_with_a_login_and_services(client):
    team = make_team()
    login = add_member(shop=team.shop, role=Membership.Role.BARBER)
    client.force_login(team.owner)

    response = client.post(
        reverse("barber_new"),
        {
            "name": "Dee",
            "active": "on",
            "position": 3,
            "membership": login.memberships.get().pk,
            "services": [team.cut.pk],
        },
    )

    dee = Barber.objects.get(shop=team.shop, name="Dee")
    assert response.status_code == 302 and dee.membership.user == login
    assert list(dee.services.all()) == [team.cut]
    client.post(reverse("barber_edit", args=[dee.pk]), {"name": "Dee", "position": 3, "membership": ""})
    dee.refresh_from_db()
    assert dee.membership is None and not dee.active


def test_weekly_hours_with_several_shifts_a_day_and_back_to_the_shops_hours(client):
    team = make_team()
    client.force_login(team.owner)
    url = reverse("barber_hours", args=[team.ana.pk])

    client.post(url, {"monday": "09:00-12:00, 13:00-17:00", "tuesday": "10:00-18:00"})
    assert sorted((s.weekday, s.start, s.end) for s in Shift.objects.filter(barber=team.ana)) == [
        (0, dt.time(9), dt.time(12)),
        (0, dt.time(13), dt.time(17)),
        (1, dt.time(10), dt.time(18)),
    ]
    page = client.get(reverse("barber_edit", args=[team.ana.pk])).content.decode()
    assert 'value="09:00-12:00, 13:00-17:00"' in page

    client.post(url, {"use_shop_hours": "on", "monday": "09:00-12:00"})
    assert not Shift.objects.filter(barber=team.ana).exists()


def test_bad_hours_are_shown_next_to_the_day(client):
    team = make_team()
    client.force_login(team.owner)
    url = reverse("barber_hours", args=[team.ana.pk])
    unreadable = client.post(url, {"monday": "nine to five"})
    backwards = client.post(url, {"friday": "17:00-09:00"})
    assert unreadable.status_code == 400 and "is not like 09:00-17:00" in unreadable.content.decode()
    assert backwards.status_code == 400 and "ends before it starts" in backwards.content.decode()
    assert not Shift.objects.exists()


def test_time_off_is_added_and_removed(client):
    team = make_team()
    client.force_login(team.owner)
    client.post(
        reverse("time_off_add", args=[team.ana.pk]),
        {"first_day": "2030-07-01", "last_day": "2030-07-14", "reason": "Summer"},
    )
    off = TimeOff.objects.get(barber=team.ana)
    assert (off.first_day, off.last_day, off.reason) == (dt.date(2030, 7, 1), dt.date(2030, 7, 14), "Summer")

    backwards = client.post(
        reverse("time_off_add", args=[team.ana.pk]), {"first_day": "2030-07-05", "last_day": "2030-07-01"}
    )
    client.post(reverse("time_off_remove", args=[team.ana.pk, off.pk]))

    assert backwards.status_code == 400 and not TimeOff.objects.exists()


def test_booking_settings_are_saved(client):
    team = make_team()
    client.force_login(team.owner)
    client.post(
        reverse("booking_settings"),
        {
            "slot_minutes": 30,
            "min_notice_minutes": 120,
            "horizon_days": 30,
            "cancellation_window_hours": 12,
            "currency": "eur",
            "phone_region": "DE",
            "confirm_online_bookings": "on",
        },
    )
    saved = BookingSettings.objects.get(shop=team.shop)
    assert (saved.slot_minutes, saved.horizon_days, saved.currency, saved.online_booking_enabled) == (
        30,
        30,
        "EUR",
        False,
    )


def test_a_barber_cannot_manage_services_barbers_or_settings(client):
    team = make_team()
    client.force_login(add_member(shop=team.shop, role=Membership.Role.BARBER))
    for url in [
        reverse("services"),
        reverse("service_edit", args=[team.cut.pk]),
        reverse("barbers"),
        reverse("barber_edit", args=[team.ana.pk]),
        reverse("booking_settings"),
    ]:
        assert client.get(url).status_code == 403, url
    client.post(
        reverse("service_edit", args=[team.cut.pk]),
        {"name": "Free", "duration_minutes": 5, "price": "0", "position": 0, "buffer_after_minutes": 0},
    )
    team.cut.refresh_from_db()
    assert team.cut.name == "Haircut"
    nav = client.get(reverse("bookings_calendar")).content.decode()
    assert reverse("services") not in nav


def test_another_shops_services_and_barbers_are_not_found(client):
    team, other = make_team(), make_team("Other Shop")
    off = TimeOff.objects.create(barber=other.ana, first_day=dt.date(2030, 1, 1), last_day=dt.date(2030, 1, 2))
    client.force_login(team.owner)
    assert client.get(reverse("service_edit", args=[other.cut.pk])).status_code == 404
    assert client.get(reverse("barber_edit", args=[other.ana.pk])).status_code == 404
    assert client.post(reverse("barber_hours", args=[other.ana.pk]), {"monday": "09:00-10:00"}).status_code == 404
    assert (
        client.post(
            reverse("time_off_add", args=[other.ana.pk]), {"first_day": "2030-01-01", "last_day": "2030-01-01"}
        ).status_code
        == 404
    )
    assert client.post(reverse("time_off_remove", args=[other.ana.pk, off.pk])).status_code == 404
    assert client.post(reverse("time_off_remove", args=[team.ana.pk, off.pk])).status_code == 404
    assert TimeOff.objects.filter(pk=off.pk).exists() and not Shift.objects.exists()


def test_the_dashboard_shows_todays_appointments_and_the_next_free_slot(client):
    team = make_team()
    today = book(team, days=0, hhmm="09:00")
    later = book(team, days=1, hhmm="10:00")
    client.force_login(team.owner)

    page = client.get(reverse("dashboard")).content.decode()

    assert "data-next-free" in page and "Next free:" in page and "(Haircut)" in page
    assert f'data-appointment="{today.pk}"' in page and "Carl Client" in page
    assert f'data-appointment="{later.pk}"' not in page  # tomorrow is not today


def test_the_dashboard_works_without_any_panel(client, monkeypatch):
    team = make_team()
    monkeypatch.setattr(dashboard, "_panels", [])
    client.force_login(team.owner)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200 and "data-next-free" not in response.content.decode()

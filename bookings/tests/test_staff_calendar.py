"""The staff calendar: day and week by barber, and booking, moving, cancelling, completing and no-shows
through the pages; a barber sees only their own column."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Appointment, Barber, Customer, Payment, Service
from sixfb.models import WEEKDAYS, Membership, Shop, User
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db


@dataclass
class Team:
    owner: User
    shop: Shop
    ana: Barber
    ben: Barber
    cut: Service
    customer: Customer


def make_team(shop_name: str = "Fresh Cuts") -> Team:
    owner, shop = make_owner(shop_name=shop_name)
    every_day = {"closed": False, "open": "09:00", "close": "18:00"}
    shop.business_hours = dict.fromkeys(WEEKDAYS, every_day)  # open on Sundays too: tests need not dodge them
    shop.save(update_fields=["business_hours"])
    ana = services.barber_create(shop=shop, name="Ana")
    ben = services.barber_create(shop=shop, name="Ben")
    cut = services.service_create(shop=shop, name="Haircut", duration_minutes=30, price="35.00")
    customer = services.customer_create(shop=shop, name="Carl Client", phone="+12125550100")
    return Team(owner, shop, ana, ben, cut, customer)


def day_from_today(shop: Shop, days: int) -> dt.date:
    return timezone.now().astimezone(shop.tzinfo).date() + dt.timedelta(days=days)


def at(shop: Shop, day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=shop.tzinfo)


def book(team: Team, *, days: int = 1, hhmm: str = "10:00", barber: Barber | None = None) -> Appointment:
    """An appointment; one in the past is booked as if it were made two days before it."""
    start = at(team.shop, day_from_today(team.shop, days), hhmm)
    return services.appointment_book(
        shop=team.shop,
        service=team.cut,
        start=start,
        customer=team.customer,
        barber=barber or team.ana,
        now=min(timezone.now(), start - dt.timedelta(days=2)),
    )


def test_day_view_shows_a_column_per_barber_with_their_appointments(client):
    team = make_team()
    booked = book(team, hhmm="10:00", barber=team.ben)
    client.force_login(team.owner)

    response = client.get(reverse("bookings_calendar"), {"date": day_from_today(team.shop, 1).isoformat()})

    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-barber="{team.ana.pk}"' in page and f'data-barber="{team.ben.pk}"' in page
    ben_column = page.split(f'data-barber="{team.ben.pk}"')[1]
    assert f'data-appointment="{booked.pk}"' in ben_column
    assert "10:00\u201310:30" in page and "Carl Client" in page


def test_week_view_lists_the_week_and_htmx_gets_the_calendar_alone(client):
    team = make_team()
    book(team, days=2, hhmm="11:00")
    client.force_login(team.owner)
    url = reverse("bookings_calendar")
    day = day_from_today(team.shop, 2).isoformat()

    week = client.get(url, {"date": day, "view": "week"})
    fragment = client.get(url, {"date": day}, headers={"HX-Request": "true"})

    assert "Week of" in week.content.decode() and "11:00\u201311:30" in week.content.decode()
    assert fragment.content.decode().lstrip().startswith('<div id="calendar"')
    assert "<html" not in fragment.content.decode()


def test_a_bad_date_falls_back_to_today(client):
    team = make_team()
    client.force_login(team.owner)
    assert client.get(reverse("bookings_calendar"), {"date": "not-a-day"}).status_code == 200


def test_the_new_appointment_page_offers_free_times(client):
    team = make_team()
    book(team, hhmm="09:00")
    client.force_login(team.owner)
    day = day_from_today(team.shop, 1).isoformat()

    page = client.get(reverse("appointment_new"), {"service": team.cut.pk, "barber": team.ana.pk, "date": day})
    slots = client.get(reverse("appointment_slots"), {"service": team.cut.pk, "barber": team.ana.pk, "date": day})

    assert page.status_code == 200
    assert ">09:30<" in page.content.decode()
    assert ">09:00<" not in slots.content.decode() and ">09:30<" in slots.content.decode()


def test_booking_a_new_customer_from_the_calendar(client):
    team = make_team()
    client.force_login(team.owner)
    day = day_from_today(team.shop, 1)

    response = client.post(
        reverse("appointment_new"),
        {
            "service": team.cut.pk,
            "barber": team.ben.pk,
            "date": day.isoformat(),
            "time": "14:15",
            "name": "Dana New",
            "phone": "(212) 555-0199",
            "email": "dana@example.com",
            "idempotency_key": "k-1",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('bookings_calendar')}?date={day.isoformat()}"
    appointment = Appointment.objects.get(shop=team.shop, customer__name="Dana New")
    assert appointment.barber == team.ben
    assert appointment.start == at(team.shop, day, "14:15")
    assert appointment.customer.phone == "+12125550199"
    assert appointment.source == Appointment.Source.STAFF and appointment.created_by == team.owner


def test_booking_an_existing_customer_at_a_picked_free_time_with_anyone(client):
    team = make_team()
    client.force_login(team.owner)
    start = at(team.shop, day_from_today(team.shop, 1), "15:00")
    data = {"service": team.cut.pk, "date": start.date().isoformat(), "slot": start.isoformat()}

    client.post(reverse("appointment_new"), {**data, "customer": team.customer.pk, "idempotency_key": "same"})
    client.post(reverse("appointment_new"), {**data, "customer": team.customer.pk, "idempotency_key": "same"})

    booked = Appointment.objects.get(customer=team.customer)  # the double click made one
    assert booked.start == start


def test_a_taken_slot_is_shown_next_to_the_form_and_keeps_what_was_typed(client):
    team = make_team()
    taken = book(team, hhmm="10:00")
    client.force_login(team.owner)

    response = client.post(
        reverse("appointment_new"),
        {
            "service": team.cut.pk,
            "barber": team.ana.pk,
            "date": taken.start.date().isoformat(),
            "time": "10:15",
            "name": "Eve Typed",
            "phone": "+12125550177",
            "notes": "Skin fade",
        },
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert 'role="alert"' in page
    assert 'value="Eve Typed"' in page and 'value="+12125550177"' in page and "Skin fade" in page
    assert not Customer.objects.filter(name="Eve Typed").exists()  # nothing written
    assert Appointment.objects.filter(shop=team.shop).count() == 1


def test_a_form_without_customer_or_time_is_refused_with_messages(client):
    team = make_team()
    client.force_login(team.owner)
    response = client.post(
        reverse("appointment_new"), {"service": team.cut.pk, "date": day_from_today(team.shop, 1).isoformat()}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Pick a free time or type one." in page and "Pick a customer" in page


def test_moving_an_appointment_to_another_time_and_barber(client):
    team = make_team()
    appointment = book(team, hhmm="10:00")
    client.force_login(team.owner)
    day = day_from_today(team.shop, 3)

    response = client.post(
        reverse("appointment_move", args=[appointment.pk]),
        {"date": day.isoformat(), "time": "16:00", "barber": team.ben.pk},
    )

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == at(team.shop, day, "16:00") and appointment.barber == team.ben


def test_moving_onto_a_taken_time_is_refused_on_the_page(client):
    team = make_team()
    first, second = book(team, hhmm="10:00"), book(team, hhmm="11:00")
    client.force_login(team.owner)

    response = client.post(
        reverse("appointment_move", args=[second.pk]), {"date": first.start.date().isoformat(), "time": "10:00"}
    )

    assert response.status_code == 409
    assert "Move" in response.content.decode() and 'role="alert"' in response.content.decode()
    second.refresh_from_db()
    assert second.start.astimezone(team.shop.tzinfo).time() == dt.time(11, 0)


def test_cancelling_with_a_reason(client):
    team = make_team()
    appointment = book(team)
    client.force_login(team.owner)

    client.post(reverse("appointment_cancel", args=[appointment.pk]), {"reason": "Flu"})

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED and appointment.cancellation_reason == "Flu"


def test_completing_a_visit_records_the_payment(client):
    team = make_team()
    appointment = book(team, days=-1)
    client.force_login(team.owner)
    page = client.get(reverse("appointment_detail", args=[appointment.pk])).content.decode()
    assert 'value="35.00"' in page  # the amount starts at the price

    client.post(
        reverse("appointment_complete", args=[appointment.pk]),
        {"record_payment": "on", "amount": "40.00", "method": "cash"},
    )

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.COMPLETED
    payment = Payment.objects.get(appointment=appointment)
    assert str(payment.amount) == "40.00" and payment.method == "cash" and payment.recorded_by == team.owner


def test_completing_without_a_payment(client):
    team = make_team()
    appointment = book(team, days=-1)
    client.force_login(team.owner)
    client.post(reverse("appointment_complete", args=[appointment.pk]), {"method": "card"})
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.COMPLETED and not appointment.payments.exists()


def test_a_future_visit_cannot_be_completed_and_nothing_changes(client):
    team = make_team()
    appointment = book(team, days=1)
    client.force_login(team.owner)

    response = client.post(
        reverse("appointment_complete", args=[appointment.pk]),
        {"record_payment": "on", "amount": "35", "method": "card"},
    )

    assert response.status_code == 400
    assert "has not started yet" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED and not Payment.objects.exists()


def test_marking_a_no_show(client):
    team = make_team()
    appointment = book(team, days=-1)
    client.force_login(team.owner)
    client.post(reverse("appointment_no_show", args=[appointment.pk]))
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW


def test_a_barber_sees_only_their_own_column_and_books_only_themselves(client):
    team = make_team()
    login = add_member(shop=team.shop, role=Membership.Role.BARBER)
    services.barber_create(shop=team.shop, name="Cleo", membership=login.memberships.get())
    cleo = Barber.objects.get(name="Cleo")
    theirs, others = book(team, barber=cleo, hhmm="10:00"), book(team, barber=team.ana, hhmm="10:00")
    client.force_login(login)

    page = client.get(reverse("bookings_calendar"), {"date": theirs.start.date().isoformat()}).content.decode()
    detail = client.get(reverse("appointment_detail", args=[others.pk]))
    client.post(
        reverse("appointment_new"),
        {
            "service": team.cut.pk,
            "date": theirs.start.date().isoformat(),
            "time": "12:00",
            "customer": team.customer.pk,
        },
    )

    assert f'data-appointment="{theirs.pk}"' in page and f'data-appointment="{others.pk}"' not in page
    assert f'data-barber="{team.ana.pk}"' not in page
    assert detail.status_code == 404
    assert Appointment.objects.get(start=at(team.shop, theirs.start.date(), "12:00")).barber == cleo


def test_anonymous_visitors_are_sent_to_sign_in(client):
    team = make_team()
    appointment = book(team)
    for url in [
        reverse("bookings_calendar"),
        reverse("appointment_new"),
        reverse("appointment_detail", args=[appointment.pk]),
        reverse("customers"),
        reverse("services"),
        reverse("barbers"),
        reverse("booking_settings"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


def test_another_shops_appointment_is_not_found(client):
    team, other = make_team(), make_team("Other Shop")
    theirs = book(other)
    client.force_login(team.owner)
    for name in ["appointment_detail"]:
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    for name in [
        "appointment_move",
        "appointment_cancel",
        "appointment_complete",
        "appointment_no_show",
        "appointment_confirm",
    ]:
        assert client.post(reverse(name, args=[theirs.pk]), {"date": "2030-01-01", "time": "10:00"}).status_code == 404
    assert client.get(reverse("appointment_detail", args=["not-a-uuid"])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Appointment.Status.CONFIRMED

"""Customers: search, a customer's page with history and spend, editing, and merging duplicates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import Appointment, Customer
from bookings.tests.test_staff_calendar import at, book, day_from_today, make_team
from sixfb.models import Membership
from tests.base import add_member

pytestmark = pytest.mark.django_db


def test_the_list_searches_by_name_phone_and_email(client):
    team = make_team()
    services.customer_create(shop=team.shop, name="Zoe Zed", phone="+12125550111", email="zoe@example.com")
    client.force_login(team.owner)

    everyone = client.get(reverse("customers")).content.decode()
    by_phone = client.get(reverse("customers"), {"q": "555-0111"}).content.decode()
    by_email = client.get(reverse("customers"), {"q": "zoe@"}, headers={"HX-Request": "true"}).content.decode()

    assert "Carl Client" in everyone and "Zoe Zed" in everyone
    assert "Zoe Zed" in by_phone and "Carl Client" not in by_phone
    assert by_email.startswith('<ul id="customer-rows"') and "Zoe Zed" in by_email


def test_a_customers_page_shows_history_visits_and_total_spent(client):
    team = make_team()
    visit = book(team, days=-2)
    visit = services.appointment_status_set(appointment=visit, status=Appointment.Status.COMPLETED)
    services.payment_record(appointment=visit, amount="42.50", method="cash")
    book(team, days=1)
    client.force_login(team.owner)

    response = client.get(reverse("customer_detail", args=[team.customer.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-stat="visits">1<' in page and 'data-stat="total_spent">42.50<' in page
    assert "Paid 42.50 (cash)" in page and "Confirmed" in page and "Completed" in page


def test_editing_notes_tags_and_consent(client):
    team = make_team()
    client.force_login(team.owner)

    response = client.post(
        reverse("customer_detail", args=[team.customer.pk]),
        {
            "name": "Carl Client",
            "phone": "+12125550100",
            "notes": "Likes it short",
            "tags": "VIP, beard",
            "sms_consent": "on",
        },
    )

    assert response.status_code == 302
    team.customer.refresh_from_db()
    assert team.customer.notes == "Likes it short" and team.customer.tags == ["VIP", "beard"]
    assert team.customer.sms_consent_at is not None and team.customer.email_consent_at is None


def test_an_invalid_phone_is_shown_and_nothing_changes(client):
    team = make_team()
    client.force_login(team.owner)
    response = client.post(reverse("customer_detail", args=[team.customer.pk]), {"name": "Carl", "phone": "12"})
    assert response.status_code == 400 and 'value="12"' in response.content.decode()
    team.customer.refresh_from_db()
    assert team.customer.phone == "+12125550100"


def test_a_new_customer_with_a_known_phone_points_to_the_existing_one(client):
    team = make_team()
    client.force_login(team.owner)
    response = client.post(reverse("customer_new"), {"name": "Carl Again", "phone": "212 555 0100"})
    assert response.status_code == 409
    assert reverse("customer_detail", args=[team.customer.pk]) in response.content.decode()
    assert Customer.objects.filter(shop=team.shop).count() == 1


def test_merging_a_duplicate_keeps_all_appointments(client):
    team = make_team()
    duplicate = services.customer_create(shop=team.shop, name="Carl C.", email="carl@example.com")
    book(team, hhmm="10:00")
    moved = services.appointment_book(
        shop=team.shop, service=team.cut, start=at(team.shop, day_from_today(team.shop, 2), "11:00"), customer=duplicate
    )
    client.force_login(team.owner)
    found = client.get(reverse("customer_detail", args=[team.customer.pk]), {"merge_q": "Carl C."}).content.decode()
    assert f'value="{duplicate.pk}"' in found

    client.post(reverse("customer_merge", args=[team.customer.pk]), {"other": duplicate.pk})

    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    assert set(Appointment.objects.filter(shop=team.shop).values_list("customer", flat=True)) == {team.customer.pk}
    moved.refresh_from_db()
    team.customer.refresh_from_db()
    assert moved.customer == team.customer and team.customer.email == "carl@example.com"


def test_a_barber_cannot_merge_customers(client):
    team = make_team()
    duplicate = services.customer_create(shop=team.shop, name="Carl C.", email="carl@example.com")
    client.force_login(add_member(shop=team.shop, role=Membership.Role.BARBER))
    response = client.post(reverse("customer_merge", args=[team.customer.pk]), {"other": duplicate.pk})
    assert response.status_code == 403 and Customer.objects.filter(pk=duplicate.pk).exists()


def test_another_shops_customers_are_not_found(client):
    team, other = make_team(), make_team("Other Shop")
    client.force_login(team.owner)
    assert client.get(reverse("customer_detail", args=[other.customer.pk])).status_code == 404
    assert client.post(reverse("customer_detail", args=[other.customer.pk]), {"name": "X"}).status_code == 404
    assert (
        client.post(reverse("customer_merge", args=[other.customer.pk]), {"other": team.customer.pk}).status_code == 404
    )
    assert (
        client.post(reverse("customer_merge", args=[team.customer.pk]), {"other": other.customer.pk}).status_code == 404
    )
    picker = client.get(reverse("customer_picker"), {"q": "Carl"}).content.decode()
    assert str(other.customer.pk) not in picker and str(team.customer.pk) in picker
    assert Customer.objects.filter(pk=other.customer.pk, name="Carl Client").exists()

"""The shop settings page: validation, roles and tenancy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sixfb.models import WEEKDAYS, Membership
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db


def settings_payload(**overrides):
    data = {
        "name": "Fresh Cuts Uptown",
        "timezone": "America/Chicago",
        "address": "12 Main St, Springfield",
        "phone": "+1 555 0100",
        "email": "hello@freshcuts.com",
        "notes_for_agents": "Walk-ins welcome. Fades are our signature.",
    }
    for day in WEEKDAYS:
        if day == "sunday":
            data[f"hours-{day}-closed"] = "on"
        else:
            data[f"hours-{day}-open"] = "09:00"
            data[f"hours-{day}-close"] = "19:30"
    data.update(overrides)
    return data


def test_owner_saves_settings_and_business_hours(client):
    owner, shop = make_owner()
    client.force_login(owner)

    response = client.post(reverse("shop_settings", args=[shop.slug]), settings_payload())

    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.name == "Fresh Cuts Uptown"
    assert shop.timezone == "America/Chicago"
    assert shop.phone == "+1 555 0100"
    assert shop.business_hours["monday"] == {"closed": False, "open": "09:00", "close": "19:30"}
    assert shop.business_hours["sunday"] == {"closed": True, "open": "", "close": ""}
    page = client.get(reverse("shop_settings", args=[shop.slug])).content.decode()
    assert "Shop settings saved." in page
    assert 'value="19:30"' in page


@pytest.mark.parametrize(("field", "limit"), [("notes_for_agents", 4000), ("address", 300)])
def test_notes_and_address_past_their_caps_are_refused(client, field, limit):
    owner, shop = make_owner()
    client.force_login(owner)

    response = client.post(reverse("shop_settings", args=[shop.slug]), settings_payload(**{field: "x" * (limit + 1)}))

    assert response.status_code == 400
    assert f"at most {limit} characters" in response.content.decode()
    shop.refresh_from_db()
    assert getattr(shop, field) == ""
    at_the_cap = settings_payload(**{field: "x" * limit})
    assert client.post(reverse("shop_settings", args=[shop.slug]), at_the_cap).status_code == 302


def test_invalid_timezone_is_refused(client):
    owner, shop = make_owner()
    client.force_login(owner)

    response = client.post(reverse("shop_settings", args=[shop.slug]), settings_payload(timezone="Mars/Olympus_Mons"))

    assert response.status_code == 400
    assert "is not a time zone we know" in response.content.decode()
    shop.refresh_from_db()
    assert shop.timezone == "America/New_York"
    assert shop.name == "Fresh Cuts"


def test_closing_before_opening_is_refused(client):
    owner, shop = make_owner()
    client.force_login(owner)

    response = client.post(
        reverse("shop_settings", args=[shop.slug]),
        settings_payload(**{"hours-monday-open": "18:00", "hours-monday-close": "09:00"}),
    )

    assert response.status_code == 400
    assert "On Monday the closing time must be after the opening time." in response.content.decode()
    shop.refresh_from_db()
    assert shop.business_hours["monday"]["close"] == "18:00"


def test_another_shops_settings_page_is_404(client):
    owner, _shop = make_owner(shop_name="Fresh Cuts")
    _other_owner, other_shop = make_owner(shop_name="Rival Fades")
    client.force_login(owner)

    assert client.get(reverse("shop_settings", args=[other_shop.slug])).status_code == 404
    response = client.post(reverse("shop_settings", args=[other_shop.slug]), settings_payload(name="Hijacked"))
    assert response.status_code == 404
    other_shop.refresh_from_db()
    assert other_shop.name == "Rival Fades"


def test_unknown_shop_is_404(client):
    owner, _shop = make_owner()
    client.force_login(owner)
    assert client.get(reverse("shop_settings", args=["no-such-shop"])).status_code == 404


def test_barber_sees_settings_but_cannot_change_them(client):
    _owner, shop = make_owner()
    barber = add_member(shop=shop, role=Membership.Role.BARBER)
    client.force_login(barber)

    assert client.get(reverse("shop_settings", args=[shop.slug])).status_code == 200
    assert client.post(reverse("shop_settings", args=[shop.slug]), settings_payload()).status_code == 403
    shop.refresh_from_db()
    assert shop.name == "Fresh Cuts"


def test_manager_can_change_settings(client):
    _owner, shop = make_owner()
    manager = add_member(shop=shop, role=Membership.Role.MANAGER)
    client.force_login(manager)
    assert client.post(reverse("shop_settings", args=[shop.slug]), settings_payload()).status_code == 302


def test_settings_shortcut_redirects_to_the_current_shop(client):
    owner, shop = make_owner()
    client.force_login(owner)
    response = client.get(reverse("shop_settings_current"))
    assert response["Location"] == reverse("shop_settings", args=[shop.slug])


def test_anonymous_is_sent_to_login(client):
    _owner, shop = make_owner()
    response = client.get(reverse("shop_settings", args=[shop.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_member_of_two_shops_switches_between_them(client):
    owner, first = make_owner(shop_name="Fresh Cuts")
    _other_owner, second = make_owner(shop_name="Second Chair")
    Membership.objects.create(shop=second, user=owner, role=Membership.Role.MANAGER)
    client.force_login(owner)
    assert client.get(reverse("dashboard")).context["current_shop"] == first

    response = client.post(reverse("shop_switch", args=[second.slug]))

    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).context["current_shop"] == second


def test_switching_to_a_shop_you_are_not_in_is_404(client):
    owner, first = make_owner(shop_name="Fresh Cuts")
    _other_owner, stranger = make_owner(shop_name="Rival Fades")
    client.force_login(owner)
    assert client.post(reverse("shop_switch", args=[stranger.slug])).status_code == 404
    assert client.get(reverse("dashboard")).context["current_shop"] == first

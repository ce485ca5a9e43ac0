"""Sign-up, login, logout, password reset and the admin login, through allauth's URLs."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from sixfb.models import Membership, Shop, User
from tests.base import PASSWORD, make_owner, make_user

pytestmark = pytest.mark.django_db


def signup(client, *, email="owner@freshcuts.com", password=PASSWORD, shop_name="Fresh Cuts Barbershop"):
    return client.post(reverse("account_signup"), {"email": email, "password1": password, "shop_name": shop_name})


def test_signup_creates_user_shop_and_owner_membership(client):
    response = signup(client)

    assert response.status_code == 302
    user = User.objects.get(email="owner@freshcuts.com")
    shop = Shop.objects.get()
    assert shop.name == "Fresh Cuts Barbershop"
    assert shop.slug == "fresh-cuts-barbershop"
    assert shop.email == "owner@freshcuts.com"
    membership = Membership.objects.get()
    assert (membership.user, membership.shop, membership.role) == (user, shop, Membership.Role.OWNER)
    assert user.check_password(PASSWORD)
    assert user.uuid is not None


def test_signup_takes_the_browsers_time_zone_when_it_is_real(client):
    signup(client, email="a@example.com", shop_name="A")
    client.post(
        reverse("account_signup"),
        {"email": "b@example.com", "password1": PASSWORD, "shop_name": "B", "timezone": "Europe/London"},
    )
    client.post(
        reverse("account_signup"),
        {"email": "c@example.com", "password1": PASSWORD, "shop_name": "C", "timezone": "Not/AZone"},
    )
    zones = dict(Shop.objects.values_list("name", "timezone"))
    assert zones == {"A": "America/New_York", "B": "Europe/London", "C": "America/New_York"}


def test_signup_sends_a_verification_email(client):
    signup(client)
    assert len(mail.outbox) == 1
    assert "owner@freshcuts.com" in mail.outbox[0].to


def test_signup_without_shop_name_creates_nothing(client):
    response = signup(client, shop_name="   ")
    assert response.status_code == 200
    assert "shop_name" in response.context["form"].errors
    assert not User.objects.exists() and not Shop.objects.exists()


def test_two_shops_with_one_name_get_distinct_slugs(client):
    make_owner(shop_name="Fresh Cuts")
    signup(client, email="other@example.com", shop_name="Fresh Cuts")
    assert sorted(Shop.objects.values_list("slug", flat=True)) == ["fresh-cuts", "fresh-cuts-2"]


@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
def test_duplicate_email_in_other_case_is_refused_with_a_message(client):
    make_user(email="owner@freshcuts.com")

    response = signup(client, email="Owner@FreshCuts.COM", shop_name="Copycat Cuts")

    assert response.status_code == 200
    assert "already registered with this email" in response.content.decode()
    assert User.objects.count() == 1
    assert not Shop.objects.filter(name="Copycat Cuts").exists()


def test_duplicate_email_with_mandatory_verification_tells_the_real_owner_by_mail(client):
    # Enumeration prevention: the form does not reveal that the address exists; the mailbox owner is told.
    make_user(email="owner@freshcuts.com")

    response = signup(client, email="OWNER@freshcuts.com", shop_name="Copycat Cuts")

    assert response.status_code == 302
    assert User.objects.count() == 1
    assert not Shop.objects.filter(name="Copycat Cuts").exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@freshcuts.com"]
    assert "already" in mail.outbox[0].body.lower()


def test_login_and_logout(client):
    _user, _shop = make_owner(email="barber@example.com")

    response = client.post(reverse("account_login"), {"login": "BARBER@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_login_with_wrong_password_is_refused(client):
    make_owner(email="barber@example.com")
    response = client.post(reverse("account_login"), {"login": "barber@example.com", "password": "wrong-password"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def login_from(client, address, password, email="barber@example.com"):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address)


def test_an_address_sending_wrong_passwords_is_refused_but_the_account_is_not_locked(client):
    make_owner(email="barber@example.com")
    attacker = Client()
    for _ in range(10):
        login_from(attacker, "203.0.113.9", "wrong-password")

    refused = login_from(attacker, "203.0.113.9", PASSWORD)
    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in attacker.session

    assert login_from(client, "198.51.100.7", PASSWORD).status_code == 302  # the owner, elsewhere
    assert "_auth_user_id" in client.session


def test_wrong_passwords_from_many_addresses_do_not_lock_the_owner_out(client):
    make_owner(email="barber@example.com")
    attacker = Client()
    for n in range(1, 7):
        for _ in range(9):  # under each address's own limit
            response = login_from(attacker, f"203.0.113.{n}", "wrong-password")
            assert "not correct" in response.content.decode()

    response = login_from(client, "198.51.100.7", PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


class Clock:
    """A stand-in for the ``time`` module allauth's rate limiter reads, that can be moved forward."""

    def __init__(self) -> None:
        self.now = time.time()
        self.monotonic, self.sleep = time.monotonic, time.sleep

    def time(self) -> float:
        return self.now


def test_one_address_cannot_reach_the_per_account_limit_by_spreading_its_tries(client, monkeypatch):
    from allauth.core.internal import ratelimit

    make_owner(email="barber@example.com")
    clock = Clock()
    monkeypatch.setattr(ratelimit, "time", clock)
    attacker = Client()
    for _minute in range(3):
        for _ in range(10):  # as many as a minute allows
            assert "not correct" in login_from(attacker, "203.0.113.9", "wrong-password").content.decode()
        clock.now += 61

    refused = login_from(attacker, "203.0.113.9", "wrong-password")  # 30 in the hour: that address is done
    assert "Too many failed login attempts" in refused.content.decode()
    assert login_from(client, "198.51.100.7", PASSWORD).status_code == 302


def test_password_reset_sends_a_mail_with_a_working_link(client):
    make_owner(email="barber@example.com")

    response = client.post(reverse("account_reset_password"), {"email": "barber@example.com"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["barber@example.com"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/key/" in line)
    path = link[link.index("/accounts/") :].strip()
    follow = client.get(path, follow=True)
    assert follow.status_code == 200
    assert "password1" in follow.content.decode()


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    staff = make_user(email="ops@example.com", is_staff=True, is_superuser=True)
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/sixfb/shop/").status_code == 200


def test_non_staff_cannot_use_the_admin(client):
    user, _shop = make_owner()
    client.force_login(user)
    assert client.get("/admin/").status_code in {302, 403}
    assert client.get("/admin/sixfb/shop/").status_code in {302, 403}


def test_mfa_pages_are_available_to_a_signed_in_user(client):
    user, _shop = make_owner()
    client.force_login(user)
    assert client.get(reverse("mfa_index")).status_code == 200
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200

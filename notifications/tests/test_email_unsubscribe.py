"""One-click unsubscribe (RFC 8058) from the link in an email's headers, and a customer's
preferences page from the link in their messages: signed, for that person only, nothing else."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from bookings.models import Customer
from notifications import links
from notifications.models import Preference
from notifications.services.notify import notify
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db

SUMMARY = {"week": "23-29 Nov", "bookings": 42, "revenue": "1,470.00", "currency": "USD", "chats": 17}


def _send_summary(capture, user, shop, key):
    with capture(execute=True):
        return notify(shop=shop, kind="weekly_summary", user=user, dedupe_key=key, payload=SUMMARY)


def _unsubscribe_url(message) -> str:
    return urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>")).path


def _customer(shop, **extra) -> Customer:
    return Customer.objects.create(shop=shop, name="Dee Jones", email="dee@example.com", **extra)


def _customer_token(customer, group: str = "") -> str:
    return links.token_for(recipient_key=f"customer:{customer.pk}", shop_id=customer.shop_id, group=group)


def test_one_click_post_switches_the_group_off_and_the_next_email_is_skipped(django_capture_on_commit_callbacks):
    user, shop = make_owner(email="owner@example.com")
    _send_summary(django_capture_on_commit_callbacks, user, shop, "w47")
    assert len(mail.outbox) == 1
    url = _unsubscribe_url(mail.outbox[0])

    # As a mail client sends it: no session, no CSRF token, the RFC 8058 body.
    client = Client(enforce_csrf_checks=True)
    response = client.post(url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert b"no more summary emails from Fresh Cuts" in response.content
    assert Preference.objects.get(user=user, shop=shop).channels == {"summaries": {"email": False}}

    notification = _send_summary(django_capture_on_commit_callbacks, user, shop, "w48")
    email = notification.deliveries.get(channel="email")
    assert (email.status, email.reason) == ("skipped", "preference_off")
    assert notification.deliveries.get(channel="in_app").status == "sent"  # only email was switched off
    assert len(mail.outbox) == 1


def test_the_get_page_asks_first_and_changes_nothing(django_capture_on_commit_callbacks):
    user, shop = make_owner(email="owner@example.com")
    _send_summary(django_capture_on_commit_callbacks, user, shop, "w47")
    response = Client().get(_unsubscribe_url(mail.outbox[0]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unsubscribe from summary emails from Fresh Cuts?" in page
    assert 'method="post"' in page and "/notifications/preferences/" in page
    assert not Preference.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_altered_token_is_a_404_and_changes_nothing(method, django_capture_on_commit_callbacks):
    user, shop = make_owner(email="owner@example.com")
    good = links.token_for(recipient_key=f"user:{user.pk}", shop_id=shop.pk, group="summaries")
    member = add_member(shop=shop)
    content = {"r": f"user:{member.pk}", "s": shop.pk, "g": "summaries"}
    forged = signing.dumps(content, salt=links.SALT, key="not-our-secret", compress=True)
    # The signature of the owner's token on another person's content
    theirs = links.token_for(recipient_key=f"user:{member.pk}", shop_id=shop.pk, group="summaries")
    altered = theirs.split(":")[0] + good[len(good.split(":")[0]) :]
    for token in (forged, altered, good[:-2] + "xx", theirs.split(":")[0], "nonsense"):
        response = getattr(Client(), method)(f"/notifications/unsubscribe/{token}/")
        assert response.status_code == 404, token
        assert "This link does not work" in response.content.decode()
    # A signed token whose person has left the shop, or for a group that cannot be switched off
    leaver = links.token_for(recipient_key=f"user:{member.pk}", shop_id=shop.pk, group="summaries")
    member.memberships.all().delete()
    account = links.token_for(recipient_key=f"user:{user.pk}", shop_id=shop.pk, group="account")
    for token in (leaver, account):
        assert getattr(Client(), method)(f"/notifications/unsubscribe/{token}/").status_code == 404
    assert not Preference.objects.exists()


def test_a_customer_unsubscribing_from_marketing_loses_the_consent_too():
    _, shop = make_owner()
    customer = _customer(shop, email_consent_at=timezone.now())
    url = f"/notifications/unsubscribe/{_customer_token(customer, 'marketing')}/"
    page = Client().get(url).content.decode()
    assert "Unsubscribe from offers and news emails from Fresh Cuts?" in page
    assert Client(enforce_csrf_checks=True).post(url).status_code == 200
    customer.refresh_from_db()
    assert customer.email_consent_at is None
    assert Preference.objects.get(customer=customer).channels == {"marketing": {"email": False}}


def test_a_customers_token_from_another_shop_is_a_404():
    _, shop = make_owner()
    _, other_shop = make_owner(shop_name="Other Shop")
    customer = _customer(shop, email_consent_at=timezone.now())
    token = links.token_for(recipient_key=f"customer:{customer.pk}", shop_id=other_shop.pk, group="marketing")
    assert Client().post(f"/notifications/unsubscribe/{token}/").status_code == 404
    assert Client().get(f"/notifications/p/{token}/").status_code == 404
    customer.refresh_from_db()
    assert customer.email_consent_at is not None and not Preference.objects.exists()


def test_the_customer_preferences_page_shows_and_saves_their_switches():
    _, shop = make_owner()
    customer = _customer(shop)
    Customer.objects.create(shop=shop, name="Sam Other", email="sam@example.com", phone="+12125550199")
    url = f"/notifications/p/{_customer_token(customer)}/"
    client = Client(enforce_csrf_checks=True)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Messages from Fresh Cuts" in page and "Dee Jones" in page
    assert "Sam Other" not in page and "sam@example.com" not in page
    assert 'name="bookings.email" value="on" checked' in page
    assert 'name="marketing.email" value="on" checked' not in page  # no consent yet

    assert client.post(url, {"bookings.sms": "on", "marketing.email": "on"}).status_code == 403  # no CSRF token
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"csrfmiddlewaretoken": token, "bookings.sms": "on", "marketing.email": "on"})
    assert response.status_code == 302 and response["Location"].endswith("?saved=1")
    saved = Preference.objects.get(customer=customer)
    assert saved.channels == {
        "bookings": {"email": False, "sms": True},
        "marketing": {"email": True, "sms": False},
    }
    customer.refresh_from_db()
    assert customer.email_consent_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Saved." in page and 'name="marketing.email" value="on" checked' in page


def test_the_preferences_page_refuses_bad_and_staff_tokens():
    user, shop = make_owner()
    customer = _customer(shop)
    token = _customer_token(customer)
    staff = links.token_for(recipient_key=f"user:{user.pk}", shop_id=shop.pk)
    for bad in (token[:-3] + "abc", staff, "x"):
        assert Client().get(f"/notifications/p/{bad}/").status_code == 404
        assert Client().post(f"/notifications/p/{bad}/", {"marketing.email": "on"}).status_code == 404
    assert not Preference.objects.exists()

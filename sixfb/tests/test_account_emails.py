"""Account emails: the product's text and HTML, naming the site from settings (never "example.com")."""

from __future__ import annotations

import importlib
from urllib.parse import urlsplit

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.base import PASSWORD, make_owner

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://app.sixfb-agents.test"


def html_of(message) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_ours(message) -> None:
    html = html_of(message)
    for body in (message.body, html):
        assert "example.com" not in body
        assert "6FB Agents" in body
        assert "app.sixfb-agents.test" in body
    assert message.subject.startswith("[6FB Agents] ")


@override_settings(SITE_URL=PUBLIC_URL)
def test_the_sign_up_confirmation_is_ours_in_text_and_html(client):
    client.post(
        reverse("account_signup"),
        {"email": "owner@freshcuts.com", "password1": PASSWORD, "shop_name": "Fresh Cuts"},
    )

    (message,) = mail.outbox
    assert message.subject == "[6FB Agents] Confirm your email address"
    assert_ours(message)
    assert "Hello from" not in message.body and "Thank you for using" not in message.body
    assert "/accounts/confirm-email/" in message.body and "/accounts/confirm-email/" in html_of(message)


@override_settings(SITE_URL=PUBLIC_URL)
def test_the_password_reset_email_is_ours_with_its_link(client):
    make_owner(email="barber@example.com")

    client.post(reverse("account_reset_password"), {"email": "barber@example.com"})

    (message,) = mail.outbox
    assert message.subject == "[6FB Agents] Reset your password"
    assert_ours(message)
    assert "/accounts/password/reset/key/" in html_of(message)


@override_settings(SITE_URL=PUBLIC_URL)
def test_a_password_change_is_told_to_the_owner_by_email(client):
    make_owner(email="barber@example.com")
    client.post(reverse("account_login"), {"login": "barber@example.com", "password": PASSWORD})

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
    )

    (message,) = mail.outbox
    assert message.to == ["barber@example.com"]
    assert message.subject == "[6FB Agents] Your password changed"
    assert_ours(message)
    assert f"{PUBLIC_URL}/accounts/password/reset/" in message.body  # what to do if it was not them


def test_the_site_row_names_the_product_and_the_public_host():
    site = Site.objects.get(id=settings.SITE_ID)
    assert (site.name, site.domain) == ("6FB Agents", urlsplit(settings.SITE_URL).netloc)


@override_settings(SITE_URL=PUBLIC_URL)
def test_the_site_migration_reads_site_url_when_it_runs():
    migration = importlib.import_module("sixfb.migrations.0012_site_name_and_domain")
    Site.objects.filter(id=settings.SITE_ID).update(name="example.com", domain="example.com")

    migration.forwards(django_apps, None)

    site = Site.objects.get(id=settings.SITE_ID)
    assert (site.name, site.domain) == ("6FB Agents", "app.sixfb-agents.test")

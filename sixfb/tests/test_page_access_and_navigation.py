"""Which pages are public and which need a login, and every signed-in area reachable from the navigation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.base import make_owner

pytestmark = pytest.mark.django_db


SIGNED_IN_PAGES = ["dashboard", "agents", "chat", "billing", "notifications", "account_profile", "mfa_index"]


def test_landing_is_public(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Start free" in page
    assert reverse("account_signup") in page


def test_pricing_is_public(client):
    assert client.get("/pricing/").status_code == 200


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_need_a_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_every_area_is_reachable_from_the_navigation(client, name):
    owner, _shop = make_owner()
    client.force_login(owner)
    response = client.get(reverse(name))
    assert response.status_code == 200
    dashboard = client.get(reverse("dashboard")).content.decode()
    if name != "mfa_index":
        assert f'href="{reverse(name)}"' in dashboard

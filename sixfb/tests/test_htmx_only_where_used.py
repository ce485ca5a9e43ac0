"""htmx (17 KB compressed, the largest script on most pages) is loaded by the pages whose markup
uses it, and by no other: its evaluation was most of the dashboard's, agents' and conversation's
total blocking time in Lighthouse (docs/benchmarks.md)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from bookings import services as bookings
from chat.services import conversation_start
from tests.base import make_owner

pytestmark = pytest.mark.django_db

HTMX_SCRIPT = re.compile(r'<script src="[^"]*/vendor/htmx-[\d.]+(?:\.[0-9a-f]+)?\.min\.js"')
HX_ATTRIBUTE = re.compile(r"\shx-(?:get|post|put|delete|patch|target|swap|trigger|boost|select)=")


def pages(shop, owner) -> list[str]:
    barber = bookings.barber_create(shop=shop, name="Ana")
    bookings.service_create(shop=shop, name="Haircut", duration_minutes=30, price="35.00", barbers=[barber])
    conversation = conversation_start(user=owner, shop=shop, agent_slug="business_coach")
    return [
        "/dashboard/",
        "/agents/",
        f"/chat/{conversation.uuid}/",
        "/notifications/",
        "/bookings/",
        "/bookings/new/",
        "/customers/",
        "/billing/",
    ]


def test_each_page_loads_htmx_exactly_when_its_markup_uses_it():
    owner, shop = make_owner()
    client = Client()
    client.force_login(owner)
    loaded = {}
    for url in pages(shop, owner):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        uses = bool(HX_ATTRIBUTE.search(html))
        loaded[url] = bool(HTMX_SCRIPT.search(html))
        assert loaded[url] == uses, (url, "uses htmx" if uses else "does not use htmx", loaded[url])
    # The pages the owner opens most carry no htmx at all; the calendar and the inbox do.
    assert not loaded["/dashboard/"] and not loaded["/agents/"]
    assert loaded["/bookings/"] and loaded["/notifications/"]

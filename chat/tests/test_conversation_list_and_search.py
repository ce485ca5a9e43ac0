"""The chat home lists only the person's own conversations and searches them; without a shop it is there, empty."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chat.tests.support import add_turns, make_setup
from tests.base import make_owner

pytestmark = [pytest.mark.django_db]


def test_the_list_shows_only_my_conversations_and_searches_them():
    setup = make_setup()
    setup.conversation.title = "Pricing fades"
    setup.conversation.save()
    other = make_setup(shop_name="Rival Fades")
    other.conversation.title = "Secret plans"
    other.conversation.save()
    add_turns(setup, ("How about beard trims?", "Charge $15."))

    page = setup.client.get(reverse("chat"))
    assert page.status_code == 200
    assert b"Pricing fades" in page.content
    assert b"Secret plans" not in page.content
    assert b"Pricing fades" in setup.client.get(reverse("chat"), {"q": "beard"}).content
    assert b"Pricing fades" not in setup.client.get(reverse("chat"), {"q": "haircolor"}).content


def test_a_member_without_a_shop_sees_an_empty_chat_home():
    user, _shop = make_owner()
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(reverse("chat")).status_code == 200

"""A new shop starts with the business coach enabled, so its owner's first chat is accepted."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from agents.models import ShopAgent
from sixfb.models import Shop, User
from tests.base import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_shop_made_at_sign_up_has_the_coach_and_its_first_chat_is_accepted():
    client = Client()
    response = client.post(
        reverse("account_signup"),
        {"email": "new@freshcuts.com", "password1": PASSWORD, "shop_name": "Fresh Cuts"},
    )
    assert response.status_code == 302
    shop = Shop.objects.get(name="Fresh Cuts")
    enabled = ShopAgent.objects.filter(shop=shop).enabled()
    assert list(enabled.values_list("agent__slug", flat=True)) == ["business_coach"]

    client.force_login(User.objects.get(email="new@freshcuts.com"))  # verification is mandatory here
    page = " ".join(client.get(reverse("agents")).content.decode().split())
    assert "1 of 1 agent on your Free plan" in page

    chat = client.post("/api/v1/chat/", {"agent": "business_coach", "message": "Hi"}, content_type="application/json")
    assert chat.status_code == 200, chat.content
    assert chat["Content-Type"] == "text/event-stream"

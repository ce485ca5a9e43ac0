"""A new shop starts with the business coach enabled, so its owner's first chat is accepted."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.http import StreamingHttpResponse
from django.test import AsyncClient, Client
from django.urls import reverse

from agents.models import ShopAgent
from sixfb.models import Shop, User
from tests.base import PASSWORD

# Committed rows: the chat API asks in threads of its own, as it does under the ASGI server.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


async def ask_over_the_api(user: User, message: str) -> tuple[int, str, bytes]:
    """POST /api/v1/chat/ through the ASGI handler, the stream read to its end."""
    client = AsyncClient()
    await client.aforce_login(user)
    response = await client.post(
        "/api/v1/chat/", {"agent": "business_coach", "message": message}, content_type="application/json"
    )
    if response.status_code != 200:
        return response.status_code, response["Content-Type"], response.content
    assert isinstance(response, StreamingHttpResponse)
    return 200, response["Content-Type"], b"".join([chunk async for chunk in response.streaming_content])


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

    owner = User.objects.get(email="new@freshcuts.com")
    client.force_login(owner)  # verification is mandatory here
    page = " ".join(client.get(reverse("agents")).content.decode().split())
    assert "1 of 1 agent on your Free plan" in page

    status, content_type, body = async_to_sync(ask_over_the_api)(owner, "Hi")
    assert status == 200, body
    assert content_type == "text/event-stream"
    assert b'"type":"end","message_id"' in body and b'"status":"complete"' in body

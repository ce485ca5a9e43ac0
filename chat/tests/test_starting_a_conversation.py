"""Starting a conversation: from an agent link its prompt is sent once, and with a disabled agent it is refused."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from agents.models import ShopAgent
from chat.models import Conversation
from chat.tests.support import make_setup

pytestmark = [pytest.mark.django_db]


def test_a_new_conversation_from_an_agent_link_sends_its_prompt_once():
    setup = make_setup()
    page = setup.client.get(reverse("chat"), {"agent": "business_coach", "prompt": "Grow my shop"})
    assert b"Grow my shop" in page.content
    response = setup.client.post(reverse("chat_new"), {"agent": "business_coach", "prompt": "Grow my shop"})
    conversation = Conversation.objects.filter(user=setup.user).latest("created_at")
    assert response.url == reverse("chat_conversation", kwargs={"conversation_uuid": conversation.uuid})

    def config():
        page = setup.client.get(response.url)
        raw = page.content.decode().split('id="chat-config" type="application/json">')[1].split("</script>")[0]
        return json.loads(raw)

    first = config()
    assert first["autosend"] == "Grow my shop"
    assert first["socket"] == f"/ws/chat/{conversation.uuid}/"
    assert config()["autosend"] == ""  # a reload does not ask again


def test_starting_a_chat_with_a_disabled_agent_is_refused():
    setup = make_setup()
    ShopAgent.objects.filter(shop=setup.shop).update(enabled=False)
    response = setup.client.post(reverse("chat_new"), {"agent": "business_coach"}, follow=True)
    assert b"not enabled" in response.content
    assert Conversation.objects.filter(user=setup.user).count() == 1

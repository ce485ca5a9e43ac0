"""Renaming and deleting a conversation, and someone else's conversation a 404 for every page and action over HTTP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chat.tests.support import make_setup

pytestmark = [pytest.mark.django_db]


def test_someone_elses_conversation_is_a_404_everywhere_over_http():
    setup = make_setup()
    other = make_setup(shop_name="Rival Fades")
    uuid = setup.conversation.uuid
    assert other.client.get(reverse("chat_conversation", kwargs={"conversation_uuid": uuid})).status_code == 404
    assert (
        other.client.post(reverse("chat_rename", kwargs={"conversation_uuid": uuid}), {"title": "x"}).status_code == 404
    )
    assert other.client.post(reverse("chat_delete", kwargs={"conversation_uuid": uuid})).status_code == 404
    assert other.client.get(f"/api/v1/conversations/{uuid}/").status_code == 404


def test_rename_and_delete():
    setup = make_setup()
    url_kwargs = {"conversation_uuid": setup.conversation.uuid}
    setup.client.post(reverse("chat_rename", kwargs=url_kwargs), {"title": "  Summer promo  "})
    setup.conversation.refresh_from_db()
    assert setup.conversation.title == "Summer promo"
    setup.client.post(reverse("chat_delete", kwargs=url_kwargs))
    assert setup.client.get(reverse("chat_conversation", kwargs=url_kwargs)).status_code == 404
    assert b"Summer promo" not in setup.client.get(reverse("chat")).content

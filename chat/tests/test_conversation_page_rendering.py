"""The conversation page: answers as sanitised Markdown, questions as text, a demo notice until a key is set."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chat.tests.support import add_turns, make_setup

pytestmark = [pytest.mark.django_db]


def test_answers_render_as_sanitised_markdown_and_questions_as_text():
    setup = make_setup()
    add_turns(setup, ("<b>bold?</b>", "**Yes** <script>alert(1)</script> [x](javascript:alert(1))"))
    page = setup.client.get(reverse("chat_conversation", kwargs={"conversation_uuid": setup.conversation.uuid}))
    html = page.content.decode()
    assert "<strong>Yes</strong>" in html
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html
    assert "chats left this month" in html


def test_the_page_says_replies_are_demos_until_a_key_is_set(settings):
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = ""
    setup = make_setup()
    page = setup.client.get(reverse("chat_conversation", kwargs={"conversation_uuid": setup.conversation.uuid}))
    assert b"Demo mode" in page.content

"""Whether chat is answering at all: the ``ai_chat_enabled`` kill switch (docs/feature-flags.md).

Asked by every way in (the chat page, the websocket, the SSE API) before anything is saved or sent
upstream, so a refused message is never stored: the page gives its text back to the composer.
"""

from __future__ import annotations

from typing import Literal

from chat.errors import ChatError
from sixfb.flags import AI_CHAT_ENABLED, switch_is_on

Action = Literal["message", "regenerate"]

PAUSED_MESSAGES: dict[str, str] = {
    "message": "Chat is paused for maintenance. Your message was not sent; try again in a few minutes.",
    "regenerate": "Chat is paused for maintenance. No new answer was written; try again in a few minutes.",
}


class ChatPaused(ChatError):
    """Chat is switched off for everybody: 503, the client may try again later."""

    def __init__(self, action: Action = "message") -> None:
        super().__init__("chat_paused", PAUSED_MESSAGES[action])
        self.status = 503


def chat_is_open() -> bool:
    return switch_is_on(AI_CHAT_ENABLED)


def chat_open_check(*, action: Action = "message") -> None:
    """Raise ChatPaused while the ``ai_chat_enabled`` switch is off (consumers ask ``aswitch_is_on``)."""
    if not switch_is_on(AI_CHAT_ENABLED):
        raise ChatPaused(action)

"""Chat's writes, by concern: conversations, admission (may a reply be written now), metering (the
chat count and token prices), asking (the question and the streaming reply) and generation (the
heartbeat and the final save). Other modules use the names below."""

from chat.errors import NOT_A_MEMBER, ChatError
from chat.services.admission import STALE_AFTER, messages_fail_stale
from chat.services.asking import (
    GenerationPlan,
    PreparedRequest,
    chat_commit,
    chat_prepare,
    chat_regenerate,
    chat_request,
)
from chat.services.conversations import (
    conversation_delete,
    conversation_draft,
    conversation_rename,
    conversation_start,
    message_post,
)
from chat.services.generation import (
    Outcome,
    generation_announce,
    message_finish,
    message_heartbeat,
    request_stop,
    stop_requested,
)

__all__ = [
    "NOT_A_MEMBER",
    "STALE_AFTER",
    "ChatError",
    "GenerationPlan",
    "Outcome",
    "PreparedRequest",
    "chat_commit",
    "chat_prepare",
    "chat_regenerate",
    "chat_request",
    "conversation_delete",
    "conversation_draft",
    "conversation_rename",
    "conversation_start",
    "generation_announce",
    "message_finish",
    "message_heartbeat",
    "message_post",
    "messages_fail_stale",
    "request_stop",
    "stop_requested",
]

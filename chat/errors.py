"""Refusals a person can act on, with stable codes for clients."""

from __future__ import annotations

from sixfb.errors import AppError


class ChatError(AppError):
    """A refusal the person can act on; ``code`` is stable for clients, its HTTP status from ``STATUS_FOR``."""

    STATUS_FOR = {
        "not_a_member": 403,
        "quota_exceeded": 402,
        "agent_unavailable": 409,
        "generation_in_progress": 409,
        "shop_busy": 429,
        "rate_limited": 429,
    }  # any other code (empty_message, message_too_long, invalid_characters, ...) is bad input: 400

    def __init__(self, code: str, message: str, **extra: object) -> None:
        super().__init__(code, message, status=self.STATUS_FOR.get(code, 400), **extra)


NOT_A_MEMBER = "You are no longer a member of this shop."

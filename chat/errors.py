"""Refusals a person can act on, with stable codes for clients."""

from __future__ import annotations


class ChatError(Exception):
    """A refusal the person can act on; ``code`` is stable for clients."""

    def __init__(self, code: str, message: str, **extra: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra

    def as_frame(self) -> dict[str, object]:
        return {"type": "error", "code": self.code, "message": self.message, **self.extra}


NOT_A_MEMBER = "You are no longer a member of this shop."

"""The one base exception for refusals a person can act on (DESIGN, house style: errors).

Domain errors derive from :class:`AppError`. The API's exception handler
(``sixfb.api_errors.exception_handler``) renders one as ``{"code", "message", **extra}`` with its
HTTP status; a websocket consumer sends :meth:`AppError.as_frame`, the same code and message in an
``error`` frame. This module imports nothing of ours, so every app can import it.
"""

from __future__ import annotations


class AppError(Exception):
    """A refusal with a stable snake_case ``code``, a ``message`` for a person and an HTTP ``status``.

    ``extra`` holds more keys for the client (e.g. ``url`` where the person can act, or ``fields``
    ``{name: [messages]}`` for a validation error); they are sent next to ``code`` and ``message``.
    """

    status: int = 400

    def __init__(self, code: str, message: str, *, status: int | None = None, **extra: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status
        self.extra = extra

    def as_body(self) -> dict[str, object]:
        """The API's error body: ``{"code", "message", **extra}``."""
        return {"code": self.code, "message": self.message, **self.extra}

    def as_frame(self) -> dict[str, object]:
        """The websocket ``error`` frame: the body with ``"type": "error"`` first."""
        return {"type": "error", **self.as_body()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, status={self.status})"

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from chat import llm


def demo_mode(request: HttpRequest) -> dict[str, Any]:
    """Staff are told, on every page and in the admin, that agents answer in demo mode and how to
    connect a model; owners only see each answer's "Demo answer" label."""
    user = getattr(request, "user", None)
    return {"demo_mode_banner": bool(user is not None and user.is_staff and llm.is_demo())}

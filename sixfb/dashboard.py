"""Panels other apps add to the dashboard, without sixfb importing them (apps register in ``ready``).

A panel is a callable taking the request and returning ``(template name, context)``, or ``None`` to
show nothing for this request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest], tuple[str, dict[str, Any]] | None]

_panels: list[Panel] = []


def panel_register(panel: Panel) -> Panel:
    """Add ``panel`` once (``ready`` may run more than once in tests); usable as a decorator."""
    if panel not in _panels:
        _panels.append(panel)
    return panel


def panels_render(request: HttpRequest) -> list[SafeString]:
    rendered = []
    for panel in _panels:
        found = panel(request)
        if found is not None:
            template, context = found
            # The template engine escapes what the panel's context holds; the result is our own HTML.
            rendered.append(mark_safe(render_to_string(template, context, request=request)))  # noqa: S308
    return rendered

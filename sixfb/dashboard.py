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

_panels: list[tuple[bool, Panel]] = []


def panel_register(panel: Panel, *, lead: bool = False) -> Panel:
    """Add ``panel`` once (``ready`` may run more than once in tests); usable as a decorator.
    A ``lead`` panel opens the dashboard, above its figures (the first-run checklist)."""
    if all(known is not panel for _lead, known in _panels):
        _panels.append((lead, panel))
    return panel


def panels_render(request: HttpRequest, *, lead: bool = False) -> list[SafeString]:
    """The panels of one place on the dashboard: the ``lead`` ones, or the rest."""
    rendered = []
    for is_lead, panel in _panels:
        if is_lead != lead:
            continue
        found = panel(request)
        if found is not None:
            template, context = found
            # The template engine escapes what the panel's context holds; the result is our own HTML.
            rendered.append(mark_safe(render_to_string(template, context, request=request)))  # noqa: S308
    return rendered

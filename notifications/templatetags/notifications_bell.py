"""``{% unseen_notifications as count %}``: the bell's number, one COUNT query, signed-in people only."""

from __future__ import annotations

from typing import Any

from django import template

from notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unseen_notifications(context: dict[str, Any]) -> int:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return selectors.unseen_count(user_id=user.pk)

"""Writes that insights owns: only what a person chose about the dashboard."""

from __future__ import annotations

from insights.models import ChecklistDismissal
from sixfb.models import Shop, User


def checklist_dismiss(*, shop: Shop, user: User) -> None:
    """Hide the first-run checklist for this person in this shop, for good (on every device)."""
    ChecklistDismissal.objects.get_or_create(shop=shop, user=user)

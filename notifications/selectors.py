"""Reads of notifications that encode who may see what."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from notifications.models import Notification


def inbox_for(*, user: Any, unread_only: bool = False) -> Any:
    """A person's in-app notifications, newest first, from the shops they still belong to."""
    queryset = Notification.objects.for_user(user).filter(inbox=True).visible()
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-id")


def unseen_count(*, user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, shop__memberships__user_id=user_id, inbox=True).unseen().count()


def notification_for_user(*, user: Any, notification_id: Any) -> Notification:
    """One of the person's own notifications (archived and snoozed included), or 404."""
    try:
        return Notification.objects.for_user(user).filter(inbox=True).get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such notification.") from exc

"""In-app notifications on `/ws/live/`: to one person only (their user group), after commit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from notifications import broadcast, kinds

if TYPE_CHECKING:
    from notifications.models import Notification


def unseen_count(*, user_id: int) -> int:
    from notifications import selectors

    return selectors.unseen_count(user_id=user_id)


def url_for(notification: Notification) -> str:
    template = kinds.get(notification.kind).url
    try:
        return template.format(**notification.payload) if template else ""
    except (KeyError, IndexError, ValueError):
        return template


def push_notification(*, notification: Notification, title: str) -> None:
    """The ``notification`` frame: {id, kind, title, url, unseen}, to the recipient's tabs only."""
    assert notification.user_id is not None
    broadcast.broadcast(
        group=broadcast.user_group(notification.user_id),
        payload={
            "type": "notification",
            "id": str(notification.pk),
            "kind": notification.kind,
            "title": title,
            "url": url_for(notification),
            "unseen": unseen_count(user_id=notification.user_id),
        },
    )


def push_unseen(*, user_id: int) -> None:
    """``notifications.unseen`` {unseen}: the count changed (read, archived, snoozed elsewhere), so
    every tab's bell shows the same number. Clients that do not know the frame ignore it."""
    broadcast.broadcast(
        group=broadcast.user_group(user_id),
        payload={"type": "notifications.unseen", "unseen": unseen_count(user_id=user_id)},
    )

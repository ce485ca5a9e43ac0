"""Reads of notifications that encode who may see what, and the notification center's pages."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.template import TemplateDoesNotExist
from django.utils.dateparse import parse_datetime

from notifications.models import Notification

logger = logging.getLogger(__name__)

PAGE_SIZE = 20


class BadCursor(ValueError):
    """A cursor we did not make (or one altered): the caller answers 400 or starts over."""


def inbox_for(*, user: Any, unread_only: bool = False, archived: bool = False) -> Any:
    """A person's in-app notifications, newest first, from the shops they still belong to: the
    visible ones, or with ``archived`` the archive."""
    queryset = Notification.objects.for_user(user).filter(inbox=True)
    queryset = queryset.filter(archived_at__isnull=False) if archived else queryset.visible()
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-id")


def unseen_count(*, user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, shop__memberships__user_id=user_id, inbox=True).unseen().count()


def notification_for_user(*, user: Any, notification_id: Any) -> Notification:
    """One of the person's own notifications (archived and snoozed included), or 404."""
    try:
        return Notification.objects.for_user(user).filter(inbox=True).get(pk=notification_id)
    except (Notification.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404("No such notification.") from exc


def staff_preferences(*, shop: Any, user: Any) -> dict[str, Any]:
    """A staff member's effective choices in ``shop``, in ``preferences.as_dict``'s shape."""
    from notifications import preferences
    from notifications.kinds import Audience
    from notifications.models import Preference

    saved = Preference.objects.filter(shop=shop, user=user).first()
    return preferences.as_dict(preferences.effective(audience=Audience.STAFF, preference=saved))


# --- Pages (keyset: created_at, then id, both descending) ---------------------------------------


def encode_cursor(notification: Notification) -> str:
    raw = json.dumps([notification.created_at.isoformat(), str(notification.pk)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, pk = json.loads(raw)
        at = parse_datetime(created)
        if at is None or at.tzinfo is None:
            raise ValueError(created)
        return at, uuid.UUID(pk)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise BadCursor("Not a cursor this server made.") from exc


@dataclass(frozen=True)
class Item:
    notification: Notification
    title: str
    url: str

    @property
    def id(self) -> uuid.UUID:
        return self.notification.pk


@dataclass(frozen=True)
class Page:
    items: list[Item]
    next_cursor: str | None


def inbox_page(
    *, user: Any, unread_only: bool = False, archived: bool = False, cursor: str = "", limit: int = PAGE_SIZE
) -> Page:
    """One page of the person's notifications, each with its title and link; ``next_cursor`` is
    ``None`` on the last page. Raises :class:`BadCursor`."""
    queryset = inbox_for(user=user, unread_only=unread_only, archived=archived).select_related("shop", "user")
    if cursor:
        at, pk = decode_cursor(cursor)
        queryset = queryset.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=pk))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(
        items=[Item(notification=n, title=title_for(n), url=url_for(n)) for n in rows],
        next_cursor=encode_cursor(rows[-1]) if more and rows else None,
    )


def title_for(notification: Notification) -> str:
    """The kind's in-app title; a kind whose title cannot be rendered still shows, by its name."""
    from notifications.rendering import MissingVariable, render_title
    from notifications.services.deliveries import context_for

    try:
        return render_title(notification.kind, context_for(notification))
    except (MissingVariable, TemplateDoesNotExist, ValueError):
        logger.warning("notification %s (%s): no title could be rendered", notification.pk, notification.kind)
        return notification.kind.replace("_", " ").capitalize()


def url_for(notification: Notification) -> str:
    from notifications.live import url_for as live_url_for

    return live_url_for(notification)

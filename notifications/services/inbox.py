"""A person's notification center: seen, read, archived, snoozed. Each change that moves the unseen
count is pushed to the person's other tabs (``notifications.unseen``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from notifications import live, selectors
from notifications.models import Notification


def notification_mark_read(*, user: Any, notification_id: Any) -> Notification:
    notification = selectors.notification_for_user(user=user, notification_id=notification_id)
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    Notification.objects.filter(pk=notification.pk, seen_at__isnull=True).update(seen_at=now)
    notification.refresh_from_db()
    live.push_unseen(user_id=user.pk)
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    now = timezone.now()
    inbox = Notification.objects.for_user(user).filter(inbox=True)
    count = inbox.filter(read_at__isnull=True).update(read_at=now)
    inbox.filter(seen_at__isnull=True).update(seen_at=now)
    live.push_unseen(user_id=user.pk)
    return count


def notifications_mark_seen(*, user: Any) -> int:
    """Opening the notification center: everything listed there has been seen (not read)."""
    count = Notification.objects.for_user(user).filter(inbox=True).unseen().update(seen_at=timezone.now())
    if count:
        live.push_unseen(user_id=user.pk)
    return count


def notification_archive(*, user: Any, notification_id: Any) -> Notification:
    notification = selectors.notification_for_user(user=user, notification_id=notification_id)
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(
        archived_at=now, read_at=notification.read_at or now, seen_at=notification.seen_at or now
    )
    notification.refresh_from_db()
    live.push_unseen(user_id=user.pk)
    return notification


def notification_snooze(*, user: Any, notification_id: Any, until: dt.datetime) -> Notification:
    """Hidden until ``until``, then back as unseen and unread."""
    notification = selectors.notification_for_user(user=user, notification_id=notification_id)
    Notification.objects.filter(pk=notification.pk).update(snoozed_until=until, seen_at=None, read_at=None)
    notification.refresh_from_db()
    live.push_unseen(user_id=user.pk)
    return notification

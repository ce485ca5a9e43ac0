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


def notification_snooze(
    *, user: Any, notification_id: Any, until: dt.datetime | None = None, choice: str = ""
) -> Notification:
    """Hidden until ``until`` (or the end of a ``choice`` of :data:`SNOOZE_CHOICES`), then back as
    unseen and unread."""
    notification = selectors.notification_for_user(user=user, notification_id=notification_id)
    if until is None:
        until = snooze_until(choice=choice, now=timezone.now(), tz=notification.shop.tzinfo)
    Notification.objects.filter(pk=notification.pk).update(snoozed_until=until, seen_at=None, read_at=None)
    notification.refresh_from_db()
    live.push_unseen(user_id=user.pk)
    return notification


SNOOZE_CHOICES = {"later_today": "Later today", "tomorrow": "Tomorrow morning", "next_week": "Next week"}
MORNING = dt.time(8, 0)


def snooze_until(*, choice: str, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """When a snooze ends: ``later_today`` in 3 hours, ``tomorrow`` at 08:00 and ``next_week`` on
    Monday at 08:00, both in the shop's time zone (a wall-clock time, whatever DST does overnight)."""
    if choice == "later_today":
        return now + dt.timedelta(hours=3)
    today = now.astimezone(tz).date()
    if choice == "tomorrow":
        day = today + dt.timedelta(days=1)
    elif choice == "next_week":
        day = today + dt.timedelta(days=7 - today.weekday())
    else:
        raise ValueError(f"Unknown snooze {choice!r}.")
    return dt.datetime.combine(day, MORNING, tzinfo=tz).astimezone(dt.UTC)

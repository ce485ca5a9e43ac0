"""Effective preferences: a recipient's saved choices over the defaults, and quiet hours in the
shop's time zone. Pure reads and arithmetic; the writes are ``services.preferences``."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from notifications.kinds import CHANNELS, DEFAULT_CHANNELS, SWITCHABLE_GROUPS, Audience, Group, Kind
from notifications.models import Preference

# Customers are not texted or emailed at night unless they chose hours of their own.
CUSTOMER_QUIET_HOURS = (dt.time(21, 0), dt.time(8, 0))


@dataclass(frozen=True)
class Effective:
    channels: dict[str, dict[str, bool]]  # group -> channel -> on
    quiet_start: dt.time | None
    quiet_end: dt.time | None

    def allows(self, kind: Kind, channel: str) -> bool:
        return self.channels.get(kind.group, {}).get(channel, False)


def effective(*, audience: Audience, preference: Preference | None) -> Effective:
    channels = {group.value: dict(values) for group, values in DEFAULT_CHANNELS[audience].items()}
    quiet: tuple[dt.time | None, dt.time | None] = (
        CUSTOMER_QUIET_HOURS if audience == Audience.CUSTOMER else (None, None)
    )
    if preference is not None:
        for group, values in (preference.channels or {}).items():
            if group in {g.value for g in SWITCHABLE_GROUPS} and isinstance(values, dict):
                for channel, on in values.items():
                    if channel in CHANNELS and isinstance(on, bool):
                        channels[group][channel] = on
        if preference.quiet_hours_start is not None and preference.quiet_hours_end is not None:
            quiet = (preference.quiet_hours_start, preference.quiet_hours_end)
        elif preference.pk is not None and audience == Audience.STAFF:
            quiet = (None, None)
    channels[Group.ACCOUNT.value] = dict(DEFAULT_CHANNELS[audience][Group.ACCOUNT])  # never switched off
    return Effective(channels=channels, quiet_start=quiet[0], quiet_end=quiet[1])


def quiet_until(
    *, at: dt.datetime, start: dt.time | None, end: dt.time | None, tz: zoneinfo.ZoneInfo
) -> dt.datetime | None:
    """If ``at`` falls in the quiet hours ``[start, end)`` (local wall clock, possibly over midnight),
    the instant they end; else ``None``. An end that falls in a spring-forward gap resolves to the
    first instant after it."""
    if start is None or end is None or start == end:
        return None
    local = at.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= clock < end
        end_date = local.date()
    else:  # over midnight, e.g. 21:00-08:00
        inside = clock >= start or clock < end
        end_date = local.date() + dt.timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    wall = dt.datetime.combine(end_date, end)
    # fold=0 of a time in a gap converts to the instant after it; an end in a repeated hour takes
    # the first occurrence.
    return wall.replace(tzinfo=tz).astimezone(dt.UTC)


def as_dict(value: Effective) -> dict[str, Any]:
    """The API's and the page's shape."""
    return {
        "channels": {group.value: dict(value.channels[group.value]) for group in SWITCHABLE_GROUPS},
        "quiet_hours": (
            {"start": value.quiet_start.strftime("%H:%M"), "end": value.quiet_end.strftime("%H:%M")}
            if value.quiet_start is not None and value.quiet_end is not None
            else None
        ),
    }

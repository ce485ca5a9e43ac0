"""Quiet hours on the shop's wall clock, across midnight and the DST changes (America/New_York)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from notifications.preferences import quiet_until

NY = zoneinfo.ZoneInfo("America/New_York")
NIGHT = (dt.time(21, 0), dt.time(8, 0))


def local(y: int, m: int, d: int, h: int, mi: int = 0, fold: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=NY, fold=fold)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (local(2026, 12, 7, 20, 59), None),  # before they start
        (local(2026, 12, 7, 21, 0), local(2026, 12, 8, 8, 0)),  # at the start: to the next morning
        (local(2026, 12, 8, 3, 0), local(2026, 12, 8, 8, 0)),  # after midnight: the same morning
        (local(2026, 12, 8, 8, 0), None),  # at the end: not quiet any more
    ],
)
def test_quiet_hours_over_midnight(at, expected):
    assert quiet_until(at=at.astimezone(dt.UTC), start=NIGHT[0], end=NIGHT[1], tz=NY) == expected


def test_the_night_clocks_go_back_ends_at_eight_on_the_wall_clock():
    # 1 Nov 2026: 02:00 EDT becomes 01:00 EST; the night lasts 12 hours of real time.
    until = quiet_until(at=local(2026, 10, 31, 22, 0).astimezone(dt.UTC), start=NIGHT[0], end=NIGHT[1], tz=NY)
    assert until == dt.datetime(2026, 11, 1, 13, 0, tzinfo=dt.UTC)  # 08:00 EST
    assert until.astimezone(NY).hour == 8


def test_the_night_clocks_go_forward_ends_at_eight_on_the_wall_clock():
    # 8 Mar 2026: 02:00 EST becomes 03:00 EDT.
    until = quiet_until(at=local(2026, 3, 7, 23, 0).astimezone(dt.UTC), start=NIGHT[0], end=NIGHT[1], tz=NY)
    assert until == dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC)  # 08:00 EDT
    assert until.astimezone(NY).hour == 8


def test_an_end_inside_the_missing_hour_resolves_to_after_it():
    until = quiet_until(at=local(2026, 3, 8, 1, 0).astimezone(dt.UTC), start=dt.time(0, 0), end=dt.time(2, 30), tz=NY)
    assert until == dt.datetime(2026, 3, 8, 7, 30, tzinfo=dt.UTC)  # 03:30 EDT, just after the gap


def test_daytime_quiet_hours_and_none():
    assert quiet_until(at=local(2026, 12, 7, 13, 0).astimezone(dt.UTC), start=dt.time(12), end=dt.time(14), tz=NY) == (
        local(2026, 12, 7, 14, 0)
    )
    assert quiet_until(at=local(2026, 12, 7, 13, 0).astimezone(dt.UTC), start=None, end=None, tz=NY) is None

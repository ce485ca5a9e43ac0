"""A reporting period: whole days on the shop's wall clock, as UTC instants for the queries."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from sixfb.errors import AppError

MAX_DAYS = 366
PRESETS = (7, 30, 90)
# Custom dates from 2000 to a year ahead: nothing older or later exists, and the calendar's edges
# (year 1, year 9999) cannot be turned into instants or a previous period.
EARLIEST = dt.date(2000, 1, 1)
AHEAD_DAYS = 366


class PeriodError(AppError):
    status = 400


@dataclass(frozen=True)
class Period:
    first_day: dt.date
    last_day: dt.date  # inclusive
    tz: zoneinfo.ZoneInfo

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first_day, dt.time(), tzinfo=self.tz).astimezone(dt.UTC)

    @property
    def end(self) -> dt.datetime:
        """The instant after the last day (its local midnight), exclusive."""
        return dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(), tzinfo=self.tz).astimezone(dt.UTC)

    def previous(self) -> Period:
        """The same number of days just before."""
        return Period(self.first_day - dt.timedelta(days=self.days), self.first_day - dt.timedelta(days=1), self.tz)

    def each_day(self) -> list[dt.date]:
        return [self.first_day + dt.timedelta(days=n) for n in range(self.days)]


def last_days(*, days: int, today: dt.date, tz: zoneinfo.ZoneInfo) -> Period:
    """The ``days`` days ending today, today included."""
    return Period(today - dt.timedelta(days=days - 1), today, tz)


def parse(*, days: str | None, first: str | None, last: str | None, today: dt.date, tz: zoneinfo.ZoneInfo) -> Period:
    """A period from request parameters: ``days`` (7, 30 or 90) or ``from``/``to`` dates (ISO,
    inclusive, at most a year). Anything else raises :class:`PeriodError` saying why."""
    if first or last:
        try:
            first_day = dt.date.fromisoformat(first or "")
            last_day = dt.date.fromisoformat(last or "")
        except ValueError:
            raise PeriodError(
                "invalid_period", "Give both dates as YYYY-MM-DD.", fields={"from": ["Use YYYY-MM-DD."]}
            ) from None
        if last_day < first_day:
            raise PeriodError("invalid_period", "The period ends before it starts.", fields={"to": ["Before from."]})
        if (last_day - first_day).days + 1 > MAX_DAYS:
            raise PeriodError("invalid_period", f"A period is at most {MAX_DAYS} days.", fields={"to": ["Too long."]})
        latest = today + dt.timedelta(days=AHEAD_DAYS)
        if first_day < EARLIEST or last_day > latest:
            raise PeriodError(
                "invalid_period",
                f"Choose dates between {EARLIEST.isoformat()} and {latest.isoformat()}.",
                fields={"from" if first_day < EARLIEST else "to": ["Out of range."]},
            )
        return Period(first_day, last_day, tz)
    if days in (None, ""):
        return last_days(days=30, today=today, tz=tz)
    if days not in {str(n) for n in PRESETS}:
        raise PeriodError(
            "invalid_period", "Choose 7, 30 or 90 days, or give dates.", fields={"days": ["7, 30 or 90."]}
        )
    return last_days(days=int(days), today=today, tz=tz)


def as_params(period: Period, *, today: dt.date) -> dict[str, str]:
    """The request parameters that give ``period`` back: a preset while it ends today, else dates."""
    if period.last_day == today and period.days in PRESETS:
        return {"days": str(period.days)}
    return {"from": period.first_day.isoformat(), "to": period.last_day.isoformat()}

"""The dashboard's tables: the same rows under each chart (its text fallback) and in its CSV export.

Cells are plain values a spreadsheet reads (numbers unformatted, dates ISO, money as decimals with
the currency in the heading); :func:`to_csv` neutralises text that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from insights.charts import WEEKDAY_NAMES
from insights.selectors import BarberUse, Day

Cell = str | int | float | Decimal | None

NAMES = ("daily", "barbers", "services", "hours", "lapsed", "agents")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    name: str
    caption: str
    columns: list[str]
    rows: list[list[Cell]]


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def daily_table(days: Sequence[Day], *, currency: str) -> Table:
    return Table(
        "daily",
        "Bookings and revenue by day",
        ["Date", "Bookings", f"Revenue ({currency})"],
        [[d.day.isoformat(), d.bookings, d.revenue] for d in days],
    )


def barbers_table(rows: Sequence[BarberUse]) -> Table:
    return Table(
        "barbers",
        "Utilisation by barber",
        ["Barber", "Booked minutes", "Working minutes", "Utilisation (%)"],
        [[r.name, r.booked_minutes, r.working_minutes, _percent(r.utilisation)] for r in rows],
    )


def services_table(rows: Sequence[dict[str, Any]], *, currency: str) -> Table:
    return Table(
        "services",
        "Top services",
        ["Service", "Bookings", f"Booked value ({currency})"],
        [[r["service_name"], r["bookings"], r["value"]] for r in rows],
    )


def hours_table(grid: list[list[int]]) -> Table:
    return Table(
        "hours",
        "Bookings by weekday and hour",
        ["Weekday", *[f"{hour:02d}:00" for hour in range(24)]],
        [[WEEKDAY_NAMES[day], *grid[day]] for day in range(7)],
    )


def lapsed_table(rows: Sequence[dict[str, Any]], *, tz: zoneinfo.ZoneInfo) -> Table:
    def local_day(moment: dt.datetime) -> str:
        return moment.astimezone(tz).date().isoformat()

    return Table(
        "lapsed",
        "Customers not back in 6 weeks or more",
        ["Customer", "Phone", "Email", "Last visit", "Visits"],
        [[r["name"], r["phone"], r["email"], local_day(r["last_visit"]), r["visits"]] for r in rows],
    )


def agents_table(rows: Sequence[dict[str, Any]]) -> Table:
    return Table(
        "agents",
        "AI chats by agent",
        ["Agent", "Chats"],
        [[r["conversation__agent__name"], r["chats"]] for r in rows],
    )


def safe_cell(value: Cell) -> Cell:
    """Text a spreadsheet would take for a formula gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in table.columns])
    writer.writerows([[safe_cell(c) for c in row] for row in table.rows])
    return out.getvalue()

"""Chart geometry for server-rendered SVG (``templates/insights/_chart_*.html`` draws it).

Every chart has a title and a one-sentence description for screen readers, and the page gives its
table beside it; colours come from CSS classes (the CSP forbids style attributes). Coordinates are in
a fixed viewBox, so a chart scales to its card on any screen.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

WIDTH = 360
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float

    @property
    def label_y(self) -> float:
        return self.y - 4

    @property
    def text_y(self) -> float:
        return self.y + self.height - 2


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    width: float
    height: float
    level: int  # 0 (none) to 4 (the busiest)
    tip: str


@dataclass(frozen=True)
class Chart:
    kind: str  # bars, columns or heat: which template draws it
    key: str
    title: str
    desc: str
    height: float
    width: int = WIDTH
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)


def horizontal_bars(*, key: str, title: str, rows: list[tuple[str, float, str]], unit: str) -> Chart:
    """One bar per row (label, value, value as text), longest = widest; labels sit above their bar."""
    row_height, bar_height, value_room = 36, 14, 70
    top = max((value for _label, value, _text in rows), default=0) or 1
    bars = [
        Bar(label, text, 0, n * row_height + 18, (WIDTH - value_room) * value / top, bar_height)
        for n, (label, value, text) in enumerate(rows)
    ]
    if rows:
        best = max(rows, key=lambda row: row[1])
        desc = f"{len(rows)} {unit}; the highest is {best[0]} at {best[2]}."
    else:
        desc = "Nothing in this period."
    return Chart("bars", key, title, desc, height=max(len(rows) * row_height, row_height), bars=bars)


def columns(*, key: str, title: str, days: list[dt.date], values: list[Decimal | int], unit: str) -> Chart:
    """A column per day, with the first and last day and the highest value written on the axis."""
    plot_top, plot_height, gap = 16, 96, 1 if len(days) > 31 else 2
    top = max(values, default=0) or 1
    step = WIDTH / max(len(days), 1)
    bars = []
    for n, (day, value) in enumerate(zip(days, values, strict=True)):
        height = plot_height * float(value) / float(top)
        text = f"{day:%a %-d %b}: {value} {unit}"
        bars.append(Bar(text, str(value), n * step, plot_top + plot_height - height, max(step - gap, 0.5), height))
    axis_y = plot_top + plot_height + 14
    labels = [Label(0, 10, f"highest {max(values, default=0)}")]
    if days:
        labels += [Label(0, axis_y, f"{days[0]:%-d %b}"), Label(WIDTH, axis_y, f"{days[-1]:%-d %b}", "end")]
    total = sum(values, start=0)
    busiest = max(range(len(days)), key=lambda n: values[n], default=None)
    if busiest is None or not values[busiest]:
        desc = f"No {unit} in these {len(days)} days."
    else:
        desc = f"{total} {unit} over {len(days)} days; the most on {days[busiest]:%A %-d %B} ({values[busiest]})."
    return Chart("columns", key, title, desc, height=plot_top + plot_height + 18, bars=bars, labels=labels)


def heat_map(*, key: str, title: str, grid: list[list[int]]) -> Chart:
    """Weekdays down, hours across (only the hours from the first to the last with bookings, 9 to 18 at
    least), five shades from none to the busiest cell."""
    used = [hour for hour in range(24) if any(row[hour] for row in grid)]
    first, last = min([9, *used]), max([18, *used])
    hours = list(range(first, last + 1))
    label_room, head, row_height = 34, 16, 22
    cell = (WIDTH - label_room) / len(hours)
    top = max((max(row) for row in grid), default=0)
    cells: list[Cell] = []
    labels: list[Label] = []
    for day, row in enumerate(grid):
        labels.append(Label(0, head + day * row_height + 15, WEEKDAYS[day]))
        for n, hour in enumerate(hours):
            count = row[hour]
            level = math.ceil(4 * count / top) if top else 0
            tip = f"{WEEKDAY_NAMES[day]} {hour:02d}:00: {count} booking{'s' if count != 1 else ''}"
            cells.append(Cell(label_room + n * cell, head + day * row_height, cell - 2, row_height - 2, level, tip))
    labels += [Label(label_room + n * cell, 11, f"{hour}") for n, hour in enumerate(hours) if hour % 3 == 0]
    if top:
        day, hour = max(((d, h) for d in range(7) for h in range(24)), key=lambda dh: grid[dh[0]][dh[1]])
        desc = f"Busiest: {WEEKDAY_NAMES[day]} at {hour:02d}:00 with {top} booking{'s' if top != 1 else ''}."
    else:
        desc = "No bookings in this period."
    return Chart("heat", key, title, desc, height=head + 7 * row_height, cells=cells, labels=labels)

"""How a number and its change read: percentages of the previous value, points for rates."""

from __future__ import annotations

from decimal import Decimal

from insights.charts import heat_map
from insights.compare import Metric, percent_text
from insights.tables import Table, to_csv


def test_changes_read_as_a_person_says_them():
    assert percent_text(0.2) == "20%" and percent_text(1 / 3) == "33.3%" and percent_text(None) == "\u2013"
    assert Metric("b", "Bookings", "count", 9, 12).change_text == "\u221225%"
    assert Metric("b", "Bookings", "count", 9, 12).trend == "bad"
    no_shows = Metric("n", "No-show rate", "rate", 0.1, 0.25, up_is_good=False)
    assert (no_shows.text, no_shows.change_text, no_shows.trend) == ("10%", "\u221215 pts", "good")
    revenue = Metric("r", "Revenue", "money", Decimal("1234.50"), Decimal("0.00"), "USD")
    assert (revenue.text, revenue.change_text) == ("1,234.50 USD", "up from 0")


def test_the_heat_map_shades_from_none_to_the_busiest_hour():
    grid = [[0] * 24 for _ in range(7)]
    grid[4][20], grid[4][21] = 4, 1  # Friday 20:00 and 21:00: the hours reach past 18:00
    chart = heat_map(key="hours", title="Busiest hours", grid=grid)
    assert len(chart.cells) == 7 * 13  # 09:00 to 21:00
    friday = [c for c in chart.cells if c.tip.startswith("Friday") and c.level]
    assert [(c.tip, c.level) for c in friday] == [("Friday 20:00: 4 bookings", 4), ("Friday 21:00: 1 booking", 1)]
    assert chart.desc == "Busiest: Friday at 20:00 with 4 bookings."


def test_csv_cells_that_start_a_formula_get_an_apostrophe():
    table = Table("x", "x", ["Name", "Count"], [["-1+1", -1], ["@SUM(A1)", 2], ["Ana", 3]])
    assert to_csv(table).splitlines() == ["Name,Count", "'-1+1,-1", "'@SUM(A1),2", "Ana,3"]

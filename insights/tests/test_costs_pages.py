"""/staff/costs/ and its CSV exports: staff only (404 otherwise), bad periods 400, safe CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from insights.costs.services import costs_rollup
from insights.tests.costs_data import at, week
from insights.tests.test_costs_figures import NOW
from sixfb.models import Shop
from tests.base import make_user

pytestmark = pytest.mark.django_db
WEEK = {"from": "2026-11-02", "to": "2026-11-08"}


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(is_staff=True))
    return client


@pytest.mark.parametrize("url", ["/staff/costs/", "/staff/costs/export/margins.csv", "/staff/costs/export/nope.csv"])
def test_anyone_but_staff_gets_a_404(client, url):
    assert client.get(url).status_code == 404  # anonymous: no login redirect that would reveal the page
    client.force_login(make_user())
    assert client.get(url, {"days": "5"}).status_code == 404


def test_the_page_shows_the_week(staff_client):
    week()
    costs_rollup(now=NOW)
    response = staff_client.get(reverse("staff:costs"), WEEK)
    assert response.status_code == 200
    page = response.content.decode()
    assert "$26.01" in page  # AI spend
    assert "$64.83" in page  # MRR
    assert "8,300 / 3,560" in page  # tokens in / out
    assert "EUR 10.00" in page  # another currency, shown apart
    assert "≤ 1,000 ms" in page and "≤ 3,000 ms" in page
    assert page.index("Bleeding Cuts") < page.index("Alpha Fades")
    assert 'class="losing"' in page
    assert 'data-meter="ai_usd"' in page and "style=" not in page  # the CSP forbids style attributes


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"days": "5"}, "Choose 7, 30 or 90 days"),
        ({"from": "2026-13-01", "to": "2026-11-08"}, "YYYY-MM-DD"),
        ({"from": "2026-11-08", "to": "2026-11-01"}, "ends before it starts"),
        ({"from": "2025-01-01", "to": "2026-11-08"}, "at most 366 days"),
        # The calendar's edges cannot become instants: a clear 400, not a 500.
        ({"from": "9999-12-31", "to": "9999-12-31"}, "Choose dates between 2000-01-01 and"),
        ({"from": "0001-01-01", "to": "0001-01-01"}, "Choose dates between 2000-01-01 and"),
    ],
)
def test_an_invalid_period_is_a_400_with_the_reason(staff_client, params, reason):
    page = staff_client.get(reverse("staff:costs"), params)
    assert page.status_code == 400 and reason in page.content.decode()
    export = staff_client.get(reverse("staff:costs_export", args=["days"]), params)
    assert export.status_code == 400 and reason in export.content.decode()


def test_an_unknown_table_is_a_400(staff_client):
    response = staff_client.get("/staff/costs/export/passwords.csv", WEEK)
    assert response.status_code == 400
    assert "margins" in response.content.decode()


def test_margins_csv_is_formula_safe(staff_client):
    shops = week()
    Shop.objects.filter(pk=shops["bleeding"].pk).update(name='=HYPERLINK("http://x","Bleeding")')
    costs_rollup(now=NOW)
    response = staff_client.get(reverse("staff:costs_export", args=["margins"]), WEEK)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["shop_id", "shop", "revenue_usd", "fees_usd", "ai_usd", "messaging_usd", "margin_usd"]
    assert rows[1][1] == '\'=HYPERLINK("http://x","Bleeding")'
    assert rows[1][2:] == ["19.00", "0.85", "23.510000", "0.0790", "-5.439000"]
    assert rows[2][1] == "Alpha Fades"


def test_days_csv(staff_client):
    week()
    costs_rollup(now=at(NOW.date(), "03:00"))
    response = staff_client.get("/staff/costs/export/days.csv", WEEK)
    assert "no-store" in response["Cache-Control"]  # no cache keeps shops' money
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1] == ["2026-11-02", "3", "1", "1", "1", "1200", "550", "0.500000"]
    assert rows[2] == ["2026-11-03", "3", "0", "0", "1", "7100", "3010", "25.510000"]


def test_the_admin_index_links_to_the_page(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert 'href="/staff/costs/"' in client.get("/admin/").content.decode()

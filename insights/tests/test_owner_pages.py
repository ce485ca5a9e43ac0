"""/insights/ and its CSV exports, against a fortnight computed by hand (America/New_York):
the week of Mon 30 Nov 2026 and the week before, with appointments at 23:30 on the Sundays."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment, Customer, Payment, Service
from bookings.services import barber_create
from sixfb.flags import NEW_DASHBOARD
from sixfb.models import Flag, Membership, Shop
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db

S = Appointment.Status
WEEK = {"from": "2026-11-30", "to": "2026-12-06"}


def flag_on(shop: Shop) -> None:
    flag = Flag.objects.get(name=NEW_DASHBOARD)
    flag.shops.add(shop)
    flag.save()  # as the admin's form does: waffle drops its cached copy


def book(shop, who: str, when: dt.datetime, status: str, *, service_name="Haircut", price="35.00", paid=None):
    barber = shop.barbers.first() or barber_create(shop=shop, name="Ana")
    service, _ = Service.objects.get_or_create(
        shop=shop, name=service_name, defaults={"duration_minutes": 30, "price": Decimal(price)}
    )
    customer, _ = Customer.objects.get_or_create(shop=shop, name=who)
    end = when + dt.timedelta(minutes=30)
    appointment = Appointment.objects.create(
        shop=shop,
        customer=customer,
        barber=barber,
        service=service,
        service_name=service.name,
        price=service.price,
        duration_minutes=30,
        start=when,
        end=end,
        blocked_until=end,
        status=status,
    )
    if paid is not None:
        Payment.objects.create(shop=shop, appointment=appointment, amount=Decimal(paid), paid_at=end)
    return appointment


@pytest.fixture
def fortnight():
    owner, shop = make_owner(shop_name="Fresh Cuts")
    flag_on(shop)
    tz = shop.tzinfo

    def at(day: str, hhmm: str) -> dt.datetime:
        return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(hhmm), tzinfo=tz)

    book(shop, "C1", at("2026-11-24", "10:00"), S.COMPLETED, paid="35.00")  # the week before
    book(shop, "C4", at("2026-11-29", "23:30"), S.CONFIRMED)  # Sunday night: the week before (Mon 04:30 UTC)
    book(shop, "C1", at("2026-11-30", "10:00"), S.COMPLETED, paid="35.00")
    book(shop, "C2", at("2026-12-01", "11:00"), S.COMPLETED, service_name="Beard", price="45.00", paid="45.00")
    book(shop, "C3", at("2026-12-06", "23:30"), S.CONFIRMED)  # Sunday 23:30 local is Monday 04:30 UTC: this week
    return owner, shop


def metric(page: str, key: str) -> tuple[str, str, str]:
    block = re.search(rf'data-metric="{key}">(.*?)</li>', page, re.S)
    assert block, key
    found = [re.search(rf"data-{part}>([^<]*)<", block.group(1)) for part in ("value", "change", "previous")]
    return tuple(m.group(1).strip() for m in found)  # type: ignore[union-attr,return-value]


def test_each_number_beside_the_previous_period_with_the_change(client, fortnight):
    owner, _shop = fortnight
    client.force_login(owner)
    response = client.get(reverse("insights:dashboard"), WEEK)
    assert response.status_code == 200
    page = response.content.decode()
    assert metric(page, "bookings") == ("3", "+50%", "before: 2")  # C1, C2, C3 against C1, C4
    assert metric(page, "revenue") == ("80.00 USD", "+128.6%", "before: 35.00 USD")
    assert metric(page, "average_ticket") == ("40.00 USD", "+14.3%", "before: 35.00 USD")
    assert metric(page, "new_customers") == ("2", "no change", "before: 2")  # C2, C3 against C1, C4
    assert metric(page, "returning_customers") == ("1", "up from 0", "before: 0")  # C1 came back
    assert metric(page, "cancellation_rate") == ("0%", "no change", "before: 0%")
    assert metric(page, "chats") == ("0", "\u2013", "before: 0")


def test_charts_are_titled_images_with_a_table_beside_each(client, fortnight):
    owner, _shop = fortnight
    client.force_login(owner)
    page = client.get(reverse("insights:dashboard"), WEEK).content.decode()
    for key in ["bookings", "revenue", "barbers", "services", "hours", "agents"]:
        assert f'aria-labelledby="chart-{key}-title chart-{key}-desc" data-chart="{key}"' in page
        assert f'<title id="chart-{key}-title">' in page
    assert "Busiest: Monday at 10:00 with 1 booking." in page  # ties: the first in the week
    assert "3 bookings over 7 days; the most on Monday 30 November (1)." in page
    for table in ["daily", "barbers", "services", "hours", "lapsed", "agents"]:
        assert f'<details class="table-fallback" data-table="{table}">' in page
        assert f'href="/insights/export/{table}.csv?from=2026-11-30&amp;to=2026-12-06"' in page


def test_an_empty_period_shows_zeros_and_no_rates(client, fortnight):
    owner, _shop = fortnight
    client.force_login(owner)
    page = client.get(reverse("insights:dashboard"), {"from": "2025-01-06", "to": "2025-01-12"}).content.decode()
    assert metric(page, "bookings") == ("0", "\u2013", "before: 0")
    assert metric(page, "no_show_rate") == ("\u2013", "\u2013", "before: \u2013")
    assert "No bookings in this period." in page and "No bookings in these 7 days." in page


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"days": "8"}, "Choose 7, 30 or 90 days, or give dates."),
        ({"from": "2026-12-06", "to": "2026-11-30"}, "The period ends before it starts."),
        ({"from": "yesterday", "to": "2026-11-30"}, "Give both dates as YYYY-MM-DD."),
        ({"from": "9999-12-31", "to": "9999-12-31"}, "Choose dates between 2000-01-01 and"),
        ({"from": "0001-01-01", "to": "0001-01-01"}, "Choose dates between 2000-01-01 and"),
    ],
)
def test_a_bad_period_is_a_400_that_says_why(client, fortnight, params, reason):
    owner, _shop = fortnight
    client.force_login(owner)
    page = client.get(reverse("insights:dashboard"), params)
    assert page.status_code == 400 and reason in page.content.decode()
    export = client.get(reverse("insights:export", kwargs={"table": "daily"}), params)
    assert export.status_code == 400
    assert export.json()["code"] == "invalid_period" and export.json()["message"].startswith(reason)


def test_an_unknown_table_is_a_400(client, fortnight):
    owner, _shop = fortnight
    client.force_login(owner)
    response = client.get(reverse("insights:export", kwargs={"table": "secrets"}), WEEK)
    assert response.status_code == 400 and response.json()["code"] == "unknown_table"


def test_the_daily_export_puts_sunday_2330_on_sunday(client, fortnight):
    owner, _shop = fortnight
    client.force_login(owner)
    response = client.get(reverse("insights:export", kwargs={"table": "daily"}), WEEK)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Content-Disposition"] == 'attachment; filename="fresh-cuts-daily-2026-11-30-2026-12-06.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["Date", "Bookings", "Revenue (USD)"],
        ["2026-11-30", "1", "35.00"],
        ["2026-12-01", "1", "45.00"],
        ["2026-12-02", "0", "0.00"],
        ["2026-12-03", "0", "0.00"],
        ["2026-12-04", "0", "0.00"],
        ["2026-12-05", "0", "0.00"],
        ["2026-12-06", "1", "0.00"],
    ]


def test_exports_defuse_spreadsheet_formulas(client, fortnight):
    _owner, _shop = fortnight
    owner, shop = make_owner(shop_name="Other")  # its own customers: none lapsed but this one, whatever today is
    flag_on(shop)
    ten_weeks_ago = timezone.now() - dt.timedelta(weeks=10)
    book(shop, '=HYPERLINK("http://evil.example","x")', ten_weeks_ago, S.COMPLETED)
    Customer.objects.filter(name__startswith="=").update(phone="+12125550100", email="@me")
    client.force_login(owner)
    rows = list(csv.reader(io.StringIO(client.get("/insights/export/lapsed.csv", WEEK).content.decode())))
    local_day = ten_weeks_ago.astimezone(shop.tzinfo).date().isoformat()
    assert rows == [
        ["Customer", "Phone", "Email", "Last visit", "Visits"],
        ['\'=HYPERLINK("http://evil.example","x")', "'+12125550100", "'@me", local_day, "1"],
    ]
    client.force_login(_owner)
    services = list(csv.reader(io.StringIO(client.get("/insights/export/services.csv", WEEK).content.decode())))
    header = ["Service", "Bookings", "Booked value (USD)"]
    assert services == [header, ["Haircut", "2", "70.00"], ["Beard", "1", "45.00"]]


def test_a_shop_sees_only_its_own_numbers(client, fortnight):
    owner, _shop = fortnight
    rival_owner, rival = make_owner(shop_name="Rival")
    flag_on(rival)
    when = dt.datetime(2026, 12, 2, 12, 0, tzinfo=rival.tzinfo)
    for n in range(5):
        at = when + dt.timedelta(hours=n)
        book(rival, f"Rivalguest{n}", at, S.COMPLETED, service_name="Rival Special", paid="99.00")
    client.force_login(owner)
    page = client.get(reverse("insights:dashboard"), WEEK).content.decode()
    assert metric(page, "bookings")[0] == "3" and metric(page, "revenue")[0] == "80.00 USD"
    assert "Rival Special" not in page and "Rivalguest" not in page
    exported = client.get("/insights/export/services.csv", WEEK).content.decode()
    assert "Rival Special" not in exported
    client.force_login(rival_owner)
    rival_page = client.get(reverse("insights:dashboard"), WEEK).content.decode()
    assert metric(rival_page, "bookings")[0] == "5" and metric(rival_page, "revenue")[0] == "495.00 USD"


def test_managers_see_the_numbers_and_barbers_get_a_polite_403(client, fortnight):
    _owner, shop = fortnight
    client.force_login(add_member(shop=shop, role=Membership.Role.MANAGER))
    assert client.get(reverse("insights:dashboard"), WEEK).status_code == 200
    client.force_login(add_member(shop=shop, role=Membership.Role.BARBER))
    response = client.get(reverse("insights:dashboard"), WEEK)
    assert response.status_code == 403
    assert "for its owner and managers" in response.content.decode()
    assert client.get("/insights/export/daily.csv", WEEK).status_code == 403


def test_a_shop_without_the_new_dashboard_is_sent_to_its_dashboard(client):
    owner, shop = make_owner()
    flag = Flag.objects.get(name=NEW_DASHBOARD)
    flag.excluded_shops.add(shop)
    client.force_login(owner)
    response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get("/insights/export/daily.csv").status_code == 404


def test_presets_are_the_last_days_on_the_shops_clock(client, fortnight):
    owner, shop = fortnight
    client.force_login(owner)
    today = timezone.now().astimezone(shop.tzinfo).date()
    page = client.get(reverse("insights:dashboard"), {"days": "7"}).content.decode()
    first = today - dt.timedelta(days=6)
    assert f'value="{first.isoformat()}"' in page and f'value="{today.isoformat()}"' in page
    assert '<a href="?days=7" aria-current="page">7 days</a>' in page
    assert 'href="/insights/export/daily.csv?days=7"' in page

"""customer_lookup and customer_segment: who is found, with which figures, and who is not."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from actions.registry import MAX_RESULT_CHARS, MAX_ROWS, ToolError
from actions.segments import customer_segment
from actions.tests.support import NOW, call, context, visit, weeks_ago
from bookings.models import Appointment, Customer
from bookings.services import barber_create, customer_create, service_create
from sixfb.models import Membership
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db
S = Appointment.Status


@pytest.fixture
def shop():
    """Customers with histories that fall on either side of each segment's rule."""
    owner, shop = make_owner(shop_name="Fresh Cuts")
    ana = barber_create(shop=shop, name="Ana")
    cut = service_create(shop=shop, name="Haircut", duration_minutes=30, price="35.00", barbers=[ana])
    people = {}

    def person(name: str, **extra: Any) -> Customer:
        people[name] = customer_create(shop=shop, name=name, **extra)
        return people[name]

    def seen(name: str, *weeks: float, status: str = S.COMPLETED, paid: str | None = "35.00") -> None:
        for w in weeks:
            visit(customer=people[name], barber=ana, service=cut, start=weeks_ago(w), status=status, paid=paid)

    person("Regular Gone", phone="+12125550111", email="gone@example.com", email_consent=True)
    seen("Regular Gone", 20, 14, 8)  # a regular, last seen 8 weeks ago: overdue and lapsed
    person("Regular Booked")
    seen("Regular Booked", 20, 9)
    visit(customer=people["Regular Booked"], barber=ana, service=cut, start=NOW + dt.timedelta(days=3),
          status=S.CONFIRMED)  # fmt: skip
    person("Once Gone", sms_consent=True)
    seen("Once Gone", 10)  # one visit: lapsed, not overdue
    person("Regular Recent")
    seen("Regular Recent", 12, 3)  # seen 3 weeks ago: neither
    person("No Show", phone="+12125550122")
    seen("No Show", 30, 25)
    seen("No Show", 2, status=S.NO_SHOW, paid=None)  # and an old regular: overdue too
    person("Old No Show")
    seen("Old No Show", 20, status=S.NO_SHOW, paid=None)
    person("Big Spender")
    seen("Big Spender", 4, 2, 1, paid="120.00")
    person("Never Came")
    return owner, shop, people


def names(result) -> list[str]:
    return [row["name"] for row in result.data["customers"]]


def test_overdue_is_regulars_not_seen_for_n_weeks_with_nothing_booked(shop):
    owner, store, _ = shop
    result = call(context(user=owner, shop=store), "customer_segment", {"segment": "overdue"})
    assert names(result) == ["No Show", "Regular Gone"]  # longest gone first
    assert result.data["count"] == 2 and result.data["weeks"] == 6
    gone = result.data["customers"][1]
    assert gone["visits"] == 3 and gone["total_spent"] == "105.00"
    assert gone["email_consent"] is True and gone["sms_consent"] is False
    assert gone["last_visit"].startswith(weeks_ago(8).astimezone(store.tzinfo).date().isoformat())
    longer = call(context(user=owner, shop=store), "customer_segment", {"segment": "overdue", "weeks": 10})
    assert names(longer) == ["No Show"]


def test_lapsed_is_anyone_not_seen_for_n_weeks(shop):
    owner, store, _ = shop
    result = call(context(user=owner, shop=store), "customer_segment", {"segment": "lapsed", "weeks": 6})
    assert names(result) == ["No Show", "Once Gone", "Regular Gone"]


def test_no_shows_counts_those_in_the_window(shop):
    owner, store, _ = shop
    result = call(context(user=owner, shop=store), "customer_segment", {"segment": "no_shows"})
    assert names(result) == ["No Show"]
    assert result.data["customers"][0]["no_shows"] == 1
    wider = call(context(user=owner, shop=store), "customer_segment", {"segment": "no_shows", "weeks": 26})
    assert names(wider) == ["No Show", "Old No Show"]


def test_top_spenders_rank_by_payments_in_the_window(shop):
    owner, store, _ = shop
    result = call(context(user=owner, shop=store), "customer_segment", {"segment": "top_spenders", "weeks": 5})
    assert names(result) == ["Big Spender", "Regular Recent"]
    assert [row["spent_in_period"] for row in result.data["customers"]] == ["360.00", "35.00"]


def test_the_segment_query_is_one_queryset_to_count_or_slice(shop, django_assert_num_queries):
    _, store, _ = shop
    with django_assert_num_queries(1):
        assert customer_segment(shop=store, segment="lapsed", weeks=6, now=NOW).count() == 3
    with django_assert_num_queries(1):
        first = list(customer_segment(shop=store, segment="lapsed", weeks=6, now=NOW, limit=1))
    assert [c.name for c in first] == ["No Show"]
    with pytest.raises(ValueError):
        customer_segment(shop=store, segment="everyone", now=NOW)


@pytest.mark.parametrize(
    "arguments",
    [
        {"segment": "everyone"},
        {"segment": "overdue", "weeks": 0},
        {"segment": "overdue", "weeks": 105},
        {"segment": "overdue", "weeks": "6"},
        {"segment": "overdue", "weeks": True},
        {"segment": "overdue", "limit": 5},
        {},
    ],
)
def test_segment_arguments_are_checked(shop, arguments):
    owner, store, _ = shop
    with pytest.raises(ToolError) as caught:
        call(context(user=owner, shop=store), "customer_segment", arguments)
    assert caught.value.code == "invalid_arguments"


def test_lookup_finds_by_name_phone_or_email_without_giving_them_out(shop):
    owner, store, people = shop
    ctx = context(user=owner, shop=store)
    assert names(call(ctx, "customer_lookup", {"query": "regular"})) == [
        "Regular Booked",
        "Regular Gone",
        "Regular Recent",
    ]
    by_phone = call(ctx, "customer_lookup", {"query": "555-0122"})
    assert names(by_phone) == ["No Show"]
    by_email = call(ctx, "customer_lookup", {"query": "gone@example"})
    assert by_email.data["customers"] == [
        {
            "id": str(people["Regular Gone"].pk),
            "name": "Regular Gone",
            "visits": 3,
            "total_spent": "105.00",
            "last_visit": by_email.data["customers"][0]["last_visit"],
            "email_consent": True,
            "sms_consent": False,
        }
    ]
    assert "+1212" not in str(by_phone.data) and "@" not in str(by_email.data)
    never = call(ctx, "customer_lookup", {"query": "Never"}).data["customers"][0]
    assert never["visits"] == 0 and never["total_spent"] == "0.00" and never["last_visit"] is None


def test_a_barber_may_look_customers_up(shop):
    _, store, _ = shop
    barber = add_member(shop=store, role=Membership.Role.BARBER)
    assert names(call(context(user=barber, shop=store), "customer_lookup", {"query": "Big"})) == ["Big Spender"]


def test_lookup_caps_the_rows_and_says_there_are_more(shop):
    owner, store, _ = shop
    Customer.objects.bulk_create([Customer(shop=store, name=f"Sam {n:03}") for n in range(MAX_ROWS + 5)])
    result = call(context(user=owner, shop=store), "customer_lookup", {"query": "Sam"})
    assert len(result.data["customers"]) == MAX_ROWS
    assert result.data["count"] == MAX_ROWS + 5 and result.data["more"] is True
    assert names(result)[0] == "Sam 000"


@pytest.mark.parametrize("arguments", [{"query": ""}, {"query": "   "}, {"query": "x" * 101}, {"q": "Sam"}])
def test_lookup_arguments_are_checked(shop, arguments):
    owner, store, _ = shop
    with pytest.raises(ToolError) as caught:
        call(context(user=owner, shop=store), "customer_lookup", arguments)
    assert caught.value.code == "invalid_arguments"


def test_long_rows_are_trimmed_to_what_the_model_may_read(shop):
    owner, store, _ = shop
    long_names = [Customer(shop=store, name=f"Sam {n:03} " + "\u00e9" * 110) for n in range(MAX_ROWS + 10)]
    Customer.objects.bulk_create(long_names)
    result = call(context(user=owner, shop=store), "customer_lookup", {"query": "Sam"})
    assert len(json.dumps(result.data)) <= MAX_RESULT_CHARS
    assert 0 < len(result.data["customers"]) < MAX_ROWS
    assert result.data["count"] == MAX_ROWS + 10 and result.data["more"] is True
    assert names(result)[0].startswith("Sam 000")

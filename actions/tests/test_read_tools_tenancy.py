"""Two shops side by side: another shop's ids are "not found", and nothing of theirs is in any result."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.registry import ToolError, tool_get
from actions.tests.support import as_text, call, demo_shop
from bookings.models import Appointment, Barber, Customer, Service
from insights import selectors as insights
from insights.periods import Period

pytestmark = pytest.mark.django_db

# Valid arguments for every read tool, for the shop the call runs for.
EVERY_CALL = [
    ("availability", {"service": "Skin Fade", "from": "2026-12-08", "to": "2026-12-10"}),
    ("appointments", {"from": "2026-11-20", "to": "2026-12-15"}),
    ("customer_lookup", {"query": "a"}),
    ("customer_segment", {"segment": "overdue", "weeks": 1}),
    ("customer_segment", {"segment": "lapsed", "weeks": 1}),
    ("customer_segment", {"segment": "no_shows", "weeks": 8}),
    ("customer_segment", {"segment": "top_spenders", "weeks": 8}),
    ("shop_metrics", {"period": "last_month"}),
    ("services_and_prices", {}),
    ("shop_notes", {}),
]


@pytest.fixture
def ours_and_theirs():
    ours = demo_shop(name="Fresh Cuts", seed=6)
    theirs = demo_shop(name="Sharp Fades", seed=7)
    theirs.shop.notes_for_agents = "SECRET-OF-SHARP-FADES"
    theirs.shop.save(update_fields=["notes_for_agents"])
    return ours, theirs


def their_ids(shop) -> set[str]:
    ids: set[str] = set()
    for model in (Service, Barber, Customer, Appointment):
        ids |= {str(pk) for pk in model.objects.filter(shop=shop).values_list("pk", flat=True)}
    return ids


def test_no_result_of_any_tool_holds_anything_of_another_shop(ours_and_theirs):
    ours, theirs = ours_and_theirs
    forbidden = their_ids(theirs.shop) | {"SECRET-OF-SHARP-FADES", "Sharp Fades"}
    our_ids = their_ids(ours.shop)
    last_month = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30), ours.shop.tzinfo)
    ours_bookings = insights.headline(shop=ours.shop, period=last_month).bookings
    assert {name for name, _ in EVERY_CALL} == {
        "availability", "appointments", "customer_lookup", "customer_segment", "shop_metrics",
        "services_and_prices", "shop_notes",
    }  # fmt: skip
    for name, arguments in EVERY_CALL:
        text = as_text(call(ours.ctx(), name, arguments))
        assert not [item for item in forbidden if item in text], name
        # and the result is about our shop, so the check above means something
        if name == "shop_metrics":
            assert f'"bookings": {ours_bookings}, ' in text
        elif name == "shop_notes":
            assert "Fresh Cuts" in text
        else:
            assert any(i in text for i in our_ids), name


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("availability", {"service": "{service}", "from": "2026-12-08"}),
        ("availability", {"service": "Skin Fade", "barber": "{barber}", "from": "2026-12-08"}),
        ("appointments", {"from": "2026-12-01", "barber": "{barber}"}),
    ],
)
def test_another_shops_ids_are_not_found(ours_and_theirs, name, arguments):
    ours, theirs = ours_and_theirs
    ids = {
        "{service}": str(Service.objects.filter(shop=theirs.shop).first().pk),
        "{barber}": str(Barber.objects.filter(shop=theirs.shop).first().pk),
    }
    filled = {key: ids.get(value, value) for key, value in arguments.items()}
    with pytest.raises(ToolError) as caught:
        call(ours.ctx(), name, filled)
    assert caught.value.code == "not_found"
    assert "Sharp" not in caught.value.message


def test_a_customer_of_another_shop_is_not_found_by_lookup(ours_and_theirs):
    ours, theirs = ours_and_theirs
    theirs_only = Customer.objects.create(shop=theirs.shop, name="Zebedee Only-There", phone="+17185550199")
    for query in ["Zebedee", "7185550199", str(theirs_only.pk)]:
        assert call(ours.ctx(), "customer_lookup", {"query": query}).data["customers"] == []
    assert call(theirs.ctx(), "customer_lookup", {"query": "Zebedee"}).data["count"] == 1


def test_every_read_tool_is_registered_with_a_closed_schema():
    for name, _ in EVERY_CALL:
        tool = tool_get(name)
        assert tool is not None and tool.kind == "read"
        assert tool.parameters["additionalProperties"] is False
        assert tool.openai_spec()["function"]["name"] == name

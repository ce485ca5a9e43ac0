"""availability and appointments against the demo shop's month, as the calendar computes them."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.registry import MAX_ROWS, ToolError
from actions.tests.support import NOW, TODAY, call, context, demo_shop
from bookings import selectors
from bookings.models import Appointment, Barber, Service
from sixfb.models import Membership
from tests.base import add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return demo_shop()


def test_availability_gives_the_calendars_free_slots_with_barber_names(demo):
    fade = Service.objects.get(shop=demo.shop, name="Skin Fade")
    marcus = Barber.objects.get(shop=demo.shop, name="Marcus Reed")
    result = call(demo.ctx(), "availability", {"service": str(fade.pk), "barber": str(marcus.pk), "from": "2026-12-08"})
    expected = selectors.availability(
        shop=demo.shop, service=fade, barber=marcus, first_day=TODAY + dt.timedelta(days=1),
        last_day=TODAY + dt.timedelta(days=1), online=False, now=NOW,
    )  # fmt: skip
    assert expected, "the demo day should have free time"
    assert [s["start"] for s in result.data["slots"]] == [s.start.isoformat() for s in expected][:MAX_ROWS]
    assert {s["barber"] for s in result.data["slots"]} == {"Marcus Reed"}
    assert {s["barber_id"] for s in result.data["slots"]} == {str(marcus.pk)}
    assert result.data["count"] == len(expected)
    assert result.data["slots"][0]["start"].endswith("-05:00")  # the shop's offset
    assert "Skin Fade with Marcus Reed" in result.summary


def test_availability_takes_exact_names_and_caps_the_rows(demo):
    result = call(demo.ctx(), "availability", {"service": "classic haircut", "from": "2026-12-08", "to": "2026-12-14"})
    cut = Service.objects.get(shop=demo.shop, name="Classic Haircut")
    expected = selectors.availability(
        shop=demo.shop, service=cut, first_day=dt.date(2026, 12, 8), last_day=dt.date(2026, 12, 14),
        online=False, now=NOW,
    )  # fmt: skip
    assert len(expected) > MAX_ROWS
    assert len(result.data["slots"]) == MAX_ROWS
    assert result.data["more"] is True and result.data["count"] == len(expected)
    assert len({s["barber"] for s in result.data["slots"]}) >= 2  # anyone who offers it
    by_day = result.data["free_slots_by_day"]
    assert sum(by_day.values()) == len(expected) and min(by_day) >= "2026-12-08" and max(by_day) <= "2026-12-14"
    assert by_day["2026-12-10"] == sum(1 for s in expected if s.start.date() == dt.date(2026, 12, 10))


def test_availability_never_offers_the_past(demo):
    result = call(demo.ctx(), "availability", {"service": "Line-Up", "from": "2026-12-01", "to": "2026-12-07"})
    assert result.data["slots"]
    assert all(dt.datetime.fromisoformat(s["start"]) >= NOW for s in result.data["slots"])


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"service": "Skin Fade", "from": "2026-12-08", "to": "2026-12-22"}, "invalid_arguments"),  # 15 days
        ({"service": "Skin Fade", "from": "2026-12-08", "to": "2026-12-07"}, "invalid_arguments"),
        ({"service": "Skin Fade", "from": "2026-02-30"}, "invalid_arguments"),
        ({"service": "Skin Fade", "from": "9999-12-31"}, "invalid_arguments"),
        ({"service": "Skin Fade", "from": "08/12/2026"}, "invalid_arguments"),
        ({"service": "Skin Fade", "from": "2026-12-08", "extra": 1}, "invalid_arguments"),
        ({"service": 7, "from": "2026-12-08"}, "invalid_arguments"),
        ({"from": "2026-12-08"}, "invalid_arguments"),
        ({"service": "Perm", "from": "2026-12-08"}, "not_found"),
        ({"service": "Skin Fade", "barber": "Nobody", "from": "2026-12-08"}, "not_found"),
        ({"service": "00000000-0000-0000-0000-000000000000", "from": "2026-12-08"}, "not_found"),
    ],
)
def test_availability_refuses_bad_arguments_with_a_code(demo, arguments, code):
    with pytest.raises(ToolError) as caught:
        call(demo.ctx(), "availability", arguments)
    assert caught.value.code == code
    assert caught.value.message


def test_appointments_lists_the_range_in_order_with_names(demo):
    result = call(demo.ctx(), "appointments", {"from": "2026-12-07", "to": "2026-12-08"})
    expected = Appointment.objects.filter(
        shop=demo.shop, start__gte=dt.datetime(2026, 12, 7, 5, tzinfo=dt.UTC),
        start__lt=dt.datetime(2026, 12, 9, 5, tzinfo=dt.UTC),
    ).order_by("start")  # fmt: skip
    assert result.data["count"] == expected.count() > 0
    rows = result.data["appointments"]
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
    first = expected.first()
    assert first is not None
    row = next(r for r in rows if r["id"] == str(first.pk))
    assert row["customer"] == first.customer.name and row["barber"] == first.barber.name
    assert row["service"] == first.service_name and row["status"] == first.status


def test_appointments_filters_by_barber_and_status(demo):
    jamal = Barber.objects.get(shop=demo.shop, name="Jamal Carter")
    arguments = {"from": "2026-11-16", "to": "2026-12-06", "barber": "Jamal Carter", "status": "completed"}
    result = call(demo.ctx(), "appointments", arguments)
    expected = Appointment.objects.filter(
        shop=demo.shop, barber=jamal, status="completed", start__lt=dt.datetime(2026, 12, 7, 5, tzinfo=dt.UTC),
        start__gte=dt.datetime(2026, 11, 16, 5, tzinfo=dt.UTC),
    )  # fmt: skip
    assert result.data["count"] == expected.count() > 0
    assert {r["barber"] for r in result.data["appointments"]} == {"Jamal Carter"}
    assert {r["status"] for r in result.data["appointments"]} == {"completed"}
    if result.data["count"] > MAX_ROWS:
        assert result.data["more"] is True and len(result.data["appointments"]) == MAX_ROWS


def test_a_barber_sees_only_their_own_appointments(demo):
    user = add_member(shop=demo.shop, role=Membership.Role.BARBER)
    andre = Barber.objects.get(shop=demo.shop, name="Andre Silva")
    andre.membership = Membership.objects.get(user=user)
    andre.save(update_fields=["membership"])
    ctx = context(user=user, shop=demo.shop)
    mine = call(ctx, "appointments", {"from": "2026-12-01", "to": "2026-12-10"})
    assert mine.data["count"] > 0
    assert {r["barber"] for r in mine.data["appointments"]} == {"Andre Silva"}
    theirs = call(ctx, "appointments", {"from": "2026-12-01", "to": "2026-12-10", "barber": "Marcus Reed"})
    assert theirs.data == {"appointments": [], "count": 0}
    everyone = call(demo.ctx(), "appointments", {"from": "2026-12-01", "to": "2026-12-10"})
    assert everyone.data["count"] > mine.data["count"]


@pytest.mark.parametrize(
    "arguments",
    [
        {"from": "2026-12-01", "to": "2027-01-01"},  # 32 days
        {"from": "2026-12-01", "status": "done"},
        {"from": "2026-12-01", "barber": ""},
        {"to": "2026-12-01"},
    ],
)
def test_appointments_refuses_bad_arguments(demo, arguments):
    with pytest.raises(ToolError) as caught:
        call(demo.ctx(), "appointments", arguments)
    assert caught.value.code == "invalid_arguments"

"""What an appointment's change tells the rest of the product: one domain signal after commit, the
`appointment.changed` frame on `/ws/live/` for that shop's staff only, and `booking_submitted` in
PostHog without the customer's personal data."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import override_settings

from bookings import services, signals
from bookings.models import Appointment
from bookings.services import BookingError
from bookings.tests.support import MONDAY, booking_shop, morning_of
from sixfb.asgi import application
from sixfb.lib import analytics
from tests.base import session_cookie

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ORIGIN = (b"origin", b"http://testserver")


class Heard:
    """Every bookings signal sent while it listens, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []
        self.names = {id(s): name for name, s in vars(signals).items() if s in signals.ALL}

    def __enter__(self) -> Heard:
        for signal in signals.ALL:
            signal.connect(self.hear, sender=Appointment, dispatch_uid=f"heard-{id(self)}")
        return self

    def __exit__(self, *exc: object) -> None:
        for signal in signals.ALL:
            signal.disconnect(sender=Appointment, dispatch_uid=f"heard-{id(self)}")

    def hear(self, *, signal, sender, **kwargs) -> None:
        self.events.append((self.names[id(signal)], kwargs))


def test_each_change_sends_one_signal_after_commit_and_none_for_a_refusal_or_rollback():
    b = booking_shop()
    now = morning_of(MONDAY, b.shop)
    with Heard() as heard:
        with transaction.atomic():
            booked = services.appointment_book(
                shop=b.shop, service=b.cut, start=b.at(MONDAY, "10:00"), customer=b.customer, now=now
            )
            assert heard.events == []  # not before the commit
        assert [name for name, _ in heard.events] == ["appointment_booked"]
        _, payload = heard.events[0]
        assert payload == {
            "appointment_id": str(booked.pk), "shop_id": b.shop.pk, "status": "confirmed",
            "start": "2026-12-07T10:00:00-05:00", "barber_id": str(b.barbers[0].pk), "source": "staff",
        }  # fmt: skip
        json.dumps(payload)  # JSON only

        with pytest.raises(BookingError):
            services.appointment_book(
                shop=b.shop, service=b.cut, start=b.at(MONDAY, "10:00"), customer=b.customer, now=now
            )
        with pytest.raises(RuntimeError), transaction.atomic():
            services.appointment_cancel(appointment=booked)
            raise RuntimeError("rolled back")
        assert len(heard.events) == 1

        moved = services.appointment_reschedule(appointment=booked, start=b.at(MONDAY, "11:00"), now=now)
        services.appointment_status_set(appointment=moved, status="completed", now=b.at(MONDAY, "11:45"))
        services.appointment_status_set(appointment=moved, status="completed", now=b.at(MONDAY, "11:50"))  # no change
        other = services.appointment_book(
            shop=b.shop, service=b.cut, start=b.at(MONDAY, "12:00"), customer=b.customer, now=now
        )
        services.appointment_status_set(appointment=other, status="no_show", now=b.at(MONDAY, "12:40"))
        third = services.appointment_book(
            shop=b.shop, service=b.cut, start=b.at(MONDAY, "13:00"), customer=b.customer, now=now
        )
        services.appointment_cancel(appointment=third, reason="Ill")
    assert [name for name, _ in heard.events] == [
        "appointment_booked", "appointment_rescheduled", "appointment_completed",
        "appointment_booked", "appointment_no_show", "appointment_booked", "appointment_cancelled",
    ]  # fmt: skip
    assert heard.events[1][1]["previous_start"] == "2026-12-07T10:00:00-05:00"
    assert heard.events[1][1]["start"] == "2026-12-07T11:00:00-05:00"


async def test_staff_of_the_shop_see_appointment_changes_live_and_no_other_shop_does():
    b = await database_sync_to_async(booking_shop)()
    other = await database_sync_to_async(booking_shop)(shop_name="Across the Street")
    mine = WebsocketCommunicator(
        application,
        "/ws/live/",
        headers=[ORIGIN, (b"cookie", (await database_sync_to_async(session_cookie)(b.owner)).encode())],
    )
    theirs = WebsocketCommunicator(
        application,
        "/ws/live/",
        headers=[ORIGIN, (b"cookie", (await database_sync_to_async(session_cookie)(other.owner)).encode())],
    )
    assert (await mine.connect())[0] and (await theirs.connect())[0]

    booked = await database_sync_to_async(services.appointment_book)(
        shop=b.shop, service=b.cut, start=b.at(MONDAY, "10:00"), customer=b.customer, now=morning_of(MONDAY, b.shop)
    )
    frame = await mine.receive_json_from(timeout=5)
    assert frame == {
        "type": "appointment.changed", "id": str(booked.pk), "status": "confirmed",
        "start": "2026-12-07T10:00:00-05:00", "barber": str(b.barbers[0].pk),
    }  # fmt: skip
    await database_sync_to_async(services.appointment_cancel)(appointment=booked)
    assert (await mine.receive_json_from(timeout=5))["status"] == "cancelled"
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


@pytest.fixture
def posthog_on(fake_posthog):
    with override_settings(POSTHOG_API_KEY="phc_testproject0123456789", POSTHOG_HOST=fake_posthog.url):
        yield fake_posthog
        analytics.shutdown()


def test_an_online_booking_is_tracked_with_service_value_and_source_but_no_customer_data(posthog_on):
    b = booking_shop()
    customer = services.customer_for_booking(
        shop=b.shop, name="Priya Secretname", phone="(212) 555-0199", email="priya@example.com"
    )
    services.appointment_book(
        shop=b.shop, service=b.cut, start=b.at(MONDAY, "11:00"), customer=customer, source="online",
        now=morning_of(MONDAY, b.shop),
    )  # fmt: skip
    analytics.flush()

    (event,) = posthog_on.named("booking_submitted")
    assert event["properties"]["service_id"] == str(b.cut.pk)  # never its name: free text
    assert event["properties"]["value"] == "35.00"
    assert event["properties"]["source"] == "online"
    assert event["properties"]["$groups"] == {"shop": str(b.shop.uuid)}
    everything = json.dumps(posthog_on.events)
    for personal in ("Secretname", "priya", "5550199", str(customer.pk)):
        assert personal not in everything

"""Appointments through the booking services → the customer's confirmation and reminders (at the
right UTC instants, across DST), reminders that follow a moved or cancelled appointment, and the
staff who hear of online bookings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from bookings import services as bookings
from bookings.availability import settings_for
from bookings.models import Appointment
from bookings.tests.support import MONDAY, booking_shop
from notifications import gsm7, kinds, rendering
from notifications.models import Delivery, Notification
from notifications.services import deliveries
from notifications.triggers.appointments import reminder_time
from sixfb.models import Membership
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def shop():
    bs = booking_shop()
    customer = bs.customer
    customer.email, customer.sms_consent_at = "dee@example.com", timezone.now()
    customer.save()
    return bs


def _book(bs, start, *, source=Appointment.Source.STAFF, capture):
    with capture(execute=True):
        return bookings.appointment_book(
            shop=bs.shop,
            service=bs.cut,
            start=start,
            customer=bs.customer,
            barber=bs.barbers[0],
            source=source,
            now=timezone.now(),
        )


def _customer_notes(bs, kind):
    return Notification.objects.filter(shop=bs.shop, customer=bs.customer, kind=kind)


def test_booking_sends_the_confirmation_and_queues_two_reminders(shop, django_capture_on_commit_callbacks):
    start = shop.at(MONDAY, "10:00")  # 15:00 UTC
    appointment = _book(shop, start, capture=django_capture_on_commit_callbacks)

    [confirmation] = _customer_notes(shop, "booking_confirmation")
    assert dict(confirmation.deliveries.values_list("channel", "status")) == {"email": "sent", "sms": "sent"}
    [email] = mail.outbox
    assert email.to == ["dee@example.com"] and "Haircut" in email.subject and "Mon 7 Dec, 10:00 AM" in email.subject
    assert f"/book/{shop.shop.slug}/a/" in email.body
    text = rendering.render_sms("booking_confirmation", deliveries.context_for(confirmation))
    assert gsm7.measure(text).segments <= kinds.get("booking_confirmation").sms_segments

    for kind, at in [
        ("booking_reminder_24h", dt.datetime(2026, 12, 6, 15, 0, tzinfo=UTC)),
        ("booking_reminder_2h", dt.datetime(2026, 12, 7, 13, 0, tzinfo=UTC)),
    ]:
        [note] = _customer_notes(shop, kind)
        assert note.expires_at == appointment.start
        for delivery in note.deliveries.all():
            assert (delivery.status, delivery.next_attempt_at) == ("queued", at), (kind, delivery.channel)
    assert not Notification.objects.filter(kind="staff_new_booking").exists()  # the staff booked it themselves


@pytest.mark.parametrize(
    ("day", "local", "reminder_utc"),
    [
        # The Monday after the spring-forward (14 Mar 2027): EDT, UTC-4, both days.
        (dt.date(2027, 3, 15), "10:00", dt.datetime(2027, 3, 14, 14, 0, tzinfo=UTC)),
        # The Monday after the fall-back (7 Nov 2027): EST, UTC-5, both days.
        (dt.date(2027, 11, 8), "10:00", dt.datetime(2027, 11, 7, 15, 0, tzinfo=UTC)),
    ],
)
def test_the_day_before_reminder_keeps_the_wall_clock_across_dst(
    shop, day, local, reminder_utc, django_capture_on_commit_callbacks
):
    _book(shop, shop.at(day, local), capture=django_capture_on_commit_callbacks)
    [note] = _customer_notes(shop, "booking_reminder_24h")
    assert {d.next_attempt_at for d in note.deliveries.all()} == {reminder_utc}
    assert reminder_utc.astimezone(shop.shop.tzinfo).strftime("%a %H:%M") == "Sun 10:00"


def test_on_the_day_of_the_change_the_reminder_is_23_or_25_real_hours_before(shop):
    tz = shop.shop.tzinfo
    fall = dt.datetime(2027, 11, 7, 10, 0, tzinfo=tz)  # Sunday, EST; Saturday 10:00 was EDT
    spring = dt.datetime(2027, 3, 14, 10, 0, tzinfo=tz)  # Sunday, EDT; Saturday 10:00 was EST
    assert fall.astimezone(UTC) - reminder_time("booking_reminder_24h", fall, tz) == dt.timedelta(hours=25)
    assert spring.astimezone(UTC) - reminder_time("booking_reminder_24h", spring, tz) == dt.timedelta(hours=23)
    assert fall.astimezone(UTC) - reminder_time("booking_reminder_2h", fall, tz) == dt.timedelta(hours=2)


def test_rescheduling_skips_the_old_reminders_and_queues_new_ones(shop, django_capture_on_commit_callbacks):
    appointment = _book(shop, shop.at(MONDAY, "10:00"), capture=django_capture_on_commit_callbacks)
    old = list(Delivery.objects.filter(notification__kind__startswith="booking_reminder"))
    assert len(old) == 4
    with django_capture_on_commit_callbacks(execute=True):
        bookings.appointment_reschedule(appointment=appointment, start=shop.at(MONDAY, "14:00"))

    for delivery in old:
        delivery.refresh_from_db()
        assert (delivery.status, delivery.reason) == ("skipped", "obsolete")
    fresh = Delivery.objects.filter(notification__kind="booking_reminder_2h", status="queued")
    assert {d.next_attempt_at for d in fresh} == {dt.datetime(2026, 12, 7, 17, 0, tzinfo=UTC)}
    [moved] = _customer_notes(shop, "booking_rescheduled")
    assert moved.payload["previous_when"] == "Mon 7 Dec, 10:00 AM" and moved.payload["when"] == "Mon 7 Dec, 2:00 PM"
    assert [m.subject for m in mail.outbox][-1].startswith("Moved: Haircut")

    # Moved back to where it was: that time's reminders are queued again, not lost to the dedupe.
    with django_capture_on_commit_callbacks(execute=True):
        bookings.appointment_reschedule(appointment=appointment, start=shop.at(MONDAY, "10:00"))
    for delivery in old:
        delivery.refresh_from_db()
        assert delivery.status == "queued"


def test_cancelling_skips_the_reminders_and_tells_the_customer(shop, django_capture_on_commit_callbacks):
    appointment = _book(shop, shop.at(MONDAY, "10:00"), capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.appointment_cancel(appointment=appointment)
    reminders = Delivery.objects.filter(notification__kind__startswith="booking_reminder")
    assert set(reminders.values_list("status", "reason")) == {("skipped", "obsolete")}
    assert mail.outbox[-1].subject.startswith("Cancelled: Haircut")
    assert not Notification.objects.filter(kind="staff_booking_cancelled").exists()  # the staff cancelled it


def test_a_reminder_whose_appointment_moved_behind_its_back_is_skipped_at_send_time(
    shop, django_capture_on_commit_callbacks
):
    appointment = _book(shop, shop.at(MONDAY, "10:00"), capture=django_capture_on_commit_callbacks)
    later = appointment.start + dt.timedelta(hours=3)
    end = later + dt.timedelta(minutes=30)
    Appointment.objects.filter(pk=appointment.pk).update(start=later, end=end, blocked_until=end)
    delivery = Delivery.objects.get(notification__kind="booking_reminder_2h", channel="email")
    sent = len(mail.outbox)
    assert deliveries.delivery_attempt(delivery_id=str(delivery.pk), now=delivery.next_attempt_at) == "skipped"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.reason) == ("skipped", "obsolete")
    assert len(mail.outbox) == sent


def test_a_reminder_goes_when_it_is_due(shop, django_capture_on_commit_callbacks):
    _book(shop, shop.at(MONDAY, "10:00"), capture=django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(notification__kind="booking_reminder_24h", channel="email")
    assert deliveries.delivery_attempt(delivery_id=str(delivery.pk), now=delivery.next_attempt_at) == "sent"
    assert mail.outbox[-1].subject == "Reminder: Haircut at Fresh Cuts, Mon 7 Dec, 10:00 AM"


def test_a_signal_sent_twice_makes_nothing_twice(shop, django_capture_on_commit_callbacks):
    from bookings import signals

    appointment = _book(shop, shop.at(MONDAY, "10:00"), capture=django_capture_on_commit_callbacks)
    before = (Notification.objects.count(), Delivery.objects.count(), len(mail.outbox))
    start = appointment.start.astimezone(shop.shop.tzinfo).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        signals.appointment_booked.send(
            sender=Appointment,
            appointment_id=str(appointment.pk),
            shop_id=shop.shop.pk,
            status="confirmed",
            start=start,
            barber_id=str(appointment.barber_id),
            source="staff",
        )
    assert (Notification.objects.count(), Delivery.objects.count(), len(mail.outbox)) == before


def test_a_pending_online_booking_is_confirmed_when_the_shop_confirms(shop, django_capture_on_commit_callbacks):
    rules = settings_for(shop.shop)
    rules.confirm_online_bookings = False
    rules.save()
    appointment = _book(shop, shop.at(MONDAY, "10:00"), source="online", capture=django_capture_on_commit_callbacks)
    assert appointment.status == "pending"
    assert not _customer_notes(shop, "booking_confirmation").exists()
    with django_capture_on_commit_callbacks(execute=True):
        bookings.appointment_status_set(appointment=appointment, status="confirmed")
    assert _customer_notes(shop, "booking_confirmation").count() == 1
    assert _customer_notes(shop, "booking_reminder_2h").count() == 1


def test_staff_hear_of_online_bookings_and_cancellations(shop, django_capture_on_commit_callbacks):
    manager = add_member(shop=shop.shop, role=Membership.Role.MANAGER, email="manager@example.com")
    barber_user = add_member(shop=shop.shop, role=Membership.Role.BARBER, email="ana@example.com")
    other_barber = add_member(shop=shop.shop, role=Membership.Role.BARBER, email="ben@example.com")
    ana = shop.barbers[0]
    ana.membership = Membership.objects.get(user=barber_user, shop=shop.shop)
    ana.save()
    stranger, _other_shop = make_owner(email="owner@elsewhere.example", shop_name="Elsewhere")

    appointment = _book(shop, shop.at(MONDAY, "10:00"), source="online", capture=django_capture_on_commit_callbacks)
    told = set(Notification.objects.filter(kind="staff_new_booking").values_list("user__email", flat=True))
    assert told == {shop.owner.email, manager.email, barber_user.email}
    assert other_barber.email not in told and stranger.email not in told
    note = Notification.objects.get(kind="staff_new_booking", user=manager)
    assert note.inbox and note.payload["customer"] == "Dee Walker"

    with django_capture_on_commit_callbacks(execute=True):
        bookings.appointment_cancel(appointment=appointment, by_customer=True)
    told = set(Notification.objects.filter(kind="staff_booking_cancelled").values_list("user__email", flat=True))
    assert told == {shop.owner.email, manager.email, barber_user.email}


def test_a_no_show_gets_a_follow_up_later_unless_the_visit_is_marked_completed(
    shop, django_capture_on_commit_callbacks
):
    appointment = _book(shop, shop.at(MONDAY, "10:00"), capture=django_capture_on_commit_callbacks)
    after = appointment.start + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.appointment_status_set(appointment=appointment, status="no_show", now=after)
    [note] = _customer_notes(shop, "no_show_followup")
    email = note.deliveries.get(channel="email")
    assert email.status == "queued" and email.next_attempt_at >= timezone.now() + dt.timedelta(hours=2, minutes=59)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.appointment_status_set(appointment=appointment, status="completed", now=after)
    assert deliveries.delivery_attempt(delivery_id=str(email.pk), now=email.next_attempt_at) == "skipped"
    email.refresh_from_db()
    assert email.reason == "obsolete"

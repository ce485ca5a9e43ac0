"""Deciding a notification's channels reads the recipient's preference once and their suppressed
addresses once, however many channels its kind has; what is decided stays the same."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import Customer
from notifications import kinds
from notifications.models import Notification, Suppression
from notifications.services.notify import RecipientFacts, decide, notify
from notifications.tests.conftest import PHONE
from sixfb import flags

pytestmark = pytest.mark.django_db(transaction=False)

EMAIL = "dee@example.com"


def reads_of(queries: CaptureQueriesContext, table: str) -> int:
    return sum(1 for query in queries.captured_queries if f'"{table}"' in query["sql"])


@pytest.fixture
def customer(shop, consenting_customer) -> Customer:
    """A customer reachable on both channels, who agreed to texts and to offers by email."""
    customer = consenting_customer(shop)
    Customer.objects.filter(pk=customer.pk).update(email=EMAIL, email_consent_at=timezone.now())
    customer.refresh_from_db()
    return customer


def test_notify_reads_the_preference_and_the_suppressions_once_for_both_channels(shop, customer):
    Suppression.objects.create(channel="sms", address=PHONE, reason="stop")
    with CaptureQueriesContext(connection) as queries:
        notification = notify(
            shop=shop, kind="campaign", customer=customer, dedupe_key="c1", payload={"subject": "W", "text": "Hi"}
        )
    assert notification is not None
    decided = set(notification.deliveries.values_list("channel", "status", "reason", "address"))
    assert decided == {("email", "queued", "", EMAIL), ("sms", "skipped", "suppressed", PHONE)}
    assert reads_of(queries, "notifications_preference") == 1
    assert reads_of(queries, "notifications_suppression") == 1


def test_a_suppressed_email_is_still_found_whatever_its_case(shop, customer):
    Suppression.objects.create(channel="email", address=EMAIL, reason="bounced")
    Customer.objects.filter(pk=customer.pk).update(email="Dee@Example.com")
    customer.refresh_from_db()
    notification = notify(
        shop=shop, kind="campaign", customer=customer, dedupe_key="c1", payload={"subject": "W", "text": "Hi"}
    )
    assert notification is not None
    decided = dict(notification.deliveries.values_list("channel", "reason"))
    assert decided == {"email": "suppressed", "sms": ""}


def test_deciding_more_channels_costs_no_more_queries(shop, customer):
    notification = Notification.objects.create(shop=shop, customer=customer, kind="campaign", dedupe_key="c1")
    spec = kinds.get("campaign")
    now = timezone.now()
    flags.switch_is_on(flags.SMS_ENABLED)  # the kill switch is cached by waffle after its first read

    def queries_to_decide(names: tuple[str, ...]) -> int:
        with CaptureQueriesContext(connection) as queries:
            facts = RecipientFacts(notification=notification, spec=spec, channel_names=names)
            for name in names:
                assert decide(notification=notification, spec=spec, channel=name, now=now, facts=facts)[0] == "queued"
        return len(queries.captured_queries)

    # One read of the preference, one of the suppressions: the same for one channel as for two.
    assert queries_to_decide(("email",)) == 2
    assert queries_to_decide(("email", "sms")) == 2


def test_deciding_one_channel_alone_still_reads_what_it_needs(shop, customer):
    Suppression.objects.create(channel="sms", address=PHONE, reason="stop")
    notification = Notification.objects.create(shop=shop, customer=customer, kind="campaign", dedupe_key="c1")
    status, reason, address, at = decide(
        notification=notification, spec=kinds.get("campaign"), channel="sms", now=timezone.now()
    )
    assert (status, reason, address, at) == ("skipped", "suppressed", PHONE, None)

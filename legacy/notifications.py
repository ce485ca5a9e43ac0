"""``notification_history`` and ``notification_queue`` → a ``Notification`` with one ``Delivery`` each
(docs/notifications.md, *Legacy*), and ``shop_profiles.notifications`` → the owner's ``Preference``.

History is written directly (no ``notify()``, no task): it was sent, or failed, long ago. A queued row
still due later becomes a live delivery, enqueued after commit for its ``scheduled_at``; one whose time
has passed is ``skipped`` (``past_due``), never sent months late. A row with no recipient in the
product (neither the row's user nor a customer of the shop) stays archived, with the reason counted.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bookings.models import BookingSettings, Customer
from legacy.archive import file_shop
from legacy.bulk import insert_rows
from legacy.business.common import keyed_batches, text, truthy
from legacy.models import LegacyRecord, record_pk
from legacy.parsers import as_int, checksum, clean_text, json_row, normalize_row, parse_timestamp
from notifications import kinds, links
from notifications.kinds import CHANNELS, SWITCHABLE_GROUPS
from notifications.models import Delivery, Notification, Preference, recipient_key_for
from notifications.services import deliveries
from notifications.services.preferences import preference_update
from sixfb.lib import phones
from sixfb.models import Shop, User

if TYPE_CHECKING:
    from legacy.importer import Importer

HISTORY, QUEUE = "notification_history", "notification_queue"
NOTIFICATION_TABLES = (HISTORY, QUEUE)
TARGET = "notifications.notification"
# Queued rows' template ids → our kinds, used when the template data holds all the kind needs.
TEMPLATE_KINDS = {
    "booking_confirmation": "booking_confirmation",
    "booking_reminder": "booking_reminder_24h",
    "campaign_email": "campaign",
    "campaign_sms": "campaign",
}
# Legacy template_data keys under our payload's names.
ALIASES = {"service_name": "service", "barber_name": "barber", "appointment_time": "when", "message": "text"}
# Legacy profile keys → what they switch off (only a false value is applied; true keeps the defaults).
# systemAlerts meant the old app's system news, which is our agents group; billing messages did not
# exist there, so no legacy choice covers them.
ALERT_GROUPS = {"bookingAlerts": ("bookings",), "campaignAlerts": ("marketing",), "systemAlerts": ("agents",)}
CHANNEL_KEYS = {"emailEnabled": "email", "smsEnabled": "sms"}


@dataclass
class Planned:
    notification: Notification
    delivery: Delivery


@dataclass
class Recipients:
    """Who a legacy row was for, in one shop: its user (their own address, or none given), else the
    shop's customer with that email or phone. Lookups are loaded once per shop."""

    user_emails: dict[int, str] = field(default_factory=dict)
    customers: dict[int, tuple[str, dict[str, str]]] = field(default_factory=dict)

    def find(self, *, shop_pk: int, user_pk: int | None, channel: str, address: str) -> tuple[int | None, str | None]:
        if user_pk is not None:
            if user_pk not in self.user_emails:
                email = User.objects.filter(pk=user_pk).values_list("email", flat=True).first()
                self.user_emails[user_pk] = (email or "").lower()
            if not address or (channel == "email" and address.lower() == self.user_emails[user_pk]):
                return user_pk, None
        if not address:
            return None, None
        region, known = self._customers(shop_pk)
        if channel == "email":
            return None, known.get(address.lower())
        try:
            return None, known.get(phones.normalize(address, region=region))
        except phones.InvalidPhone:
            return None, None

    def _customers(self, shop_pk: int) -> tuple[str, dict[str, str]]:
        if shop_pk not in self.customers:
            region = BookingSettings.objects.filter(shop_id=shop_pk).values_list("phone_region", flat=True).first()
            known: dict[str, str] = {}
            for pk, phone, email in (
                Customer.objects.filter(shop_id=shop_pk).order_by("-created_at").values_list("pk", "phone", "email")
            ):
                for key in (phone, (email or "").lower()):
                    if key:
                        known[key] = str(pk)
            self.customers[shop_pk] = (region or "US", known)
        return self.customers[shop_pk]


def import_notifications(imp: Importer, table: str) -> None:
    stats = imp.report.tables[table]
    total = imp.reader.count(table)
    people, shop_of_file, now = Recipients(), file_shop(imp), timezone.now()
    for batch in keyed_batches(imp, table):
        with transaction.atomic():
            records = imp.records(table, [k for k, _ in batch], "target_id", "archived", "normalized")
            done: list[tuple[str, dict[str, object], str, int | None, Planned | str]] = []
            for source_id, row in batch:
                stats.read += 1
                digest = checksum(row)
                record = records.get(source_id)
                if record and record["checksum"] == digest and record["target_id"] and record["normalized"] is not None:
                    stats.unchanged += 1
                    continue
                owner = imp.user_of(row.get("user_id"))
                shop_pk = owner[1] if owner is not None else shop_of_file
                if shop_pk is None:
                    done.append((source_id, row, digest, None, "no shop (its user was not imported)"))
                    continue
                user_pk = owner[0] if owner is not None else None
                plan = _plan(table, source_id, row, shop_pk=shop_pk, user_pk=user_pk, people=people, now=now)
                done.append((source_id, row, digest, shop_pk, plan))
            _write(imp, table, done, records)
        imp.progress(table, stats.read, total)


def _plan(
    table: str,
    source_id: str,
    row: dict[str, object],
    *,
    shop_pk: int,
    user_pk: int | None,
    people: Recipients,
    now: dt.datetime,
) -> Planned | str:
    """What one row becomes, or why it stays archived."""
    channel = text(row, "type", "notification_type", "channel").lower()
    if channel not in ("email", "sms"):
        return "neither an email nor an SMS"
    address = text(row, "recipient")[:254]
    user, customer = people.find(shop_pk=shop_pk, user_pk=user_pk, channel=channel, address=address)
    if user is None and customer is None:
        return "its recipient is neither its user nor a customer of the shop"
    outcome = _outcome(table, row, now)
    if isinstance(outcome, str):
        return outcome
    status, reason, next_at, sent_at, attempts = outcome
    kind, payload = _kind_and_payload(table, row, for_customer=customer is not None, shop_pk=shop_pk)
    created = next(
        (t for c in ("created_at", "sent_at", "processed_at", "scheduled_at") if (t := parse_timestamp(row.get(c)))),
        now,
    )
    notification = Notification(
        shop_id=shop_pk,
        user_id=user,
        customer_id=customer,
        kind=kind,
        payload=payload,
        dedupe_key=f"legacy:{table}:{source_id}",
        recipient_key=recipient_key_for(user_id=user, customer_id=customer),
        created_at=created,
    )
    delivery = Delivery(
        notification=notification,
        channel=channel,
        status=status,
        reason=reason,
        address=address.lower() if channel == "email" else address,
        attempts=attempts,
        next_attempt_at=next_at,
        sent_at=sent_at,
        last_error=text(row, "error_message")[:2000],
        created_at=created,
    )
    return Planned(notification, delivery)


def _outcome(
    table: str, row: dict[str, object], now: dt.datetime
) -> tuple[str, str, dt.datetime | None, dt.datetime | None, int] | str:
    """(status, reason, next attempt, sent at, attempts) of the row's delivery, or why it has none."""
    status = text(row, "status").lower()
    tries = 1 if table == HISTORY else as_int(row.get("retry_count")) or 0
    if status == "sent":
        sent_at = parse_timestamp(row.get("sent_at") if table == HISTORY else row.get("processed_at"))
        return Delivery.Status.SENT, "", None, sent_at, max(tries, 1)
    if status == "failed":
        return Delivery.Status.FAILED, Delivery.Reason.TOO_MANY_ATTEMPTS, None, None, max(tries, 1)
    if status == "error":
        return Delivery.Status.FAILED, Delivery.Reason.PERMANENT_ERROR, None, None, max(tries, 1)
    if table == QUEUE and status == "cancelled":
        return Delivery.Status.SKIPPED, Delivery.Reason.OBSOLETE, None, None, tries
    if table == QUEUE and status in ("pending", "processing"):
        at = parse_timestamp(row.get("scheduled_at"))
        if at is not None and at > now:
            return Delivery.Status.QUEUED, "", at, None, 0
        return Delivery.Status.SKIPPED, Delivery.Reason.PAST_DUE, None, None, tries
    return "a status the old system did not use"


def _kind_and_payload(
    table: str, row: dict[str, object], *, for_customer: bool, shop_pk: int
) -> tuple[str, dict[str, Any]]:
    subject, content = text(row, "subject"), text(row, "content")
    own_kind = "legacy_customer_message" if for_customer else "legacy_message"
    fallback = (own_kind, {"subject": subject, "content": content})
    kind = TEMPLATE_KINDS.get(text(row, "template_id")) if table == QUEUE and for_customer else None
    if kind is None:
        return fallback
    payload: dict[str, Any] = {}
    if kind == "campaign":
        payload = {"subject": subject, "text": content, "book_url": _book_url(shop_pk)}
    for key, value in _json_object(row.get("template_data")).items():
        payload[ALIASES.get(key, key)] = clean_text(value) if isinstance(value, str) else value
    if "appointment_id" in payload:  # the legacy id, as the appointment it became here
        payload["appointment_id"] = (
            LegacyRecord.objects.filter(
                source_table="appointments",
                source_id=str(payload["appointment_id"]),
                target_type="bookings.appointment",
            )
            .values_list("target_id", flat=True)
            .first()
        )
    needs = set(kinds.get(kind).example)
    if all(payload.get(key) not in (None, "") for key in needs):
        return kind, payload
    return fallback


def _book_url(shop_pk: int) -> str:
    """The shop's public booking page: the link a campaign carries (the old system's had none)."""
    slug = Shop.objects.filter(pk=shop_pk).values_list("slug", flat=True).first()
    return links.absolute(reverse("book", args=[slug])) if slug else ""


def _json_object(raw: object) -> dict[str, Any]:
    try:
        value = json.loads(str(raw)) if isinstance(raw, str) else None
    except ValueError:
        return {}
    return {str(k): v for k, v in value.items() if "\x00" not in str(k)} if isinstance(value, dict) else {}


def _write(
    imp: Importer,
    table: str,
    done: list[tuple[str, dict[str, object], str, int | None, Planned | str]],
    records: dict[str, dict[str, object]],
) -> None:
    stats, now = imp.report.tables[table], timezone.now()
    planned = [plan for *_, plan in done if isinstance(plan, Planned)]
    existing = {
        (shop, recipient, key): pk
        for pk, shop, recipient, key in Notification.objects.filter(
            dedupe_key__in=[p.notification.dedupe_key for p in planned]
        ).values_list("pk", "shop_id", "recipient_key", "dedupe_key")
    }
    new_records: list[dict[str, object]] = []
    changed: list[LegacyRecord] = []
    fresh: list[Planned] = []
    for source_id, row, digest, shop_pk, plan in done:
        record = records.get(source_id)
        target = ""
        if isinstance(plan, Planned):
            n = plan.notification
            found = existing.get((n.shop_id, n.recipient_key, n.dedupe_key))
            if found is None:
                fresh.append(plan)
                target = str(n.pk)
            else:
                target = str(found)
                _settle(found, plan.delivery)
            if found is None:
                stats.created += 1
            elif record and record["target_id"]:
                stats.updated += 1
            else:  # made by a run whose records were rolled back or deleted: found by its dedupe key
                stats.unchanged += 1
            if plan.delivery.status == Delivery.Status.QUEUED:
                stats.notes["queued to go at its scheduled time"] += 1
            elif plan.delivery.reason == Delivery.Reason.PAST_DUE:
                stats.notes["still pending but past due: skipped (past_due), not sent"] += 1
        else:
            same = bool(record and record["archived"] and not record["target_id"] and record["checksum"] == digest)
            stats.unchanged += int(same)
            stats.archived += int(not same)
            stats.notes[f"kept archived: {plan}"] += 1
        normalized, problems = normalize_row(table, row)
        if record is None or record["checksum"] != digest:
            imp.report.value_problems.extend(f"{table}#{source_id}: {problem}" for problem in problems)
        values = {
            "shop_id": shop_pk,
            "target_type": TARGET if target else "",
            "target_id": target,
            "archived": not target,
            "payload": json_row(row),
            "normalized": normalized,
            "checksum": digest,
            "updated_at": now,
        }
        if record is None:
            new_records.append({"source_table": table, "source_id": source_id, "imported_at": now, **values})
        else:
            changed.append(LegacyRecord(pk=record_pk(record), **values))
    Notification.objects.bulk_create([p.notification for p in fresh])
    Delivery.objects.bulk_create([p.delivery for p in fresh])
    for plan in fresh:
        if plan.delivery.status == Delivery.Status.QUEUED:
            deliveries.enqueue(plan.delivery)
    insert_rows(LegacyRecord, new_records)
    if changed:
        LegacyRecord.objects.bulk_update(changed, [k for k in values if k != "shop_id"] + ["shop"])


def _settle(notification_pk: uuid.UUID, legacy: Delivery) -> None:
    """A row queued here by an earlier run that the old system has since sent, failed or cancelled
    (it ran until the cut-over): ours must not go as well."""
    if legacy.status == Delivery.Status.QUEUED:
        return
    Delivery.objects.filter(notification_id=notification_pk, status=Delivery.Status.QUEUED).update(
        status=legacy.status,
        reason=legacy.reason,
        sent_at=legacy.sent_at,
        last_error=legacy.last_error,
        next_attempt_at=None,
        updated_at=timezone.now(),
    )


def preference_channels(legacy: dict[str, object]) -> dict[str, dict[str, bool]]:
    """The channel choices a legacy ``notifications`` object makes (only what it switches off)."""
    channels: dict[str, dict[str, bool]] = {}
    for key, groups in ALERT_GROUPS.items():
        if key in legacy and not truthy(legacy[key]):
            for group in groups:
                channels[group] = dict.fromkeys(CHANNELS, False)
    for key, channel in CHANNEL_KEYS.items():
        if key in legacy and not truthy(legacy[key]):
            for group in SWITCHABLE_GROUPS:
                channels.setdefault(group.value, {})[channel] = False
    return channels


def import_preferences(imp: Importer, *, shop_pk: int, user_pk: int, legacy: object, changed: bool) -> None:
    """The owner's ``Preference`` from their current profile's ``notifications``. A choice saved in the
    product since is kept unless the legacy row itself changed."""
    if not isinstance(legacy, dict):
        return
    stats = imp.report.tables["notification_preferences"]
    stats.read += 1
    wanted = preference_channels(legacy)
    saved = Preference.objects.filter(shop_id=shop_pk, user_id=user_pk).first()
    holds = saved is not None and all(
        (saved.channels or {}).get(group, {}).get(channel) == on
        for group, values in wanted.items()
        for channel, on in values.items()
    )
    if not wanted or holds or (saved is not None and not changed):
        stats.unchanged += 1
        return
    preference_update(shop=Shop.objects.get(pk=shop_pk), user=User.objects.get(pk=user_pk), channels=wanted)
    stats.created += int(saved is None)
    stats.updated += int(saved is not None)

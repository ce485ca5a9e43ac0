"""``users`` → ``User``, a verified ``EmailAddress``, a ``Shop`` and the owner ``Membership``.

Rows are read ordered by normalised email, so the rows of one person (emails differing only in case)
arrive together; each batch of people is written with a handful of bulk queries in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from agents.services import shop_agents_enable_default_for_new_shops
from legacy.bulk import insert_rows
from legacy.models import LegacyRecord, record_pk
from legacy.parsers import (
    as_int,
    clean_text,
    id_sort_key,
    legacy_password,
    parse_timestamp,
    source_key,
)
from legacy.passwords import Passwords, row_checksums
from legacy.report import TableStats
from legacy.slugs import unique_slugs
from sixfb.models import Membership, Shop, User, normalize_email

if TYPE_CHECKING:
    from legacy.importer import Importer

EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass
class Person:
    """The legacy rows of one email (several when they differ only in case), oldest first."""

    email: str
    rows: list[dict[str, object]]
    user_pk: int | None = None
    shop_pk: int | None = None
    new: bool = False

    @property
    def oldest(self) -> dict[str, object]:
        return self.rows[0]


def _row_key(row: dict[str, object]) -> str:
    """The ``source_id`` of a row ``_people`` let through (it skips the rows with no id)."""
    key = source_key(row["id"])
    assert key is not None
    return key


def _truthy(value: object) -> bool:
    """A legacy boolean (0/1, or text from odd writers); NULL is the column's default, active."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() not in {"0", "false", "f", "no", ""}
    return bool(value)


def import_users(imp: Importer) -> None:
    stats = imp.report.tables["users"]
    total = imp.reader.count("users")
    for people in _people(imp, stats):
        with transaction.atomic():
            _import_people(imp, people, stats)
        imp.progress("users", stats.read, total)


def _people(imp: Importer, stats: TableStats) -> Iterator[list[Person]]:
    """Batches of up to ``batch_size`` people, streamed from the email-ordered users table."""
    batch: list[Person] = []
    current: Person | None = None
    for rows in imp.reader.users_by_email(imp.batch_size):
        for row in rows:
            stats.read += 1
            email = normalize_email(clean_text(row.get("email")))
            if source_key(row.get("id")) is None:
                stats.skipped["no id"] += 1
            elif "@" not in email:
                stats.skipped["no usable email"] += 1
            elif len(email) > 254:
                stats.skipped["email longer than 254 characters"] += 1
            elif current is not None and current.email == email:
                current.rows.append(row)
            else:
                if current is not None:
                    batch.append(current)
                current = Person(email=email, rows=[row])
                if len(batch) >= imp.batch_size:
                    yield batch
                    batch = []
    if current is not None:
        batch.append(current)
    if batch:
        yield batch


def _import_people(imp: Importer, people: list[Person], stats: TableStats) -> None:
    for person in people:
        person.rows.sort(key=lambda r: (parse_timestamp(r.get("created_at")) or EPOCH, id_sort_key(r["id"])))
    records = imp.records("users", [_row_key(r) for p in people for r in p.rows], "target_id", "payload", "shop_id")
    alive = set(
        User.objects.filter(pk__in={as_int(r["target_id"]) for r in records.values()} - {None}).values_list(
            "pk", flat=True
        )
    )
    by_email = dict(
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=[p.email for p in people])
        .values_list("email_lower", "pk")
    )
    now = timezone.now()
    passwords = Passwords(dry_run=imp.dry_run)
    new_users: list[tuple[Person, dict[str, object]]] = []
    wanted: list[tuple[Person, dict[str, object], str, object]] = []  # person, row, digest, payload
    for person in people:
        rows, oldest = person.rows, person.oldest
        if len(rows) > 1:
            imp.report.merged.append((person.email, [clean_text(r.get("email")) for r in rows]))
        # The first usable hash, oldest row first; a note of it is kept to notice a change later.
        legacy, source_hash = None, oldest.get("password_hash")
        for row in rows:
            if (legacy := legacy_password(row.get("password_hash"))) is not None:
                source_hash = row.get("password_hash")
                break
        joined = parse_timestamp(oldest.get("created_at"))
        if joined is None:
            stats.notes["no readable created_at (join date set to now)"] += 1
            joined = now
        is_active = any(_truthy(r.get("is_active", 1)) for r in rows)
        digest, same_digests = row_checksums(rows)
        mine = [records[k] for k in (source_key(r["id"]) for r in rows) if k in records]
        head = next((r for r in mine if r["payload"] is not None), mine[0] if mine else None)
        if head is not None and as_int(head["target_id"]) in alive:
            person.user_pk = as_int(head["target_id"])
        else:
            person.user_pk = by_email.get(person.email)
        unchanged = head is not None and all(r["checksum"] in same_digests for r in mine) and len(mine) == len(rows)
        note = head["payload"] if head is not None else None
        if legacy is None and not (person.user_pk is not None and unchanged):
            imp.report.unusable_passwords.append(person.email)
        if person.user_pk is None:
            password = passwords.encode(legacy)
            note = passwords.note(legacy, password, source_hash)
            user = {"email": person.email, "password": password, "date_joined": joined, "is_active": is_active}
            new_users.append((person, user))
            person.new = True
            stats.created += len(rows)
        elif unchanged:
            stats.unchanged += len(rows)
        elif head is None:
            # Someone already signed up with this email: link the legacy rows, change nothing of theirs.
            note = passwords.note(legacy, passwords.encode(legacy), source_hash)
            stats.updated += len(rows)
        else:
            changed: dict[str, object] = {"date_joined": joined, "is_active": is_active}
            if not passwords.same(note, legacy, source_hash):
                encoded = passwords.encode(legacy)
                # Only replace a password the legacy rows changed; never undo an upgrade made on login.
                if legacy is not None and note is not None:
                    changed["password"] = encoded
                note = passwords.note(legacy, encoded, source_hash)
            User.objects.filter(pk=person.user_pk).update(**changed)
            stats.updated += len(rows)
        for row in rows:
            wanted.append((person, row, digest, note if row is oldest else None))

    if new_users:
        pks = insert_rows(User, [user for _, user in new_users])
        for (person, _), pk in zip(new_users, pks, strict=True):
            person.user_pk = pk
        # The old system let them in with this address for years: treat it as verified, so mandatory
        # verification does not lock them out (no mail is sent). An address someone else already holds
        # stays theirs (the new user can add it again after resetting).
        EmailAddress.objects.bulk_create(
            [EmailAddress(user_id=p.user_pk, email=p.email, verified=True, primary=True) for p, _ in new_users],
            ignore_conflicts=True,
        )
    _attach_shops(people)
    _write_records(wanted, records, now)


def _attach_shops(people: list[Person]) -> None:
    """Each person's owner shop: the one they have, or a new one (with its owner membership)."""
    existing = [p.user_pk for p in people if not p.new]
    owned: dict[int, int] = {}
    for user_pk, shop_pk in (
        Membership.objects.filter(user_id__in=existing, role=Membership.Role.OWNER)
        .order_by("-pk")
        .values_list("user_id", "shop_id")
    ):
        owned[user_pk] = shop_pk  # ordered by -pk, so the oldest membership wins
    shopless = []
    for person in people:
        assert person.user_pk is not None  # each person has a user by now: theirs, or one just inserted
        person.shop_pk = owned.get(person.user_pk)
        if person.shop_pk is None:
            shopless.append(person)
    if not shopless:
        return
    names = []
    for person in shopless:
        name = clean_text(person.oldest.get("shop_name")).strip() or f"{person.email.split('@')[0]}'s shop"
        names.append(name[:120])
    slugs = unique_slugs(Shop, names, fallback="shop", max_length=140)
    pks = insert_rows(
        Shop, [{"name": n, "slug": s, "email": p.email} for p, n, s in zip(shopless, names, slugs, strict=True)]
    )
    for person, pk in zip(shopless, pks, strict=True):
        person.shop_pk = pk
    insert_rows(
        Membership,
        [{"shop_id": p.shop_pk, "user_id": p.user_pk, "role": Membership.Role.OWNER.value} for p in shopless],
    )
    # As a shop made at sign-up does (inserted in bulk here, so no ``shop_created`` signal is sent).
    shop_agents_enable_default_for_new_shops(shop_ids=pks)


def _write_records(
    wanted: list[tuple[Person, dict[str, object], str, object]], records: dict[str, dict[str, object]], now: datetime
) -> None:
    new, changed = [], []
    for person, row, digest, payload in wanted:
        source_id = _row_key(row)
        values = {"shop_id": person.shop_pk, "target_id": str(person.user_pk), "checksum": digest, "payload": payload}
        old = records.get(source_id)
        if old is None:
            new.append(
                {"source_table": "users", "source_id": source_id, "target_type": "sixfb.user", "imported_at": now}
                | values
                | {"updated_at": now}
            )
        elif any(old[k] != v for k, v in values.items()):
            changed.append(LegacyRecord(pk=record_pk(old), updated_at=now, **values))
    insert_rows(LegacyRecord, new)
    if changed:
        LegacyRecord.objects.bulk_update(changed, ["shop", "target_id", "checksum", "payload", "updated_at"])

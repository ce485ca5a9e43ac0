"""Wrap the legacy SHA-256 digests earlier imports stored as they were (passwords
``legacy_sha256$$<hex>``, fast and unsalted) in PBKDF2, as the importer now stores them
(``sixfb.hashers.LegacySHA256PBKDF2PasswordHasher``), and likewise the digest a users record kept
as its note of the legacy hash (``LegacyRecord.payload``); other notes of unusable hashes become
"unusable".

PBKDF2 is slow on purpose (about half a second a password with Django's default iterations): each
batch is hashed outside any transaction, then written in a short one that leaves alone a password
changed meanwhile (a login that upgraded it). Not atomic: an interrupted run keeps its finished
batches and the next ``migrate`` carries on. Not reversible: keeping no fast hash is the point.
"""

import re

from django.contrib.auth.hashers import get_hasher
from django.db import migrations, transaction

BATCH = 100
RAW_PREFIX = "legacy_sha256$$"
WRAPPED = "legacy_sha256_pbkdf2"
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
BCRYPT = re.compile(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$")
UNUSABLE = "unusable"  # legacy.passwords.UNUSABLE


def wrap_legacy_sha256(apps, schema_editor):
    User = apps.get_model("sixfb", "User")
    LegacyRecord = apps.get_model("sixfb", "LegacyRecord")
    wrapped_digests = {}  # digest -> its wrapped form, for a record noting a user's digest wrapped here

    last = 0
    raw = User.objects.filter(password__startswith=RAW_PREFIX).order_by("pk")
    while batch := list(raw.filter(pk__gt=last).values_list("pk", "password")[:BATCH]):
        last = batch[-1][0]
        hasher = get_hasher(WRAPPED)
        wrapped = {pk: hasher.encode_digest(password[len(RAW_PREFIX) :]) for pk, password in batch}
        with transaction.atomic():
            now = dict(User.objects.select_for_update().filter(pk__in=wrapped).values_list("pk", "password"))
            still_raw = [User(pk=pk, password=wrapped[pk]) for pk, password in batch if now.get(pk) == password]
            User.objects.bulk_update(still_raw, ["password"])
        wrapped_digests.update({password[len(RAW_PREFIX) :]: wrapped[pk] for pk, password in batch})

    last = 0
    records = LegacyRecord.objects.filter(source_table="users").order_by("pk")
    while batch := list(records.filter(pk__gt=last).values_list("pk", "payload")[:BATCH]):
        last = batch[-1][0]
        notes = {}
        for pk, payload in batch:
            text = payload.strip() if isinstance(payload, str) else None
            if payload is None or payload == UNUSABLE:
                continue
            if text is not None and SHA256_HEX.match(text):
                notes[pk] = wrapped_digests.get(text) or get_hasher(WRAPPED).encode_digest(text)
            elif text is None or not (text.startswith(WRAPPED + "$") or BCRYPT.match(text)):
                notes[pk] = UNUSABLE
        LegacyRecord.objects.bulk_update([LegacyRecord(pk=pk, payload=note) for pk, note in notes.items()], ["payload"])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("sixfb", "0004_legacy_record_normalized"),
    ]

    operations = [
        migrations.RunPython(wrap_legacy_sha256, elidable=True),
    ]

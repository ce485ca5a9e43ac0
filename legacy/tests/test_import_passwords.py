"""Legacy SHA-256 passwords: stored wrapped in PBKDF2 by ``import_legacy_sqlite`` and by the data
migration for those imported before, so a failed login costs what it costs for anyone else and the
database holds no fast hash; the first good login upgrades them to the default hasher."""

from __future__ import annotations

import importlib
import json
import sqlite3

import pytest
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse

from legacy.models import LegacyRecord
from legacy.parsers import checksum
from legacy.tests.legacy_db import build_legacy_db, run_import, sha256_legacy
from sixfb.models import User
from tests.fixtures import seed_catalog

pytestmark = pytest.mark.django_db

WRAPPED = "legacy_sha256_pbkdf2"


@pytest.fixture(autouse=True)
def catalog():
    seed_catalog()


def legacy_user(user_id: int, email: str, password: str) -> dict:
    return {
        "id": user_id,
        "email": email,
        "password_hash": sha256_legacy(password),
        "shop_name": "Fade Bros",
        "created_at": "2023-01-01 00:00:00",
        "is_active": 1,
    }


def log_in(email: str, password: str) -> bool:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def everything_stored_about(user: User) -> str:
    records = LegacyRecord.objects.filter(source_table="users", target_id=str(user.pk))
    return json.dumps([user.password, *[(r.payload, r.checksum) for r in records]])


def users_line(out: str) -> list[str]:
    return next(x for x in out.splitlines() if x.startswith("users ")).split()[1:5]


def test_an_imported_legacy_password_is_stored_wrapped_and_upgraded_on_login(tmp_path):
    path = build_legacy_db(tmp_path / "agent_system.db", users=[legacy_user(1, "mike@shop.com", "old-pass-1")])
    assert run_import(path)[0] == 0

    mike = User.objects.get(email="mike@shop.com")
    assert identify_hasher(mike.password).algorithm == WRAPPED
    assert sha256_legacy("old-pass-1") not in everything_stored_about(mike)  # no fast hash anywhere

    assert not log_in("mike@shop.com", "wrong-password")
    assert log_in("mike@shop.com", "old-pass-1")
    mike.refresh_from_db()
    assert identify_hasher(mike.password).algorithm == get_hasher("default").algorithm


def test_a_re_run_keeps_an_upgraded_password_and_takes_a_legacy_password_changed_since(tmp_path):
    path = build_legacy_db(
        tmp_path / "agent_system.db",
        users=[legacy_user(1, "mike@shop.com", "old-pass-1"), legacy_user(2, "ana@shop.com", "ana-pass-1")],
    )
    run_import(path)
    assert log_in("mike@shop.com", "old-pass-1")  # upgraded to the default hasher

    code, out = run_import(path)
    assert code == 0 and users_line(out) == ["2", "0", "0", "2"], out
    assert log_in("mike@shop.com", "old-pass-1")

    conn = sqlite3.connect(path)  # both change their password in the old system before the cut-over
    conn.execute("UPDATE users SET password_hash = ? WHERE id = 1", [sha256_legacy("new-pass-2")])
    conn.execute("UPDATE users SET password_hash = ? WHERE id = 2", [sha256_legacy("ana-pass-2")])
    conn.commit()
    conn.close()
    code, out = run_import(path)
    assert code == 0 and users_line(out) == ["2", "0", "2", "0"], out
    assert log_in("mike@shop.com", "new-pass-2") and not log_in("mike@shop.com", "old-pass-1")
    assert log_in("ana@shop.com", "ana-pass-2") and not log_in("ana@shop.com", "ana-pass-1")


def migration(name: str):
    return importlib.import_module(f"sixfb.migrations.{name}")


def models_when_the_migrations_ran():
    """The app registry as of ``sixfb.0006``: the migrations look ``LegacyRecord`` up in ``sixfb``,
    where it lived until ``sixfb.0007`` moved it to this app (same table)."""
    return MigrationLoader(connection).project_state(("sixfb", "0006_key_legacy_user_checksums")).apps


def test_the_data_migration_wraps_what_earlier_imports_stored(tmp_path):
    rows = [
        legacy_user(1, "mike@shop.com", "old-pass-1"),
        {**legacy_user(2, "demo@shop.com", "x"), "password_hash": "demo-password-hash"},
    ]
    path = build_legacy_db(tmp_path / "agent_system.db", users=rows)
    run_import(path)
    # Put back what an import made before the wrapping existed: the raw digest as the password and
    # as the record's payload, and the record's checksum over the rows as they were read.
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    as_read = {row["id"]: dict(row) for row in conn.execute("SELECT * FROM users")}
    conn.close()
    mike = User.objects.get(email="mike@shop.com")
    User.objects.filter(pk=mike.pk).update(password=f"legacy_sha256$${sha256_legacy('old-pass-1')}")
    for source_id, payload in (("1", sha256_legacy("old-pass-1")), ("2", "demo-password-hash")):
        LegacyRecord.objects.filter(source_table="users", source_id=source_id).update(
            payload=payload, checksum=checksum({"rows": [as_read[int(source_id)]]})
        )

    historical = models_when_the_migrations_ran()
    migration("0005_wrap_legacy_sha256_passwords").wrap_legacy_sha256(historical, None)
    migration("0006_key_legacy_user_checksums").key_checksums(historical, None)

    mike.refresh_from_db()
    assert identify_hasher(mike.password).algorithm == WRAPPED
    assert sha256_legacy("old-pass-1") not in everything_stored_about(mike)
    assert LegacyRecord.objects.get(source_table="users", source_id="2").payload != "demo-password-hash"
    # the next run finds everything as the migration left it, and the password still works
    code, out = run_import(path)
    assert code == 0 and users_line(out) == ["2", "0", "0", "2"], out
    assert log_in("mike@shop.com", "old-pass-1")
    mike.refresh_from_db()
    assert identify_hasher(mike.password).algorithm == get_hasher("default").algorithm

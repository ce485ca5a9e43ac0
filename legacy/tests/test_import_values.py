"""``import_legacy_sqlite`` on dirty and varied values: rows that must be skipped (with a reason) or
taken in without crashing, archived rows' normalised timestamps and money, and the ``agents`` table."""

from __future__ import annotations

import json
import sqlite3

import pytest

from agents.models import Agent
from chat.models import Conversation, Message
from legacy.models import LegacyRecord
from legacy.tests.legacy_db import build_legacy_db, run_import, sha256_legacy
from sixfb.models import Shop, User
from tests.base import PASSWORD, make_owner
from tests.fixtures import seed_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalog():
    seed_catalog()


def table_line(out: str, table: str) -> list[str]:
    """read, created, updated, unchanged, skipped, archived from the report's row for ``table``."""
    return next(x for x in out.splitlines() if x.startswith(f"{table} ")).split()[1:]


def owner(user_id: int, email: str, **extra: object) -> dict:
    return {"id": user_id, "email": email, "password_hash": sha256_legacy("pw"), "is_active": 1, **extra}


def chat(row_id: int, user_id: object, message: object, response: object, **extra: object) -> dict:
    return {
        "id": row_id,
        "user_id": user_id,
        "agent_id": "business_coach",
        "message": message,
        "response": response,
    } | extra


def test_dirty_rows_are_skipped_with_reasons_or_taken_in_never_a_crash(tmp_path):
    path = build_legacy_db(
        tmp_path / "agent_system.db",
        loose=True,  # a file from a version without NOT NULL
        users=[
            {"id": 20, "email": None, "password_hash": "x"},
            {"id": 21, "email": "x" * 300 + "@a.com", "password_hash": "x"},
            {"id": 22, "email": "ok@dirty.com", "password_hash": None, "created_at": "soon", "is_active": None},
            owner(23, "nul@dirty.com", shop_name="Bad\x00Name"),
        ],
        chats=[
            chat(1, 22, None, None, agent_id=None, created_at="garbage"),
            chat(2, "abc", "corrupt", "x"),
            chat(3, None, "no user", "x"),
            chat(4, 22, "list", "[1, 2]"),
            chat(5, 22, "number", "42"),
            chat(6, 22, "nul", '{"response": "a\\u0000b"}'),
            chat(7, 23, "Q\x00", "x", created_at=1e20),
            chat(8, 23, "utf8", "x"),
        ],
        profiles=[
            {"id": 1, "user_id": 22, "profile_data": "[1, 2]", "created_at": "2024-01-01 00:00:00"},
            {"id": 2, "user_id": 23, "profile_data": "42", "created_at": "2024-01-01 00:00:00"},
            {"id": 3, "user_id": None, "profile_data": "{}", "created_at": "2024-01-01 00:00:00"},
            {
                "id": 4,
                "user_id": 22,
                "profile_data": json.dumps(
                    {"barbershop": ["not", "an", "object"], "businessHours": {"monday": {"shifts": 5}, "tuesday": 1}}
                ),
                "created_at": "2024-02-01 00:00:00",
            },
        ],
        notifications=[{"id": 1, "user_id": 23, "content": b"\x00\xff", "metadata": "not json", "sent_at": "x"}],
    )  # fmt: skip
    conn = sqlite3.connect(path)  # text that is not UTF-8 (SQLite does not check)
    conn.execute("UPDATE chat_history SET message = CAST(X'48656cff6c6f' AS TEXT) WHERE id = 8")
    conn.commit()
    conn.close()

    code, out = run_import(path)

    assert code == 1, out  # rows were skipped; nothing crashed
    assert table_line(out, "users")[:5] == ["4", "2", "0", "0", "2"]
    assert "skipped 1: no usable email" in out and "skipped 1: email longer than 254 characters" in out
    assert table_line(out, "chat_history")[:5] == ["8", "6", "0", "0", "2"]
    assert "skipped 2: user not found" in out
    assert "note 2: no readable created_at (import time used)" in out
    assert "note 1: no readable created_at (join date set to now)" in out
    assert "shop_profiles#1 (user 22): JSON is list, not an object" in out
    assert "shop_profiles#2 (user 23): JSON is int, not an object" in out
    assert "1 text values were not valid UTF-8" in out

    dirty = User.objects.get(email="ok@dirty.com")
    assert dirty.is_active and not dirty.has_usable_password()
    assert "ok@dirty.com" in out.split("reset it by email")[1]
    assert Shop.objects.get(memberships__user__email="nul@dirty.com").name == "Bad\ufffdName"
    shop = Shop.objects.get(memberships__user=dirty)
    assert shop.business_hours["monday"] == {"closed": True, "open": "", "close": ""}

    unknown = Agent.objects.get(slug="unknown-agent")
    assert unknown.status == Agent.Status.RETIRED
    assert list(Message.objects.filter(conversation__agent=unknown).values_list("content", flat=True)) == ["", ""]
    replies = set(Message.objects.filter(role="assistant").values_list("content", flat=True))
    assert {"[1, 2]", "42", "a\ufffdb"} <= replies
    questions = set(Message.objects.filter(role="user").values_list("content", flat=True))
    assert {"Q\ufffd", "Hel\ufffdlo"} <= questions

    note = LegacyRecord.objects.get(source_table="notification_history")
    assert note.payload["content"] == {"base64": "AP8="}
    assert note.payload["metadata"] == "not json"
    assert note.normalized == {"sent_at": None, "_unreadable": ["sent_at"]}
    assert "notification_history#1: sent_at 'x' is not a timestamp" in out

    # and a second run finds everything where it left it
    code, out = run_import(path)
    assert table_line(out, "chat_history")[:5] == ["8", "0", "0", "6", "2"]
    assert Conversation.objects.count() == 3


def test_archived_rows_keep_their_values_and_get_normalised_timestamps_and_money(tmp_path):
    path = build_legacy_db(
        tmp_path / "agent_system.db",
        users=[owner(1, "own@shop.com")],
        business={
            "barbershops": [{"id": "b1", "name": "Shop", "owner_id": "1", "shop_slug": "shop"}],
            "payments": [
                {"id": "p1", "amount": 12.345, "created_at": "2024-01-02 03:04:05"},
                {"id": "p2", "amount": 12.3, "created_at": "2024-01-02 03:04:05.123456"},
                {"id": "p3", "amount": None, "created_at": "2024-01-02T03:04:05-05:00"},
                {"id": "p4", "amount": "garbage", "created_at": 1704164645.5},
                {"id": "p5", "amount": 0.005, "created_at": "not a time"},
            ],
            "appointments": [
                {"id": "a1", "scheduled_at": "2024-03-01T10:00Z", "service_price": 35.499999999, "tip_amount": "12.3"}
            ],
            "customers": [{"id": "c1", "visits": 3, "total_spent": 100.005}],
            "services": [{"id": "s1", "name": "Fade", "price": 25, "duration_minutes": 30}],
        },
    )  # fmt: skip

    code, out = run_import(path)

    assert code == 0, out  # unreadable values are reported, not skipped
    normalized = {
        r.source_id: r.normalized for r in LegacyRecord.objects.filter(archived=True, source_table="payments")
    }
    assert normalized == {
        "p1": {"amount": "12.35", "created_at": "2024-01-02T03:04:05+00:00"},
        "p2": {"amount": "12.30", "created_at": "2024-01-02T03:04:05.123456+00:00"},
        "p3": {"amount": None, "created_at": "2024-01-02T08:04:05+00:00"},
        "p4": {"amount": None, "created_at": "2024-01-02T03:04:05.500000+00:00", "_unreadable": ["amount"]},
        "p5": {"amount": "0.01", "created_at": None, "_unreadable": ["created_at"]},
    }
    payload = {r.source_id: r.payload for r in LegacyRecord.objects.filter(source_table="payments")}
    assert (payload["p1"]["amount"], payload["p4"]["amount"], payload["p5"]["created_at"]) == (
        12.345,
        "garbage",
        "not a time",
    )
    assert "payments#p4: amount 'garbage' is not money" in out
    assert "payments#p5: created_at 'not a time' is not a timestamp" in out

    appointment = LegacyRecord.objects.get(source_table="appointments")
    assert appointment.payload["tip_amount"] == "12.3"
    assert appointment.normalized == {
        "scheduled_at": "2024-03-01T10:00:00+00:00",
        "service_price": "35.50",
        "tip_amount": "12.30",
        "created_at": None,
    }
    customer = LegacyRecord.objects.get(source_table="customers")
    assert customer.normalized == {"total_spent": "100.01", "created_at": None}
    assert LegacyRecord.objects.get(source_table="services").normalized == {"price": "25.00", "created_at": None}
    shop = Shop.objects.get(memberships__user__email="own@shop.com")
    assert set(LegacyRecord.objects.filter(archived=True).values_list("shop", flat=True)) == {shop.pk}

    # a second run leaves them alone; a record from before normalised values existed gets them
    LegacyRecord.objects.filter(source_table="services").update(normalized=None)
    code, out = run_import(path)
    assert table_line(out, "payments")[:4] == ["5", "0", "0", "5"]
    assert table_line(out, "services")[:4] == ["1", "0", "1", "0"]
    assert LegacyRecord.objects.get(source_table="services").normalized == {"price": "25.00", "created_at": None}


def test_agents_rows_update_the_matching_catalog_agents(tmp_path):
    agents = [
        {"id": "marketing_expert", "name": "Sophia", "description": "Local growth, social media", "status": "paused"},
        {"id": "agentic_coach", "name": "Agentic Coach", "description": "Coaching endpoint", "status": "active"},
        {"id": "legacy_helper", "name": "Helper", "description": "An old helper", "status": "active"},
        {"id": None, "name": "No id"},
    ]  # fmt: skip
    path = build_legacy_db(tmp_path / "agent_system.db", users=[owner(1, "own@shop.com")], agents=agents)
    coach_before = Agent.objects.values("name", "description", "status").get(slug="business_coach")

    code, out = run_import(path)

    assert code == 1, out  # the row without an id was skipped
    assert table_line(out, "agents")[:5] == ["4", "3", "0", "0", "1"]
    assert "skipped 1: no id" in out
    marketing = Agent.objects.get(slug="marketing_expert")
    assert (marketing.name, marketing.description, marketing.status) == (
        "Sophia",
        "Local growth, social media",
        Agent.Status.PAUSED,
    )
    # an alias is recorded against its agent, not used to rename it
    assert Agent.objects.values("name", "description", "status").get(slug="business_coach") == coach_before
    alias = LegacyRecord.objects.get(source_table="agents", source_id="agentic_coach")
    assert alias.target_id == str(Agent.objects.get(slug="business_coach").pk)
    # an id the catalog lacks becomes a retired agent with the legacy name; it is never switched on
    helper = Agent.objects.get(slug="legacy_helper")
    assert (helper.name, helper.status) == ("Helper", Agent.Status.RETIRED)
    assert LegacyRecord.objects.get(source_table="agents", source_id="marketing_expert").payload == agents[0]

    # unchanged legacy rows leave later edits alone; a changed one applies again
    Agent.objects.filter(slug="marketing_expert").update(name="Sophia M.")
    code, out = run_import(path)
    assert table_line(out, "agents")[:4] == ["4", "0", "0", "3"]
    assert Agent.objects.get(slug="marketing_expert").name == "Sophia M."
    conn = sqlite3.connect(path)
    conn.execute("UPDATE agents SET name = 'Sophia R.', status = 'active' WHERE id = 'marketing_expert'")
    conn.commit()
    conn.close()
    code, out = run_import(path)
    assert table_line(out, "agents")[:4] == ["4", "0", "1", "2"]
    marketing.refresh_from_db()
    assert (marketing.name, marketing.status) == ("Sophia R.", Agent.Status.ACTIVE)


def test_a_person_who_already_signed_up_is_linked_and_left_as_they_are(tmp_path):
    user, shop = make_owner(email="mike@shop.com", shop_name="Fade Bros")
    path = build_legacy_db(
        tmp_path / "agent_system.db",
        users=[
            owner(1, "Mike@Shop.com", shop_name="Old Name", created_at="2020-01-01 00:00:00"),
            owner(2, "new@shop.com", shop_name="Fade Bros"),
        ],
        chats=[chat(1, 1, "Hello?", "Hi.")],
    )

    code, out = run_import(path)

    assert code == 0, out
    assert table_line(out, "users")[:4] == ["2", "1", "1", "0"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and user.date_joined.year > 2020  # theirs, untouched
    assert list(Shop.objects.filter(memberships__user=user).values_list("name", flat=True)) == ["Fade Bros"]
    assert LegacyRecord.objects.get(source_table="users", source_id="1").target_id == str(user.pk)
    assert Conversation.objects.get().shop == shop  # their history lands in their own shop
    # the new owner's shop of the same name gets the next free slug
    assert Shop.objects.get(memberships__user__email="new@shop.com").slug == "fade-bros-2"
    assert table_line(run_import(path)[1], "users")[:4] == ["2", "0", "0", "2"]


# --- hostile files: values that cost memory ---------------------------------------------------------

NOTIFICATION_COLUMNS = {
    "id", "user_id", "type", "recipient", "subject", "content", "status", "error_message", "sent_at", "metadata"
}  # fmt: skip


def test_generated_columns_are_not_read(tmp_path):
    path = build_legacy_db(
        tmp_path / "agent_system.db",
        users=[owner(1, "gen@x.com")],
        chats=[chat(1, 1, "Hi", "Hello")],
        notifications=[{"id": 1, "user_id": 1, "type": "email", "content": "Welcome"}],
    )
    # 20 MB for every row read, from a few bytes of schema (an attack used a thousand times that):
    # over the reader's limit on a value, yet harmless in a test if that limit ever went away.
    conn = sqlite3.connect(path)
    for table in ("users", "chat_history", "notification_history"):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN huge TEXT GENERATED ALWAYS AS (printf('%.*c', 20000000, 'x'))")
    conn.commit()
    conn.close()
    assert path.stat().st_size < 100_000

    code, out = run_import(path, "--dry-run")
    assert code == 0, out
    assert not User.objects.exists()
    code, out = run_import(path)
    assert code == 0, out

    assert User.objects.filter(email="gen@x.com").exists()
    assert Message.objects.filter(role="user").get().content == "Hi"
    record = LegacyRecord.objects.get(source_table="notification_history")
    assert set(record.payload) == NOTIFICATION_COLUMNS  # the declared columns, not the generated one
    assert record.payload["content"] == "Welcome"


def test_a_value_longer_than_the_limit_is_a_skipped_row_not_a_crash(tmp_path):
    too_long = "x" * (17 * 1024 * 1024)  # a real stored value, over the 16 MiB limit
    path = build_legacy_db(
        tmp_path / "agent_system.db",
        users=[owner(1, "a@x.com"), owner(2, "b@x.com")],
        chats=[chat(1, 1, "Hi", "Hello"), chat(2, 1, too_long, "Long"), chat(3, 2, "Yo", "Hey")],
        notifications=[{"id": 1, "user_id": 1, "content": too_long}, {"id": 2, "user_id": 2, "content": "ok"}],
    )

    code, out = run_import(path)

    assert code == 1, out  # rows were skipped, and said so
    assert table_line(out, "chat_history")[:5] == ["3", "2", "0", "0", "1"]
    assert "skipped 1: a value longer than 16 MiB" in out
    assert sorted(Message.objects.filter(role="user").values_list("content", flat=True)) == ["Hi", "Yo"]
    records = LegacyRecord.objects.filter(source_table="notification_history")
    assert [r.payload["content"] for r in records] == ["ok"]
    assert table_line(out, "notification_history")[4] == "1"

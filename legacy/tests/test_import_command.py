"""``import_legacy_sqlite``: run through ``call_command`` against legacy files built by ``legacy.tests.legacy_db``."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from agents.models import Agent, ShopAgent
from agents.services import shop_agent_disable, shop_agent_enable
from chat.models import Conversation, Message
from legacy.models import LegacyRecord
from legacy.tests.legacy_db import build_legacy_db, read_only_folder, sha256_legacy
from legacy.tests.legacy_db import run_import as run
from sixfb.models import Membership, Shop, User
from tests.base import make_owner
from tests.fixtures import seed_catalog

pytestmark = pytest.mark.django_db

BCRYPT_HASH = "$2b$04$" + "abcdefghijklmnopqrstuv" + "A" * 31  # replaced with a real one below


def real_bcrypt(password: str) -> str:
    import bcrypt

    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


@pytest.fixture
def catalog():
    seed_catalog()


def users_rows() -> list[dict]:
    return [
        {
            "id": 1,
            "email": "mike@shop.com",
            "password_hash": sha256_legacy("old-pass-1"),
            "shop_name": "Mike's Cuts",
            "created_at": "2024-01-02 03:04:05",
            "is_active": 1,
        },
        {
            "id": 3,
            "email": "Mike@Shop.com",
            "password_hash": "hashed_password",
            "shop_name": "",
            "created_at": "2024-05-01T10:00:00",
            "is_active": 1,
        },
        {
            "id": 7,
            "email": "bee@shop.com",
            "password_hash": real_bcrypt("bee-pass-22"),
            "shop_name": None,
            "created_at": 1700000000.0,
            "is_active": 0,
        },
        {
            "id": 9,
            "email": "demo@shop.com",
            "password_hash": "demo-password-hash",
            "shop_name": "Demo",
            "created_at": "2024-02-03 04:05:06.123456",
            "is_active": 1,
        },
    ]


def chats_rows() -> list[dict]:
    return [
        {
            "id": 1,
            "user_id": 1,
            "agent_id": "business_coach",
            "message": "How do I grow?",
            "response": json.dumps(
                {
                    "agent_id": "business_coach",
                    "response": "Raise prices.",
                    "suggestions": ["Audit costs", "Add a loyalty card"],
                    "timestamp": "x",
                }
            ),
            "created_at": "2024-03-01 10:00:00",
        },
        {
            "id": 2,
            "user_id": 1,
            "agent_id": "agentic_coach",
            "message": "And then?",
            "response": json.dumps(
                {"session_id": "u", "response": "Hire.", "recommendations": ["Post a job"], "confidence": 0.85}
            ),
            "created_at": "2024-03-01T09:00:00",
        },
        {
            "id": 3,
            "user_id": 3,
            "agent_id": "marketing_expert",
            "message": "Posts?",
            "response": json.dumps({"response": "Post daily.", "agent_id": "marketing_expert", "model": "mock"}),
            "created_at": 1709300000,
        },
        {
            "id": 4,
            "user_id": 7,
            "agent_id": "test_agent",
            "message": "ping",
            "response": "Test response",
            "created_at": "2024-03-02 10:00:00.500000",
        },
        {
            "id": 5,
            "user_id": 404,
            "agent_id": "business_coach",
            "message": "orphan",
            "response": "x",
            "created_at": "2024-03-02 10:00:00",
        },
    ]


def profile_rows() -> list[dict]:
    full = {
        "barbershop": {
            "name": "Mike's Fresh Cuts",
            "address": "1 Main St",
            "phone": "555-0100",
            "email": "hello@mikes.com",
            "timezone": "America/Chicago",
        },
        "notifications": {"emailEnabled": True, "smsEnabled": False},
        "businessHours": {
            "monday": {
                "enabled": True,
                "shifts": [{"open": "08:00", "close": "12:00"}, {"open": "13:00", "close": "17:00"}],
            },
            "sunday": {"enabled": False, "shifts": []},
        },
    }
    return [
        {
            "id": 1,
            "user_id": 1,
            "profile_data": json.dumps({"barbershop": {"name": "Old name"}}),
            "created_at": "2024-01-01 00:00:00",
        },
        {"id": 2, "user_id": 1, "profile_data": json.dumps(full), "created_at": "2024-06-01T00:00:00"},
        {
            "id": 3,
            "user_id": 7,
            "profile_data": json.dumps({"services": ["fade"], "goals": "grow"}),
            "created_at": "2024-01-01 00:00:00",
        },
        {"id": 4, "user_id": 9, "profile_data": "{not json", "created_at": "2024-01-01 00:00:00"},
    ]


@pytest.fixture
def legacy_file(tmp_path):
    return build_legacy_db(
        tmp_path / "agent_system.db",
        users=users_rows(),
        chats=chats_rows(),
        profiles=profile_rows(),
        notifications=[
            {
                "id": 1,
                "user_id": 1,
                "type": "sms",
                "recipient": "+1555",
                "status": "failed",
                "metadata": "{}",
                "sent_at": "2024-01-01 00:00:00",
            }
        ],
        business={
            "barbershops": [{"id": "abc-uuid", "name": "Mike's", "owner_id": "1", "shop_slug": "mikes"}],
            "payments": [
                {"id": "p1", "appointment_id": "a1", "amount": 35.000000001, "method": "card", "status": "paid"}
            ],
        },
        extra_columns=True,
    )


def test_full_import(catalog, legacy_file):
    code, out = run(legacy_file)
    assert code == 1, out  # the orphan chat row was skipped
    assert "user not found" in out

    mike = User.objects.get(email="mike@shop.com")
    assert User.objects.filter(email__iexact="mike@shop.com").count() == 1
    assert mike.date_joined == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert "mike@shop.com: mike@shop.com, Mike@Shop.com" in out
    assert "demo@shop.com" in out.split("reset it by email")[1]
    assert not User.objects.get(email="demo@shop.com").has_usable_password()
    assert User.objects.get(email="bee@shop.com").is_active is False

    shop = Shop.objects.get(memberships__user=mike, memberships__role=Membership.Role.OWNER)
    assert shop.name == "Mike's Fresh Cuts"  # from the newest profile
    assert (shop.address, shop.phone, shop.timezone) == ("1 Main St", "555-0100", "America/Chicago")
    assert shop.business_hours["monday"] == {"closed": False, "open": "08:00", "close": "17:00"}
    assert shop.business_hours["sunday"]["closed"] is True
    bee_shop = Shop.objects.get(memberships__user__email="bee@shop.com")
    assert bee_shop.name == "bee's shop"
    assert '"goals": "grow"' in bee_shop.notes_for_agents
    assert "shop_profiles#4" in out

    # agentic_coach folds into the business coach; both rows in created_at order
    coach = Conversation.objects.get(user=mike, agent__slug="business_coach")
    contents = list(coach.messages.order_by("created_at", "pk").values_list("role", "content"))
    assert contents[0] == ("user", "And then?")
    assert contents[1] == ("assistant", "Hire.\n\n- Post a job")
    assert contents[3] == ("assistant", "Raise prices.\n\n- Audit costs\n- Add a loyalty card")
    assert coach.messages.first().created_at.year == 2024
    assert Conversation.objects.get(user=mike, agent__slug="marketing_expert").messages.count() == 2
    retired = Agent.objects.get(slug="test_agent")
    assert retired.status == Agent.Status.RETIRED
    assert Message.objects.filter(conversation__agent=retired, role="assistant").get().content == "Test response"
    assert not Message.objects.exclude(status=Message.Status.COMPLETE).exists()

    # a conversation is dated by its messages, not by the import
    first, last = coach.messages.order_by("created_at").first(), coach.messages.order_by("created_at").last()
    assert (coach.created_at, coach.updated_at) == (first.created_at, last.created_at)

    # notification preferences have no home in the product yet: the profile's record keeps them
    profile = LegacyRecord.objects.get(source_table="shop_profiles", source_id="2")
    assert profile.payload["notifications"] == {"emailEnabled": True, "smsEnabled": False}
    assert (profile.target_type, profile.archived) == ("sixfb.shop", False)
    assert LegacyRecord.objects.get(source_table="shop_profiles", source_id="1").archived

    payment = LegacyRecord.objects.get(source_table="payments")
    assert payment.archived and payment.shop == shop
    assert payment.payload["amount"] == 35.000000001  # untouched
    assert payment.normalized["amount"] == "35.00"
    assert LegacyRecord.objects.get(source_table="notification_history").shop == shop
    assert LegacyRecord.objects.filter(source_table="users").count() == 4


def test_second_run_changes_nothing_and_updates_what_changed(catalog, legacy_file):
    run(legacy_file)
    counts = (User.objects.count(), Shop.objects.count(), Message.objects.count(), LegacyRecord.objects.count())
    code, out = run(legacy_file)
    assert code == 1
    assert counts == (User.objects.count(), Shop.objects.count(), Message.objects.count(), LegacyRecord.objects.count())
    line = next(x for x in out.splitlines() if x.startswith("chat_history "))
    assert line.split()[1:6] == ["5", "0", "0", "4", "1"]

    conn = sqlite3.connect(legacy_file)
    conn.execute("UPDATE chat_history SET response = 'Edited' WHERE id = 4")
    conn.commit()
    conn.close()
    run(legacy_file)
    assert Message.objects.filter(role="assistant", content="Edited").count() == 1
    assert Message.objects.count() == counts[2]


def test_passwords_log_in_and_upgrade(catalog, legacy_file, client):
    run(legacy_file)
    response = client.post(reverse("account_login"), {"login": "mike@shop.com", "password": "old-pass-1"})
    assert response.status_code == 302, response.content
    assert not User.objects.get(email="mike@shop.com").password.startswith("legacy_sha256$")
    client.post(reverse("account_logout"))

    User.objects.filter(email="bee@shop.com").update(is_active=True)
    response = client.post(reverse("account_login"), {"login": "bee@shop.com", "password": "bee-pass-22"})
    assert response.status_code == 302, response.content
    assert not User.objects.get(email="bee@shop.com").password.startswith("bcrypt$")

    # a re-run does not undo the upgrade
    run(legacy_file)
    assert User.objects.get(email="mike@shop.com").check_password("old-pass-1")


def test_shops_the_import_creates_start_with_the_coach_as_sign_ups_do(catalog, legacy_file):
    # Someone who signed up before the import keeps the agents they chose.
    _user, own_shop = make_owner(email="bee@shop.com")
    shop_agent_disable(shop=own_shop, agent=Agent.objects.get(slug="business_coach"))
    shop_agent_enable(shop=own_shop, agent=Agent.objects.get(slug="marketing_expert"))

    run(legacy_file)

    def enabled(shop):
        return list(ShopAgent.objects.filter(shop=shop).enabled().values_list("agent__slug", flat=True))

    made = Shop.objects.exclude(pk=own_shop.pk)
    assert made.count() == 2
    assert [enabled(shop) for shop in made] == [["business_coach"], ["business_coach"]]
    assert enabled(own_shop) == ["marketing_expert"]


def test_dry_run_writes_nothing(catalog, legacy_file):
    _code, out = run(legacy_file, "--dry-run")
    assert "Dry run" in out
    assert not User.objects.exists() and not LegacyRecord.objects.exists() and not Message.objects.exists()
    assert not Agent.objects.filter(slug="test_agent").exists()  # the retired agent it made is gone too


def test_strict_writes_nothing_when_rows_are_skipped(catalog, legacy_file):
    code, _out = run(legacy_file, "--strict")
    assert code == 1
    assert not User.objects.exists()


def test_clean_file_exits_zero_and_only(catalog, tmp_path):
    path = build_legacy_db(tmp_path / "a.db", users=users_rows()[:1], chats=chats_rows()[:1])
    code, out = run(path, "--only", "users")
    assert code == 0, out
    assert User.objects.count() == 1 and not Message.objects.exists()
    assert run(path)[0] == 0
    assert Message.objects.count() == 2


@pytest.mark.parametrize("content", [None, b"not a database at all" * 100, "other"])
def test_refuses_non_legacy_files(tmp_path, content):
    path = tmp_path / "x.db"
    if content == "other":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE users (id INTEGER, name TEXT)")
        conn.close()
    elif content is not None:
        path.write_bytes(content)
    code, _out = run(path)
    assert code == 2
    assert not User.objects.exists()


def test_read_only_wal_file_is_not_written(catalog, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = build_legacy_db(folder / "agent_system.db", users=users_rows()[:1], chats=chats_rows()[:1], wal=True)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with read_only_folder(folder):
        code, out = run(path)
    assert code == 0, out
    assert User.objects.count() == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in folder.iterdir()) == ["agent_system.db"]

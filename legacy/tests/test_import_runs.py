"""``import_legacy_sqlite`` as a run: batches, an interrupted run resumed, progress output, ``--only``,
a file whose ``-wal`` holds committed rows. Through ``call_command``, against files from
``legacy.tests.legacy_db``."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.db import connection

from agents.models import Agent
from chat.models import Conversation, Message
from legacy.models import LegacyRecord
from legacy.tests.legacy_db import build_legacy_db, read_only_folder, run_import, sha256_legacy
from sixfb.models import Shop, User
from tests.fixtures import seed_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalog():
    seed_catalog()


def people() -> list[dict]:
    rows = [
        {"id": 1, "email": "ana@x.com", "shop_name": "Fade Bros", "created_at": "2023-01-01 00:00:00"},
        {"id": 2, "email": "ben@x.com", "shop_name": "Fade Bros", "created_at": "2023-02-01 00:00:00"},
        {"id": 3, "email": "Ana@X.com", "shop_name": "", "created_at": "2023-03-01T00:00:00"},
        {"id": 4, "email": "cy@x.com", "shop_name": None, "created_at": 1680000000},
        {"id": 5, "email": "dee@x.com", "shop_name": "Fade Bros", "created_at": "2023-05-01 00:00:00.250000"},
        {"id": 6, "email": "ed@x.com", "shop_name": "Ed's", "created_at": "2023-06-01 00:00:00"},
        {"id": 8, "email": "ED@x.com", "shop_name": "Other", "created_at": "2023-07-01 00:00:00"},
    ]
    return [{"password_hash": sha256_legacy(f"pw-{r['id']}"), "is_active": 1, **r} for r in rows]


def chats() -> list[dict]:
    agents = ["business_coach", "marketing_expert", "agentic_coach", "financial_advisor"]
    reply = json.dumps({"response": "Answer", "suggestions": ["One"]})
    return [
        {
            "id": n,
            "user_id": [1, 2, 3, 4, 5, 6, 8][n % 7],
            "agent_id": agents[n % 4],
            "message": f"Question {n}",
            "response": reply,
            "created_at": f"2024-01-{1 + n % 28:02d} {n % 24:02d}:00:00",
        }
        for n in range(1, 41)
    ]


def profiles() -> list[dict]:
    return [
        {
            "id": 1,
            "user_id": 2,
            "profile_data": json.dumps({"barbershop": {"name": "Ben's"}}),
            "created_at": "2024-01-01",
        },
        {"id": 2, "user_id": 6, "profile_data": json.dumps({"businessHours": {}}), "created_at": "2024-01-01"},
    ]


@pytest.fixture
def legacy_file(tmp_path):
    return build_legacy_db(tmp_path / "agent_system.db", users=people(), chats=chats(), profiles=profiles())


def snapshot() -> dict[str, list]:
    """Everything an import made, by natural keys (primary keys differ between runs)."""
    email_of = {str(pk): email for pk, email in User.objects.values_list("pk", "email")}

    def natural(record: LegacyRecord) -> tuple:
        source_id, target = record.source_id, ""
        if record.source_table == "users":
            target = email_of[record.target_id]
        elif record.source_table == "chat_history.conversation":  # "<user pk>:<agent pk>"
            user_pk, agent_pk = source_id.split(":")
            source_id = f"{email_of[user_pk]}:{Agent.objects.get(pk=agent_pk).slug}"
        return (record.source_table, source_id, record.target_type, record.archived, target)

    def messages(conversation: Conversation) -> list[tuple]:
        return list(conversation.messages.values_list("role", "content", "created_at", "model", "status"))

    conversations = Conversation.objects.select_related("user", "agent")
    # A password by its hasher: salted, the same legacy hash never gives the same string twice.
    users = User.objects.values_list("email", "date_joined", "is_active", "password")
    return {
        "users": sorted((*user[:3], user[3].split("$", 1)[0]) for user in users),
        "shops": sorted(Shop.objects.values_list("memberships__user__email", "name", "slug")),
        "conversations": sorted(
            (c.user.email, c.agent.slug, c.title, c.created_at, c.updated_at, *messages(c)) for c in conversations
        ),
        "records": sorted(natural(r) for r in LegacyRecord.objects.all()),
    }


def wipe() -> None:
    LegacyRecord.objects.all().delete()
    User.objects.all().delete()
    Shop.objects.all().delete()


def test_batch_size_two_gives_the_same_result_as_the_default(legacy_file):
    assert run_import(legacy_file)[0] == 0
    default = snapshot()
    wipe()
    code, out = run_import(legacy_file, "--batch-size", "2")
    assert code == 0, out
    assert snapshot() == default
    # the case duplicates were merged even though they are split over several batches of rows
    assert User.objects.filter(email="ana@x.com").exists() and User.objects.count() == 5
    # three shops called "Fade Bros", two in one batch and one in the next, still get distinct slugs
    slugs = dict(Shop.objects.values_list("memberships__user__email", "slug"))
    assert [slugs["ana@x.com"], slugs["ben@x.com"], slugs["dee@x.com"]] == ["fade-bros", "fade-bros-2", "fade-bros-3"]
    # conversations span batches; their dates are still their first and latest message's
    for conversation in Conversation.objects.all():
        times = list(conversation.messages.order_by("created_at").values_list("created_at", flat=True))
        assert (conversation.created_at, conversation.updated_at) == (times[0], times[-1])
    assert Message.objects.count() == 80


FAIL_ON_QUESTION_33 = {
    "postgresql": [
        "CREATE FUNCTION legacy_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.content = 'Question 33' THEN RAISE EXCEPTION 'simulated failure'; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER legacy_test_fail BEFORE INSERT ON chat_message "
        "FOR EACH ROW EXECUTE FUNCTION legacy_test_fail()",
    ],
    "sqlite": [
        "CREATE TRIGGER legacy_test_fail BEFORE INSERT ON chat_message WHEN NEW.content = 'Question 33' "
        "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
    ],
}


def test_an_interrupted_run_can_be_run_again_to_completion(legacy_file):
    assert run_import(legacy_file)[0] == 0
    complete = snapshot()
    wipe()
    # The database fails while a later batch of chat rows goes in (as a lost connection would).
    with connection.cursor() as cursor:
        for statement in FAIL_ON_QUESTION_33[connection.vendor]:
            cursor.execute(statement)
    code, out = run_import(legacy_file, "--batch-size", "4")
    assert code == 1
    assert "simulated failure" in out and "run the same command again" in out
    done = Message.objects.count()
    assert 0 < done < 80
    assert LegacyRecord.objects.filter(source_table="chat_history").count() * 2 == done  # whole batches only
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER legacy_test_fail" + (" ON chat_message" if connection.vendor == "postgresql" else "")
        )

    code, out = run_import(legacy_file, "--batch-size", "4")
    assert code == 0, out
    assert snapshot() == complete
    line = next(x for x in out.splitlines() if x.startswith("chat_history "))
    assert line.split()[1:5] == ["40", str(40 - done // 2), "0", str(done // 2)]


def test_progress_is_plain_lines_when_not_a_terminal(legacy_file):
    code, out = run_import(legacy_file, "--batch-size", "20")
    assert code == 0
    assert "\r" not in out
    assert "chat_history: 20/40" in out.splitlines() and "chat_history: 40/40" in out.splitlines()
    assert "users: 7/7" in out.splitlines()


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal(legacy_file):
    code, out = run_import(legacy_file, "--batch-size", "20", stdout=Terminal())
    assert code == 0
    assert "\rchat_history" in out
    assert "[###############...............] 20/40" in out
    assert "[##############################] 40/40\n" in out
    assert "chat_history: 20/40" not in out


@pytest.mark.parametrize("only", ["chats", "users,nope", "sessions"])
def test_only_with_an_unknown_table_exits_2_and_writes_nothing(legacy_file, only):
    code, out = run_import(legacy_file, "--only", only)
    assert code == 2
    assert "--only: unknown table" in out and "Nothing was written" in out
    assert not User.objects.exists() and not LegacyRecord.objects.exists()


@pytest.mark.parametrize("size", ["0", "-5"])
def test_batch_size_below_one_is_refused(legacy_file, size):
    assert run_import(legacy_file, "--batch-size", size)[0] == 2
    assert not User.objects.exists()


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_rows_only_in_the_wal_file_are_read_and_neither_file_is_modified(tmp_path):
    path = build_legacy_db(
        tmp_path / "agent_system.db",
        users=people()[:1],
        chats=[{"id": 1, "user_id": 1, "agent_id": "business_coach", "message": "In the file", "response": "Yes"}],
        pending={
            "users": [{"id": 9, "email": "late@x.com", "password_hash": sha256_legacy("pw"), "is_active": 1}],
            "chat_history": [
                {"id": 99, "user_id": 9, "agent_id": "business_coach", "message": "In the WAL", "response": "Yes"}
            ],
        },
    )
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 0
    before = {p: fingerprint(p) for p in (path, wal)}

    code, out = run_import(path)

    assert code == 0, out
    assert User.objects.filter(email="late@x.com").exists()
    assert Message.objects.filter(content="In the WAL").exists()
    assert {p: fingerprint(p) for p in (path, wal)} == before
    # and a second run reads the same (nothing new, nothing changed)
    code, out = run_import(path)
    assert next(x for x in out.splitlines() if x.startswith("users ")).split()[1:5] == ["2", "0", "0", "2"]


def test_a_wal_file_on_read_only_storage_is_read_from_a_private_copy(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = build_legacy_db(
        folder / "agent_system.db",
        users=people()[:1],
        pending={"users": [{"id": 9, "email": "late@x.com", "password_hash": sha256_legacy("pw"), "is_active": 1}]},
    )
    wal = Path(f"{path}-wal")
    before = {p: fingerprint(p) for p in (path, wal)}
    with read_only_folder(folder):  # SQLite cannot create the -shm index it needs beside the file
        code, out = run_import(path)
    assert code == 0, out
    assert "read from a private temporary copy" in out
    assert User.objects.filter(email="late@x.com").exists()
    assert {p: fingerprint(p) for p in (path, wal)} == before
    assert sorted(p.name for p in folder.iterdir()) == ["agent_system.db", "agent_system.db-wal"]


def test_dry_run_writes_nothing_anywhere(legacy_file):
    code, out = run_import(legacy_file, "--dry-run", "--batch-size", "3")
    assert code == 0, out
    assert "Dry run: nothing was written." in out
    assert next(x for x in out.splitlines() if x.startswith("chat_history ")).split()[1:3] == ["40", "40"]
    assert not User.objects.exists() and not Shop.objects.exists() and not Conversation.objects.exists()
    assert not Message.objects.exists() and not LegacyRecord.objects.exists()

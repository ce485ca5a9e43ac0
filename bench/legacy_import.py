"""Legacy import at scale: build a legacy SQLite file (5,000 users, 100,000 chat rows by default) and
time ``import_legacy_sqlite`` into the database DATABASE_URL points at (use an empty, migrated one).

    createdb -h 127.0.0.1 -U postgres sixfb_legacy_bench
    export DJANGO_DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/sixfb_legacy_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/legacy_import.py

Prints the time of the first import, of a second (no-change) run, the peak resident memory, and the
machine's load average before and after (the machine is shared: read the figures next to it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sixfb.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")  # a scratch database; the published figures ran with debug on

AGENTS = ["business_coach", "marketing_expert", "financial_advisor", "customer_intelligence", "agentic_coach"]


def build(path: Path, users: int, chats: int) -> None:
    from legacy.tests.legacy_db import build_legacy_db

    build_legacy_db(path, extra_columns=True)
    conn = sqlite3.connect(path)
    rnd = random.Random(6)
    digest = hashlib.sha256(b"pw6fb-salt").hexdigest()
    conn.executemany(
        "INSERT INTO users (id, email, password_hash, shop_name, created_at, is_active) VALUES (?,?,?,?,?,1)",
        (
            (i, f"owner{i}@bench.test", digest, f"Shop {i}", f"2024-01-01 00:{i % 60:02d}:00")
            for i in range(1, users + 1)
        ),
    )
    reply = json.dumps({"response": "Try raising prices a little. " * 10, "suggestions": ["One", "Two"]})
    conn.executemany(
        "INSERT INTO chat_history (id, user_id, agent_id, message, response, created_at) VALUES (?,?,?,?,?,?)",
        (
            (i, rnd.randint(1, users), rnd.choice(AGENTS), f"Question {i}?", reply, 1700000000 + i)
            for i in range(1, chats + 1)
        ),
    )
    conn.commit()
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--chats", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from tests.fixtures import seed_catalog

    seed_catalog()
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agent_system.db"
        start = time.perf_counter()
        build(path, args.users, args.chats)
        print(f"built {args.users} users / {args.chats} chat rows in {time.perf_counter() - start:.1f} s")
        for label in ("first import", "second run (no changes)"):
            start = time.perf_counter()
            call_command("import_legacy_sqlite", str(path), "--batch-size", str(args.batch_size), stdout=StringIO())
            elapsed = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{label}: {elapsed:.1f} s, peak RSS so far {peak:.0f} MiB")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()

"""Failed-login time for an account imported from the legacy system, against a normal account.

The legacy back end hashed passwords with one unsalted SHA-256. Imported as they were, a failed
login on such an account answered in about 10 ms against about 420 ms for anyone else, which told
an attacker which accounts were imported (and had a fast hash to go after). The importer now wraps
the digest in salted PBKDF2 and pads every check to the default hasher's cost (``sixfb.hashers``),
so the two should cost the same. This posts wrong passwords to the login page, as a browser does,
and prints the times for: a normal account; an account imported by ``import_legacy_sqlite``; and,
for comparison, the raw form earlier imports stored (``legacy_sha256$$<hex>``, until migration
``sixfb.0005`` wraps it).

Uses the real settings (real hashers) and the database DATABASE_URL names, empty and migrated; the
accounts it makes are deleted at the end. For example:

    DATABASE_URL=sqlite:////tmp/login-bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/login-bench.sqlite3 .venv/bin/python bench/legacy_login_timing.py
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sixfb.settings")

PASSWORD = "the-right-password-42"
_addresses = (f"198.18.{n // 250}.{n % 250 + 1}" for n in itertools.count())


def failed_login_ms(email: str) -> float:
    from django.test import Client

    # A fresh address each time: the per-address login limits must not answer instead of the hasher.
    client = Client(HTTP_HOST="localhost", REMOTE_ADDR=next(_addresses))
    start = time.perf_counter()
    response = client.post("/accounts/login/", {"login": email, "password": "a-wrong-password"})
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200 and "_auth_user_id" not in client.session, response.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=7, help="failed logins per account (default 7)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.hashers import identify_hasher
    from django.core.management import call_command

    from legacy.models import LegacyRecord
    from legacy.tests.legacy_db import build_legacy_db
    from sixfb.hashers import legacy_sha256_hex
    from sixfb.models import Shop, User

    tag = f"{os.getpid()}-{int(time.time())}"
    emails = {name: f"{name}-{tag}@bench.test" for name in ("normal", "imported", "raw")}
    try:
        User.objects.create_user(email=emails["normal"], password=PASSWORD)
        with tempfile.TemporaryDirectory() as tmp:
            legacy = build_legacy_db(
                Path(tmp) / "agent_system.db",
                users=[{"id": 1, "email": emails["imported"], "password_hash": legacy_sha256_hex(PASSWORD)}],
            )
            call_command("import_legacy_sqlite", str(legacy), stdout=StringIO())
        User.objects.create(email=emails["raw"], password=f"legacy_sha256$${legacy_sha256_hex(PASSWORD)}")

        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'account':<10} {'stored as':<22} {'median ms':>10} {'min':>8} {'max':>8}")
        failed_login_ms(emails["normal"])  # warm up (imports, first queries)
        for name, email in emails.items():
            times = [failed_login_ms(email) for _ in range(args.tries)]
            algorithm = identify_hasher(User.objects.get(email=email).password).algorithm
            print(f"{name:<10} {algorithm:<22} {statistics.median(times):>10.1f} {min(times):>8.1f} {max(times):>8.1f}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        users = User.objects.filter(email__in=emails.values())
        shops = Shop.objects.filter(memberships__user__in=users)
        LegacyRecord.objects.filter(target_id__in=[str(pk) for pk in users.values_list("pk", flat=True)]).delete()
        shops.delete()
        users.delete()


if __name__ == "__main__":
    main()

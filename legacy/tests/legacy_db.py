"""Build legacy-format SQLite files (per /work/shared/legacy/SCHEMA.md) with chosen rows, for this app's
tests and the legacy benchmarks (``bench/legacy_*.py``)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

CORE = """
CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT UNIQUE NOT NULL,
  password_hash TEXT NOT NULL, shop_name TEXT, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  is_active BOOLEAN DEFAULT 1 {user_extra});
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, user_id INTEGER NOT NULL, created_at TIMESTAMP,
  expires_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS chat_history (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL,
  agent_id TEXT NOT NULL, message TEXT NOT NULL, response TEXT NOT NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP {chat_extra});
CREATE TABLE IF NOT EXISTS agents (id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, status TEXT);
CREATE TABLE IF NOT EXISTS shop_profiles (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL,
  profile_data TEXT, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
"""
NOTIFICATIONS = """
CREATE TABLE IF NOT EXISTS notification_history (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER,
  type TEXT, recipient TEXT, subject TEXT, content TEXT, status TEXT, error_message TEXT, sent_at TIMESTAMP,
  metadata TEXT);
"""
BUSINESS = """
CREATE TABLE IF NOT EXISTS barbershops (id TEXT PRIMARY KEY, name TEXT, owner_id TEXT, shop_slug TEXT);
CREATE TABLE IF NOT EXISTS payments (id TEXT PRIMARY KEY, appointment_id TEXT, amount REAL, method TEXT,
  status TEXT, created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS services (id TEXT PRIMARY KEY, name TEXT, price REAL, duration_minutes INTEGER);
CREATE TABLE IF NOT EXISTS customers (id TEXT PRIMARY KEY, email TEXT, name TEXT, phone TEXT, visits INTEGER,
  total_spent REAL);
CREATE TABLE IF NOT EXISTS appointments (id TEXT PRIMARY KEY, customer_id TEXT, barber_id TEXT, service_name TEXT,
  scheduled_at TEXT, status TEXT, service_price REAL, tip_amount, created_at TIMESTAMP);
"""


def sha256_legacy(password: str) -> str:
    return hashlib.sha256((password + "6fb-salt").encode()).hexdigest()


def build_legacy_db(
    path: Path,
    *,
    users: Sequence[dict] = (),
    chats: Sequence[dict] = (),
    profiles: Sequence[dict] = (),
    agents: Sequence[dict] = (),
    notifications: list[dict] | None = None,
    business: dict[str, list[dict]] | None = None,
    extra_columns: bool = False,
    wal: bool = False,
    loose: bool = False,
    pending: dict[str, list[dict]] | None = None,
) -> Path:
    """A legacy file with these rows. ``loose``: without NOT NULL (files from versions that lacked it).
    ``pending``: rows left committed but not checkpointed in the file's ``-wal``, as on a live server
    (implies WAL mode)."""
    conn = sqlite3.connect(path)
    if wal or pending:
        conn.execute("PRAGMA journal_mode=WAL")
    core = CORE.format(
        user_extra=", last_login TIMESTAMP, login_count INTEGER" if extra_columns else "",
        chat_extra=", session_id TEXT, message_size INTEGER, response_size INTEGER" if extra_columns else "",
    )
    conn.executescript(core.replace(" NOT NULL", "") if loose else core)
    if notifications is not None:
        conn.executescript(NOTIFICATIONS)
    if business is not None:
        conn.executescript(BUSINESS)
    for table, rows in (
        ("users", users),
        ("chat_history", chats),
        ("shop_profiles", profiles),
        ("agents", agents),
        ("notification_history", notifications or []),
        *((business or {}).items()),
    ):
        _insert(conn, table, rows)
    conn.commit()
    if pending:
        # Closing the last connection would checkpoint the -wal into the file and delete it, so keep
        # copies of both taken while it is open, then put them back.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the rows above in the file itself
        conn.execute("PRAGMA wal_autocheckpoint=0")
        for table, rows in pending.items():
            _insert(conn, table, rows)
        conn.commit()
        saved = {suffix: Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal")}
        conn.close()
        for suffix, content in saved.items():
            Path(f"{path}{suffix}").write_bytes(content)
        Path(f"{path}-shm").unlink(missing_ok=True)
        return path
    conn.close()
    return path


def _insert(conn: sqlite3.Connection, table: str, rows: Sequence[dict]) -> None:
    for row in rows:
        cols = ", ".join(row)
        conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def run_import(path: Path, *args: str, stdout: StringIO | None = None) -> tuple[int, str]:
    """``import_legacy_sqlite PATH *args`` through ``call_command``: (exit status, everything printed)."""
    from django.core.management import CommandError, call_command

    out = stdout if stdout is not None else StringIO()
    try:
        call_command("import_legacy_sqlite", str(path), *args, stdout=out, stderr=out)
    except SystemExit as exc:
        assert isinstance(exc.code, int)  # the command exits with a status, never a message
        return exc.code, out.getvalue()
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@contextmanager
def read_only_folder(folder: Path) -> Iterator[None]:
    """``folder`` (and the files in it) read-only, as on read-only storage, even for root: chmod, and
    where that does not bind (root) the immutable attribute. Skips the test where neither works."""
    import pytest

    def writable() -> bool:
        try:
            (folder / ".probe").touch()
        except OSError:
            return False
        (folder / ".probe").unlink()
        return True

    modes = {p: p.stat().st_mode for p in folder.iterdir()}
    for p in modes:
        p.chmod(0o444)
    folder.chmod(0o555)
    immutable = writable() and shutil.which("chattr") is not None
    if immutable:
        immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    try:
        if writable():
            pytest.skip("cannot make a read-only folder on this machine")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)
        for p, mode in modes.items():
            p.chmod(mode)

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
NOTIFICATION_QUEUE = """
CREATE TABLE IF NOT EXISTS notification_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER,
  notification_type TEXT, recipient TEXT, subject TEXT, content TEXT, template_id TEXT, template_data TEXT,
  priority INTEGER DEFAULT 5, status TEXT, retry_count INTEGER DEFAULT 0, max_retries INTEGER DEFAULT 3,
  scheduled_at TIMESTAMP, processed_at TIMESTAMP, error_message TEXT, metadata TEXT);
"""
BUSINESS = """
CREATE TABLE IF NOT EXISTS barbershops (id TEXT PRIMARY KEY, name TEXT, address TEXT, city TEXT, state TEXT,
  zip_code TEXT, phone TEXT, email TEXT, website TEXT, owner_id TEXT, shop_slug TEXT, brand_colors TEXT,
  social_links TEXT, created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS business_hours (id INTEGER PRIMARY KEY AUTOINCREMENT, barbershop_id TEXT,
  day_of_week INTEGER, open_time TEXT, close_time TEXT, is_closed BOOLEAN DEFAULT 0);
CREATE TABLE IF NOT EXISTS payments (id TEXT PRIMARY KEY, appointment_id TEXT, amount REAL, method TEXT,
  status TEXT, created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS services (id TEXT PRIMARY KEY, name TEXT, price REAL, duration_minutes INTEGER,
  created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS barbers (id TEXT PRIMARY KEY, user_id TEXT, name TEXT, commission_rate REAL, rating REAL,
  is_active BOOLEAN DEFAULT 1);
CREATE TABLE IF NOT EXISTS customers (id TEXT PRIMARY KEY, email TEXT, name TEXT, phone TEXT, visits INTEGER,
  total_spent REAL, created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS appointments (id TEXT PRIMARY KEY, customer_id TEXT, barber_id TEXT, service_name TEXT,
  scheduled_at TEXT, status TEXT, service_price REAL, tip_amount, created_at TIMESTAMP);
"""


def dirty_business() -> dict[str, list[dict]]:
    """The business tables with the dirt SCHEMA.md lists, for a file whose users are 1
    (``test@example.com``, a test user) and 2 (``mike@shop.com``, the real owner): an owner id pointing
    at the test user and one at nobody, money as long floats, timestamps in all four forms, an
    appointment whose barber is unknown, invalid phones, customers duplicated by email case, a live
    appointment overlapping another, failed payments."""
    return {
        "barbershops": [
            {"id": "bs-test", "name": "Test shop", "owner_id": "1", "phone": "555-0000"},
            {"id": "bs-mike", "name": "Mike's", "address": "1 Main St", "city": "Springfield", "state": "IL",
             "zip_code": "62701", "phone": "+1 217 555 0100", "email": "hello@mikes.com", "owner_id": "2",
             "shop_slug": "mikes", "brand_colors": '{"primary": "#000"}'},
            {"id": "bs-ghost", "name": "Ghost", "owner_id": "99"},
        ],
        "business_hours": [
            {"day_of_week": 0, "open_time": "09:00", "close_time": "13:00"},
            {"day_of_week": 0, "open_time": "14:00", "close_time": "20:00"},
            {"day_of_week": 5, "open_time": "9am", "close_time": "3:30 PM"},
            {"day_of_week": 6, "open_time": None, "close_time": None, "is_closed": 1},
            {"day_of_week": "funday", "open_time": "10:00", "close_time": "11:00"},
        ],
        "services": [
            {"id": "s1", "name": "Fade", "price": 25.0, "duration_minutes": 30},
            {"id": "s2", "name": "Beard Trim", "price": 15.999999999, "duration_minutes": 20},
            {"id": "s3", "name": "Hot towel shave", "price": 35.1, "duration_minutes": 0},
            {"id": "s4", "name": "Kids cut", "price": "garbage", "duration_minutes": 25},
        ],
        "barbers": [
            {"id": "b1", "user_id": "2", "commission_rate": 0.6, "rating": 4.9},
            {"id": "b2", "user_id": "77", "name": "Sam", "commission_rate": 0.5, "rating": 4.2},
        ],
        "customers": [
            {"id": "c1", "name": "Ann", "phone": "(217) 555-0134", "email": "Ann@Example.com", "visits": 2,
             "total_spent": 51.000000001, "created_at": "2023-12-01 10:00:00"},
            {"id": "c2", "name": "Ann B", "phone": "", "email": "ann@example.com", "visits": 1, "total_spent": 0},
            {"id": "c3", "name": "Bob", "phone": "call me maybe", "email": None, "visits": 0, "total_spent": 0},
            {"id": "c4", "name": "Cy", "phone": "+44 20 7946 0958", "email": "cy@", "visits": 1, "total_spent": 40},
        ],
        "appointments": [
            {"id": "a1", "customer_id": "c1", "barber_id": "b1", "service_name": "Fade",
             "scheduled_at": "2024-03-01T10:00:00Z", "status": "COMPLETED", "service_price": 25.000000001,
             "tip_amount": 5.5, "created_at": "2024-02-20 08:00:00"},
            {"id": "a2", "customer_id": "c2", "barber_id": "b1", "service_name": "beard trim",
             "scheduled_at": "2024-03-02 11:00:00", "status": "CANCELLED", "service_price": 15.999999999},
            {"id": "a3", "customer_id": "c3", "barber_id": "b99", "service_name": "Fade",
             "scheduled_at": 1709550000.0, "status": "NO_SHOW", "service_price": 25},
            {"id": "a4", "customer_id": "c1", "barber_id": "b1", "service_name": "Fade",
             "scheduled_at": "2099-01-05T10:00:00+00:00", "status": "CONFIRMED", "service_price": 25},
            {"id": "a5", "customer_id": "c4", "barber_id": "b1", "service_name": "Fade",
             "scheduled_at": "2099-01-05T10:15:00", "status": "PENDING", "service_price": 25},
            {"id": "a6", "customer_id": "c4", "barber_id": "2", "service_name": "Mystery cut",
             "scheduled_at": "2024-03-03 09:30:00.123456", "status": "IN_PROGRESS", "service_price": 40.004},
            {"id": "a7", "customer_id": "c404", "barber_id": "b1", "service_name": "Fade",
             "scheduled_at": "2024-03-04T10:00:00Z", "status": "COMPLETED", "service_price": 25},
        ],
        "payments": [
            {"id": "p1", "appointment_id": "a1", "amount": 25.000000001, "method": "cash", "status": "completed",
             "created_at": "2024-03-01 10:31:00"},
            {"id": "p2", "appointment_id": "a1", "amount": 5.5, "method": "Credit Card", "status": "paid"},
            {"id": "p3", "appointment_id": "a2", "amount": 16, "method": "card", "status": "refunded"},
            {"id": "p4", "appointment_id": "a5", "amount": 25, "method": "card", "status": "paid"},
            {"id": "p5", "appointment_id": "a6", "amount": 40.004, "method": "Venmo", "status": "paid"},
        ],
    }  # fmt: skip


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
    notification_queue: list[dict] | None = None,
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
    if notification_queue is not None:
        conn.executescript(NOTIFICATION_QUEUE)
    if business is not None:
        conn.executescript(BUSINESS)
    for table, rows in (
        ("users", users),
        ("chat_history", chats),
        ("shop_profiles", profiles),
        ("agents", agents),
        ("notification_history", notifications or []),
        ("notification_queue", notification_queue or []),
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

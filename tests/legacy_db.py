"""Build legacy-format SQLite files (per /work/shared/legacy/SCHEMA.md) with chosen rows, for tests and the bench.

(``tests/fixtures`` is already the package-less folder of recorded API fixtures next to
``tests/fixtures.py``, so the builder lives here.)
"""

from __future__ import annotations

import hashlib
import sqlite3
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
  status TEXT);
"""


def sha256_legacy(password: str) -> str:
    return hashlib.sha256((password + "6fb-salt").encode()).hexdigest()


def build_legacy_db(
    path: Path,
    *,
    users: list[dict] = (),
    chats: list[dict] = (),
    profiles: list[dict] = (),
    agents: list[dict] = (),
    notifications: list[dict] | None = None,
    business: dict[str, list[dict]] | None = None,
    extra_columns: bool = False,
    wal: bool = False,
) -> Path:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(
        CORE.format(
            user_extra=", last_login TIMESTAMP, login_count INTEGER" if extra_columns else "",
            chat_extra=", session_id TEXT, message_size INTEGER, response_size INTEGER" if extra_columns else "",
        )
    )
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
        for row in rows:
            cols = ", ".join(row)
            conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    conn.commit()
    conn.close()
    return path

"""Opening a legacy database strictly read-only and checking that it is one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

REQUIRED = {
    "users": {"id", "email", "password_hash"},
    "chat_history": {"id", "user_id", "agent_id", "message", "response"},
}
# Tables read for their meaning; every other table (except these) is archived row by row.
NOT_ARCHIVED = {"users", "chat_history", "shop_profiles", "agents", "sessions", "sqlite_sequence"}


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class LegacyFileError(Exception):
    """The file is missing, not SQLite, or not a legacy 6FB database."""


class LegacyReader:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise LegacyFileError(f"{self.path}: no such file.")
        self.conn = self._open()
        self.conn.row_factory = sqlite3.Row
        self.columns = self._check()

    def _open(self) -> sqlite3.Connection:
        uri = f"file:{quote(str(self.path.resolve()))}"
        # Without a -wal file beside it, read it as immutable: SQLite then creates no -shm/-wal either.
        # With one, its pages must be read too, which needs mode=ro (and a -shm SQLite may create).
        if Path(f"{self.path}-wal").exists():
            try:
                conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return conn
            except sqlite3.DatabaseError as exc:
                if "not a database" in str(exc) or "file is encrypted" in str(exc):
                    raise LegacyFileError(f"{self.path}: not an SQLite database.") from exc
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.DatabaseError as exc:
            raise LegacyFileError(f"{self.path}: cannot be read as SQLite ({exc}).") from exc

    def _check(self) -> dict[str, list[str]]:
        tables = [r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        columns = {t: [r[1] for r in self.conn.execute(f"PRAGMA table_info({ident(t)})")] for t in tables}
        for table, needed in REQUIRED.items():
            missing = needed - set(columns.get(table, []))
            if missing:
                raise LegacyFileError(
                    f"{self.path}: not a legacy 6FB database (table {table} "
                    f"{'is missing' if table not in columns else 'lacks ' + ', '.join(sorted(missing))})."
                )
        return columns

    def has(self, table: str, column: str | None = None) -> bool:
        return table in self.columns and (column is None or column in self.columns[table])

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {ident(table)}").fetchone()[0]  # noqa: S608 (names from sqlite_master)

    def rows(self, table: str, order: str = "rowid", batch_size: int = 1000) -> Iterator[list[dict[str, object]]]:
        """Batches of rows as dicts, streamed (never the whole table in memory)."""
        cursor = self.conn.execute(f"SELECT * FROM {ident(table)} ORDER BY {order}")  # noqa: S608 (names from sqlite_master)
        while batch := cursor.fetchmany(batch_size):
            yield [dict(row) for row in batch]

    def archived_tables(self) -> list[str]:
        return [t for t in self.columns if t not in NOT_ARCHIVED and not t.startswith("sqlite_")]

    def close(self) -> None:
        self.conn.close()

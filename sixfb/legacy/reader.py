"""Opening a legacy database strictly read-only and checking that it is one."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from sixfb.models import normalize_email

REQUIRED = {
    "users": {"id", "email", "password_hash"},
    "chat_history": {"id", "user_id", "agent_id", "message", "response"},
}
# Tables read for their meaning; every other table (except these) is archived row by row.
NOT_ARCHIVED = {"users", "chat_history", "shop_profiles", "agents", "sessions", "sqlite_sequence"}


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class LegacyFileError(Exception):
    """The file is missing, not SQLite, not a legacy 6FB database, or damaged."""


class LegacyReader:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise LegacyFileError(f"{self.path}: no such file.")
        self.undecodable_text = 0
        self.copied_from: Path | None = None
        self._tempdir: tempfile.TemporaryDirectory | None = None
        self.conn = self._open()
        self.conn.row_factory = sqlite3.Row
        self.conn.text_factory = self._decode
        self.conn.create_function("sixfb_email_key", 1, self._email_key, deterministic=True)
        self.columns = self._check()

    def _decode(self, raw: bytes) -> str:
        # SQLite does not check that TEXT is UTF-8; one bad value must not stop the whole table.
        try:
            return raw.decode()
        except UnicodeDecodeError:
            self.undecodable_text += 1
            return raw.decode(errors="replace")

    @staticmethod
    def _email_key(email: object) -> str:
        return normalize_email(str(email or ""))

    def _connect(self, path: Path, query: str) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?{query}", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn

    def _open(self) -> sqlite3.Connection:
        # Without a -wal file beside it, read it as immutable: SQLite then creates no -shm/-wal either.
        if not Path(f"{self.path}-wal").exists():
            try:
                return self._connect(self.path, "mode=ro&immutable=1")
            except sqlite3.DatabaseError as exc:
                raise LegacyFileError(f"{self.path}: cannot be read as SQLite ({exc}).") from exc
        # With one, its pages hold committed data and must be read too (immutable would ignore them).
        # mode=ro never writes the file or its -wal, but needs a -shm index beside them, which SQLite
        # creates if missing. Where it cannot (read-only storage), read a private copy of the pair.
        try:
            return self._connect(self.path, "mode=ro")
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc) or "encrypted" in str(exc):
                raise LegacyFileError(f"{self.path}: not an SQLite database.") from exc
        self._tempdir = tempfile.TemporaryDirectory(prefix="legacy-import-")
        copy = Path(self._tempdir.name) / self.path.name
        shutil.copyfile(self.path, copy)
        shutil.copyfile(f"{self.path}-wal", f"{copy}-wal")
        self.copied_from = self.path
        try:
            return self._connect(copy, "mode=ro")
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
        yield from self._stream(table, f"SELECT * FROM {ident(table)} ORDER BY {order}", batch_size)  # noqa: S608 (names from sqlite_master)

    def users_by_email(self, batch_size: int = 1000) -> Iterator[list[dict[str, object]]]:
        """The users table in batches, ordered so that emails differing only in case are adjacent
        (SQLite sorts on disk, so case duplicates are found without holding the table)."""
        query = "SELECT * FROM users ORDER BY sixfb_email_key(email), id"
        yield from self._stream("users", query, batch_size)

    def _stream(self, table: str, query: str, batch_size: int) -> Iterator[list[dict[str, object]]]:
        try:
            cursor = self.conn.execute(query)
            while batch := cursor.fetchmany(batch_size):
                yield [dict(row) for row in batch]
        except sqlite3.DatabaseError as exc:
            raise LegacyFileError(f"{self.path}: reading table {table} failed ({exc}); the file is damaged.") from exc

    def archived_tables(self) -> list[str]:
        return [t for t in self.columns if t not in NOT_ARCHIVED and not t.startswith("sqlite_")]

    def close(self) -> None:
        self.conn.close()
        if self._tempdir is not None:
            self._tempdir.cleanup()

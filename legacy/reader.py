"""Opening a legacy database strictly read-only and checking that it is one.

A legacy file is untrusted input: its schema can make reading cost far more than its size (a
virtual generated column computing a gigabyte per row). So only declared columns are read, SQLite
runs no function the schema names unless it is harmless (``trusted_schema=OFF``), and no string or
BLOB may be longer than ``MAX_VALUE_BYTES``: a stored row holding a longer one is skipped and
reported, never read.
"""

from __future__ import annotations

import json
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
# Tables read for their meaning (the business ones by ``legacy.business``); every other table (except
# these) is archived row by row.
BUSINESS = ("barbershops", "business_hours", "services", "barbers", "customers", "appointments", "payments")
NOTIFICATIONS = ("notification_history", "notification_queue")
NOT_ARCHIVED = {
    *("users", "chat_history", "shop_profiles", "agents", "sessions", "sqlite_sequence"),
    *BUSINESS,
    *NOTIFICATIONS,
}
# SQLite's longest string or BLOB for this connection (its default is 1e9). Legacy chat replies and
# profiles are kilobytes; 1000 rows a batch of values this long still fit in memory.
MAX_VALUE_BYTES = 16 * 1024 * 1024
TOO_LONG = f"a value longer than {MAX_VALUE_BYTES // (1024 * 1024)} MiB"


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
        # table -> rowids of the rows holding a value over MAX_VALUE_BYTES (skipped; see _stream)
        self.too_long: dict[str, set[int]] = {}
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
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        conn.execute("PRAGMA trusted_schema=OFF")
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
        # Declared columns only: table_xinfo's ``hidden`` is 2 or 3 for a generated column (1: a
        # virtual table's hidden column), computed at each read from whatever the schema says.
        columns = {t: [r[1] for r in self.conn.execute(f"PRAGMA table_xinfo({ident(t)})") if r[6] == 0] for t in tables}
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
        yield from self._stream(table, order, batch_size)

    def users_by_email(self, batch_size: int = 1000) -> Iterator[list[dict[str, object]]]:
        """The users table in batches, ordered so that emails differing only in case are adjacent
        (SQLite sorts on disk, so case duplicates are found without holding the table)."""
        yield from self._stream("users", "sixfb_email_key(email), id", batch_size)

    def _stream(self, table: str, order: str, batch_size: int) -> Iterator[list[dict[str, object]]]:
        """The declared columns of ``table`` in ``order`` (rowid breaks ties). When SQLite refuses a
        value over MAX_VALUE_BYTES, the rows holding one are found, left out and the read resumed
        where it stopped: they end in ``too_long`` for the report."""
        columns = ", ".join(ident(c) for c in self.columns[table])
        order = order if order == "rowid" else f"{order}, rowid"
        done = 0
        while True:
            skip = sorted(self.too_long.get(table, ()))
            where = " WHERE rowid NOT IN (SELECT value FROM json_each(?))" if skip else ""
            query = f"SELECT {columns} FROM {ident(table)}{where} ORDER BY {order} LIMIT -1 OFFSET ?"  # noqa: S608 (names from sqlite_master)
            try:
                cursor = self.conn.execute(query, [json.dumps(skip)] * bool(skip) + [done])
                while batch := cursor.fetchmany(batch_size):
                    done += len(batch)
                    yield [dict(row) for row in batch]
                return
            except sqlite3.DatabaseError as exc:
                # A first "too big" finds the rows to leave out; any other error, or a second one, is damage.
                if getattr(exc, "sqlite_errorname", "") != "SQLITE_TOOBIG" or table in self.too_long:
                    raise LegacyFileError(
                        f"{self.path}: reading table {table} failed ({exc}); the file is damaged."
                    ) from exc
                self.too_long[table] = self._rows_too_long(table)

    def _rows_too_long(self, table: str) -> set[int]:
        """Rowids of the rows SQLite cannot read under MAX_VALUE_BYTES, probed one row at a time
        (this only runs after it refused one). Lengths are asked for, so no text is decoded twice."""
        lengths = ", ".join(f"length(CAST({ident(c)} AS BLOB))" for c in self.columns[table])
        probe = f"SELECT {lengths} FROM {ident(table)} WHERE rowid = ?"  # noqa: S608 (names from sqlite_master)
        found = set()
        for (rowid,) in self.conn.execute(f"SELECT rowid FROM {ident(table)}"):  # noqa: S608 (names from sqlite_master)
            try:
                self.conn.execute(probe, (rowid,)).fetchone()
            except sqlite3.DataError:
                found.add(rowid)
        return found

    def archived_tables(self) -> list[str]:
        return [t for t in self.columns if t not in NOT_ARCHIVED and not t.startswith("sqlite_")]

    def close(self) -> None:
        self.conn.close()
        if self._tempdir is not None:
            self._tempdir.cleanup()

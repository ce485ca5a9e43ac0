"""Django's PostgreSQL backend, with our check of pooled connections.

Django hands psycopg_pool its plain check (one round trip each time a connection leaves the pool).
After a database restart every idle connection is dead, and psycopg_pool finds them one checkout at
a time, waiting 0, 1, 2, 4... s between them: a process holding five or more idle connections lost
its first request to the pool timeout. This check empties the pool at the first dead connection it
finds, so the retry gets a new one at once; and it skips the round trip for a connection handed out
in the last second (a busy process pays nothing for the check, docs/benchmarks.md, chat overhead).
"""

from __future__ import annotations

import logging
import time
import weakref
from typing import Any

from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool

logger = logging.getLogger(__name__)

# A connection handed out less than this long ago is trusted without a round trip. A restart inside
# that window costs the request that meets the dead connection, as any query in flight at a restart.
TRUSTED_FOR_SECONDS = 1.0


class PoolCheck:
    """psycopg_pool's `check` callback: raise if a connection is dead, after emptying its pool."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = weakref.ref(pool)
        self.handed_out_at: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()

    def __call__(self, conn: Any) -> None:
        now = time.monotonic()
        last = self.handed_out_at.get(conn)
        if last is None or now - last >= TRUSTED_FOR_SECONDS:
            try:
                ConnectionPool.check_connection(conn)
            except Exception:
                self.handed_out_at.pop(conn, None)
                self.purge()
                raise
        self.handed_out_at[conn] = now

    def purge(self) -> None:
        """One dead connection means the server went away: test every idle one now, not per request."""
        pool = self.pool()
        if pool is not None:
            logger.warning("a pooled database connection was dead; checking the pool's idle connections")
            pool.check()


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self) -> ConnectionPool | None:
        pool = super().pool  # type: ignore[misc]  # Django 5.1+ has it; django-stubs does not declare it yet
        # Django builds the pool once per alias and passes `check` itself (a second `check` in
        # OPTIONS["pool"] is a TypeError), so ours replaces its callback once, here.
        if pool is not None and not isinstance(pool._check, PoolCheck):
            pool._check = PoolCheck(pool)
        return pool

    def _close(self) -> None:
        # A connection that broke in use (the server restarted) means its idle pool-mates are dead
        # too; test them now, so the next requests do not meet them one by one while they are still
        # inside the window in which a just-used connection is trusted unchecked.
        broken = (
            self.connection is not None and self.pool is not None and bool(getattr(self.connection, "broken", False))
        )
        super()._close()  # type: ignore[misc]  # Django has it; django-stubs does not declare it
        if broken:
            check = self.pool._check if self.pool is not None else None
            if isinstance(check, PoolCheck):
                check.purge()

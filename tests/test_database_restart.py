"""A PostgreSQL restart costs no request: the pool replaces the connections the restart killed.

A restart ends every client session with FATAL "terminating connection due to administrator
command". ``pg_terminate_backend`` does exactly that to the sessions of the test database (and only
those) while a real server process holds them in its pool; every request after it must answer 200.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tests.base import make_owner, session_cookie
from tests.servers import requires_shared_stack, running_servers

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a database restart concerns PostgreSQL and its connection pool; SQLite has neither",
    ),
    requires_shared_stack,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect to the login page would hide a lost session


def status_of(port: int, path: str, cookie: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
    try:
        with urllib.request.build_opener(_NoRedirects).open(request, timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# libpq's application name for the server under test: the restart is played on its sessions only,
# not on this test process's own (a later test's thread would inherit a dead connection).
SERVER_APP_NAME = "sixfb-under-restart-test"


def restart_as_clients_see_it() -> list[int]:
    """Terminate the server's sessions of the test database; return their pids once they are gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = %s",
            [SERVER_APP_NAME],
        )
        pids = [pid for pid, _terminated in cursor.fetchall()]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.1)
    return pids


def test_every_request_after_a_database_restart_answers_200():
    owner, _shop = make_owner()
    cookie = session_cookie(owner)
    with running_servers(1, command="uvicorn", env={"PGAPPNAME": SERVER_APP_NAME}) as (port,):
        # Requests at once make the server's pool open several connections and keep them idle.
        # psycopg_pool alone waits 0, 1, 2, 4, 8 s between dead connections found in one checkout,
        # so five or more dead ones used to cost a process its first request; our check empties
        # the pool at the first (sixfb/lib/postgres).
        with ThreadPoolExecutor(max_workers=8) as pool:
            warm = list(pool.map(lambda _: status_of(port, "/dashboard/", cookie), range(32)))
        assert warm == [200] * 32
        time.sleep(1.5)  # idle past the window in which a just-used connection is trusted unchecked

        killed = restart_as_clients_see_it()
        assert len(killed) >= 5, f"the server held {len(killed)} database sessions; the test needs five"

        after = [status_of(port, ("/healthz", "/dashboard/")[n % 2], cookie) for n in range(10)]
    connection.close()
    assert after == [200] * 10, f"{killed=} {after=}"

"""`make run` stops cleanly on Ctrl-C (SIGINT to its process group) or SIGTERM: no crash report from
make, an ordinary exit status, and none of the server, the task worker and the scheduler left running.

The real Makefile target on the test database (already migrated, so ``-o migrate`` skips the install
and migrate steps); like the other cross-process tests it needs PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import ROOT, free_port, requires_shared_stack, server_environment

pytestmark = [
    pytest.mark.skipif(shutil.which("make") is None or not Path("/proc").is_dir(), reason="needs make and /proc"),
    requires_shared_stack,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def processes_in_group(group: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _parent, process_group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, IndexError):
            continue  # ended while we looked
        if int(process_group) == group and state != "Z":
            members.append(int(stat.parent.name))
    return members


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""  # ended while we looked


def manage_commands(group: int) -> set[str]:
    """The ``manage.py`` commands running in the process group (``db_worker``, ``run_scheduler``, ...)."""
    commands = set()
    for pid in processes_in_group(group):
        words = command_line(pid).split()
        if "manage.py" in words and words.index("manage.py") + 1 < len(words):
            commands.add(words[words.index("manage.py") + 1])
    return commands


def wait_until_serving(port: int, make: subprocess.Popen, output: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert make.poll() is None, f"make run exited early:\n{output.read_text()[-3000:]}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"make run never served /healthz:\n{output.read_text()[-3000:]}")


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_make_run_stops_cleanly(tmp_path, stop_signal):
    port, output = free_port(), tmp_path / "make-run.log"
    with output.open("w") as log:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "-o", "migrate", "run", f"VENV={sys.prefix}", f"PORT={port}"],
            cwd=ROOT,
            env=server_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives it
        )
    try:
        wait_until_serving(port, make, output)
        deadline = time.monotonic() + 30
        while not {"db_worker", "run_scheduler", "runserver"} <= manage_commands(make.pid):
            assert time.monotonic() < deadline, (manage_commands(make.pid), output.read_text()[-3000:])
            time.sleep(0.2)
        os.killpg(make.pid, stop_signal)
        status = make.wait(timeout=60)
        # One CI run found a process of the group still there at 10 s and gone a moment later (which
        # one was not recorded; the worker finishing a task it had begun is the likely one): a slow
        # clean exit, so 30 s; a process left at 30 s is a real leak, now named in the message.
        deadline = time.monotonic() + 30
        while processes_in_group(make.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [command_line(pid) or f"pid {pid}, ended as we looked" for pid in processes_in_group(make.pid)]
    finally:
        if make.poll() is None or processes_in_group(make.pid):
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()
    text = output.read_text()
    assert "Segmentation fault" not in text, text[-3000:]
    # make re-raises the signal it got after its recipe ended: killed by it (-N) or exiting 128 + N.
    assert status in {0, -stop_signal, 128 + stop_signal}, (status, text[-3000:])
    assert left == [], f"still running: {left}"
    assert "scheduler: stopped" in text, text[-3000:]  # it ended through its own signal handler

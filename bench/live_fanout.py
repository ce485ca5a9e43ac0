"""Live-status fan-out: publish-to-receive latency on /ws/live/ for N connected browsers.

Starts nothing itself. Point it at one or more running servers (see docs/benchmarks.md for how
to start them on PostgreSQL and Redis, with one or two processes). It signs in as a shop member
(the websocket session), opens N sockets spread round-robin over the servers, then changes an
agent's status M times through the API with a staff token and measures, per delivered event,
receive time minus the event's "at" (the moment the change was saved; same machine clock).

    python bench/live_fanout.py --server http://127.0.0.1:8000 --email demo@6fb.local \
        --password demo-barber-2026 --token <staff DRF token> --clients 100 1000 --changes 20
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import resource
import statistics
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from leanws import login, open_socket, percentile

STATUSES = ["paused", "active"]


def set_status(server: str, token: str, agent: str, status: str) -> None:
    request = urllib.request.Request(
        f"{server}/api/v1/agents/{agent}/status",
        data=json.dumps({"status": status}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}", "X-Forwarded-Proto": "https"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


async def client(
    server: str,
    cookie: str,
    agent: str,
    latencies: list[float],
    ready: asyncio.Event,
    counter: dict,
    stop: asyncio.Event,
) -> None:
    def on_frame(received: float, event: dict) -> None:
        if event.get("type") == "agent.status" and event.get("agent") == agent:
            sent = dt.datetime.fromisoformat(event["at"]).timestamp()
            latencies.append((received - sent) * 1000)

    socket = await open_socket(server, "/ws/live/", cookie, on_frame)
    try:
        counter["connected"] += 1
        if counter["connected"] == counter["target"]:
            ready.set()
        await stop.wait()
    finally:
        socket.close()


async def run(servers: list[str], cookie: str, token: str, agent: str, clients: int, changes: int, gap: float) -> dict:
    latencies: list[float] = []
    ready, stop = asyncio.Event(), asyncio.Event()
    counter = {"connected": 0, "target": clients}
    tasks = []
    for i in range(clients):
        server = servers[i % len(servers)]
        tasks.append(asyncio.create_task(client(server, cookie, agent, latencies, ready, counter, stop)))
        if i % 50 == 49:
            await asyncio.sleep(0.05)  # do not stampede the accept queue
    try:
        await asyncio.wait_for(ready.wait(), 120)
    except TimeoutError:
        stop.set()
        raise SystemExit(f"only {counter['connected']} of {clients} sockets connected") from None
    await asyncio.sleep(1)
    for n in range(changes):
        await asyncio.to_thread(set_status, servers[n % len(servers)], token, agent, STATUSES[n % 2])
        await asyncio.sleep(gap)
    await asyncio.sleep(3)  # stragglers
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    expected = clients * changes
    return {
        "clients": clients,
        "changes": changes,
        "expected": expected,
        "received": len(latencies),
        "lost": expected - len(latencies),
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": percentile(latencies, 99),
        "max": max(latencies) if latencies else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", action="append", required=True, help="a running server (repeat for several)")
    parser.add_argument("--email", required=True, help="a shop member whose session the sockets use")
    parser.add_argument("--password", required=True)
    parser.add_argument("--token", required=True, help="a staff user's API token (manage.py drf_create_token)")
    parser.add_argument("--agent", default="business_coach")
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--gap", type=float, default=0.25, help="seconds between two status changes")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    servers = [s.rstrip("/") for s in args.server]
    cookie = login(servers[0], args.email, args.password)
    print(f"servers: {', '.join(servers)}; agent {args.agent}; {args.changes} changes, {args.gap}s apart")
    print(f"{'clients':>8} {'events':>8} {'lost':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for clients in args.clients:
        result = asyncio.run(run(servers, cookie, args.token, args.agent, clients, args.changes, args.gap))
        print(
            f"{result['clients']:>8} {result['received']:>8} {result['lost']:>6} "
            f"{result['p50']:>8.1f} {result['p99']:>8.1f} {result['max']:>8.1f}"
        )
    # Leave the agent as it was found.
    set_status(servers[0], args.token, args.agent, "active")


if __name__ == "__main__":
    main()

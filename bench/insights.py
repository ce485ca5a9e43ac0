"""The owner's dashboard and the operators' cost dashboard on a year of data: server time per page,
and the time of the daily cost rollup.

Generates, on PostgreSQL, 200 shops (4 barbers, 6 services, 500 customers each), 500,000
appointments over the past year (with payments for the completed ones) and 1,000,000 chat messages
(half of them answers with model, tokens, cost and time to first token; some stopped, some errored),
with set-based SQL so generation takes minutes, not hours. Then it rolls the costs up (timed, as the
daily task does it for a year of days), and requests each page through Django's test client in this
process, signed in, many times over different shops and periods, printing p50/p95/max server time
and the queries per page.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres   # any database on the server
    .venv/bin/python bench/insights.py [--shops 200] [--appointments 500000] [--messages 1000000]
                                       [--requests 200] [--keep] [--reuse]

The script creates the database ``sixfb_insights_bench`` (dropped first unless --reuse, and after
the run unless --keep). Target: each page ≤ 150 ms p95 server time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import drop_postgres, fresh_postgres, is_postgres  # noqa: E402  (after the path)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sixfb.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

BENCH_DB = "sixfb_insights_bench"
BARBERS, SERVICES, CUSTOMERS, CONVERSATIONS = 4, 6, 500, 50


def use_own_database(url: str, *, reuse: bool) -> tuple[str, str]:
    if not is_postgres(url):
        sys.exit("bench/insights.py needs DATABASE_URL pointing at PostgreSQL.")
    return fresh_postgres(url, BENCH_DB, reuse=reuse)


def drop_own_database(admin: str) -> None:
    drop_postgres(admin, BENCH_DB)


def seed_shops(count: int) -> None:
    """Shops, owners, barbers with shifts, services and customers, through the ORM (small tables)."""
    import datetime as dt
    from decimal import Decimal

    from bookings.models import Barber, Customer, Service, Shift
    from sixfb.models import User
    from sixfb.services import shop_create

    for n in range(count):
        owner = User.objects.create_user(email=f"owner{n}@bench.example", password="bench-password-0123")
        shop = shop_create(owner=owner, name=f"Bench Shop {n}")
        barbers = Barber.objects.bulk_create(
            [Barber(shop=shop, name=f"Barber {b}", position=b) for b in range(BARBERS)]
        )
        Shift.objects.bulk_create(
            [
                Shift(barber=barber, weekday=day, start=dt.time(9), end=dt.time(18))
                for barber in barbers
                for day in range(6)
            ]
        )
        services = Service.objects.bulk_create(
            [
                Service(shop=shop, name=f"Service {s}", duration_minutes=30 + 15 * (s % 3), price=Decimal(25 + 5 * s))
                for s in range(SERVICES)
            ]
        )
        for service in services:
            service.barbers.set(barbers)
        Customer.objects.bulk_create(
            [
                Customer(shop=shop, name=f"Customer {c}", phone=f"+1212555{n % 10}{c:03d}" if c < 1000 else "")
                for c in range(CUSTOMERS)
            ]
        )


def seed_appointments(cursor, per_shop: int) -> None:
    """Per barber, two a day (10-13 h and 14-17 h, UTC) back from ten days ahead: none overlap, statuses
    mixed (5 % cancelled, ~4 % no-show, the future confirmed, the rest completed), payments for the
    completed."""
    per_barber = per_shop // BARBERS
    cursor.execute(
        """
        CREATE TEMP TABLE b AS SELECT id, shop_id, row_number() OVER (PARTITION BY shop_id ORDER BY id) - 1 AS n
          FROM bookings_barber;
        CREATE TEMP TABLE s AS SELECT id, shop_id, name, price, duration_minutes,
               row_number() OVER (PARTITION BY shop_id ORDER BY id) - 1 AS n FROM bookings_service;
        CREATE TEMP TABLE c AS SELECT id, shop_id, row_number() OVER (PARTITION BY shop_id ORDER BY id) - 1 AS n
          FROM bookings_customer;
        CREATE INDEX ON s (shop_id, n);
        CREATE INDEX ON c (shop_id, n);
        """
    )
    cursor.execute(
        f"""
        INSERT INTO bookings_appointment (id, service_name, price, duration_minutes, buffer_after_minutes,
            start, "end", blocked_until, status, source, notes, cancellation_reason, idempotency_key,
            created_at, updated_at, status_changed_at, created_by_id, shop_id, barber_id, customer_id, service_id)
        SELECT gen_random_uuid(), s.name, s.price, s.duration_minutes, 0,
               t.start, t.start + s.duration_minutes * interval '1 minute',
               t.start + s.duration_minutes * interval '1 minute',
               CASE WHEN t.start > now() THEN 'confirmed'
                    WHEN g.i % 20 = 0 THEN 'cancelled'
                    WHEN g.i % 23 = 0 THEN 'no_show'
                    ELSE 'completed' END,
               CASE WHEN g.i % 3 = 0 THEN 'online' ELSE 'staff' END, '', '', '',
               t.start - interval '3 days', now(), t.start, NULL, b.shop_id, b.id, c.id, s.id
          FROM b
         CROSS JOIN generate_series(1, {per_barber}) AS g(i)
         CROSS JOIN LATERAL (SELECT date_trunc('day', now()) + interval '10 days' - (g.i / 2) * interval '1 day'
                                    + (10 + (g.i % 2) * 4 + (g.i + b.n) % 3) * interval '1 hour' AS start) AS t
          JOIN s ON s.shop_id = b.shop_id AND s.n = (g.i + b.n) % {SERVICES}
          JOIN c ON c.shop_id = b.shop_id AND c.n = (g.i * 7 + b.n * 131) % {CUSTOMERS}
        """
    )
    cursor.execute(
        """
        INSERT INTO bookings_payment (id, amount, method, paid_at, appointment_id, recorded_by_id, shop_id)
        SELECT gen_random_uuid(), price, 'card', "end", id, NULL, shop_id
          FROM bookings_appointment WHERE status = 'completed'
        """
    )


def seed_messages(cursor, per_shop: int) -> None:
    """Conversations with the owner, alternating question and answer, spread over the past year."""
    per_conversation = max(2, per_shop // CONVERSATIONS)
    step_minutes = max(1, 365 * 24 * 60 // per_shop)
    cursor.execute(
        f"""
        INSERT INTO chat_conversation (uuid, title, deleted_at, created_at, updated_at, agent_id, shop_id, user_id)
        SELECT gen_random_uuid(), 'Bench ' || g.j, NULL, now() - interval '365 days', now(),
               a.id, m.shop_id, m.user_id
          FROM sixfb_membership m
         CROSS JOIN generate_series(0, {CONVERSATIONS - 1}) AS g(j)
         CROSS JOIN LATERAL (SELECT id FROM agents_agent ORDER BY id OFFSET g.j % (SELECT count(*) FROM agents_agent)
                             LIMIT 1) AS a
         WHERE m.role = 'owner'
        """
    )
    cursor.execute(
        f"""
        INSERT INTO chat_message (uuid, role, content, status, superseded, model, prompt_tokens,
            completion_tokens, usage_estimated, cost_usd, time_to_first_token_ms, duration_ms,
            finish_reason, error_code, created_at, updated_at, conversation_id, shop_id, lease_expires_at)
        SELECT gen_random_uuid(),
               CASE WHEN g.k % 2 = 0 THEN 'user' ELSE 'assistant' END,
               'bench message ' || g.k,
               CASE WHEN g.k % 2 = 0 THEN 'complete'
                    WHEN x.h % 29 = 1 THEN 'stopped'
                    WHEN x.h % 41 = 1 THEN 'error'
                    ELSE 'complete' END,
               false,
               CASE WHEN g.k % 2 = 0 THEN '' WHEN x.h % 3 = 0 THEN 'gpt-4o' ELSE 'gpt-4o-mini' END,
               CASE WHEN g.k % 2 = 1 THEN 400 + (g.k * 37) % 900 END,
               CASE WHEN g.k % 2 = 1 THEN 100 + (g.k * 53) % 600 END,
               g.k % 2 = 1 AND x.h % 29 = 1,
               CASE WHEN g.k % 2 = 1 THEN ((400 + (g.k * 37) % 900) * 0.15 + (100 + (g.k * 53) % 600) * 0.6)
                                          / 1000000 END,
               CASE WHEN g.k % 2 = 1 AND x.h % 41 <> 1 THEN 250 + (g.k * 71) % 1200 END,
               CASE WHEN g.k % 2 = 1 THEN 1500 + (g.k * 97) % 6000 END,
               CASE WHEN g.k % 2 = 1 AND x.h % 41 <> 1 THEN 'stop' ELSE '' END,
               CASE WHEN g.k % 2 = 1 AND x.h % 41 = 1 AND x.h % 29 <> 1
                    THEN (ARRAY['rate_limited', 'upstream_timeout', 'bad_response'])[1 + x.h % 3] ELSE '' END,
               ts.at, ts.at, cv.id, cv.shop_id, NULL
          FROM (SELECT id, shop_id, row_number() OVER (PARTITION BY shop_id ORDER BY id) - 1 AS j
                  FROM chat_conversation) AS cv
         CROSS JOIN generate_series(0, {per_conversation - 1}) AS g(k)
         CROSS JOIN LATERAL (SELECT g.k + cv.j AS h) AS x
         CROSS JOIN LATERAL (SELECT now() - ((({per_conversation} - g.k) * {CONVERSATIONS} + cv.j)
                                    * {step_minutes}) * interval '1 minute' AS at) AS ts
        """
    )


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def timed_get(client, page: str, label: str, times: list[float], queries: list[int]) -> None:
    """One request: its whole time in ms and its query count appended; anything but 200 stops the run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(page)
        times.append((time.perf_counter() - started) * 1000)
    queries.append(len(captured))
    if response.status_code != 200:
        sys.exit(f"{label}: {page} answered {response.status_code}")


def report(label: str, times: list[float], queries: list[int]) -> None:
    print(
        f"{label}: {len(times)} requests  p50 {statistics.median(times):.1f} ms  p95 {percentile(times, 95):.1f} ms"
        f"  max {max(times):.1f} ms  queries/page {min(queries)}-{max(queries)}"
    )


def time_pages(client, urls: list[str], label: str) -> None:
    times: list[float] = []
    queries: list[int] = []
    for url in urls:
        timed_get(client, url, label, times, queries)
    report(label, times, queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shops", type=int, default=200)
    parser.add_argument("--appointments", type=int, default=500_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per page kind")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the kept database, skip generation")
    args = parser.parse_args()

    admin, url = use_own_database(os.environ.get("DATABASE_URL", ""), reuse=args.reuse)
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from sixfb import flags
    from sixfb.models import Flag, Shop, User

    if not args.reuse:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        with transaction.atomic():
            seed_shops(args.shops)
        with connection.cursor() as cursor:
            seed_appointments(cursor, args.appointments // args.shops)
            seed_messages(cursor, args.messages // args.shops)
            cursor.execute("ANALYZE")
        print(f"generated in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        for table in ("sixfb_shop", "bookings_appointment", "bookings_payment", "chat_message"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            print(f"{table}: {cursor.fetchone()[0]:,} rows")

    from django.test.utils import override_settings

    from insights.costs.services import costs_rollup

    started = time.perf_counter()
    with override_settings(COST_ROLLUP_BACKFILL_DAYS=366):
        done = costs_rollup()
    print(f"cost rollup, a year of days ({len(done)}): {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    done = costs_rollup()
    print(f"cost rollup, the hourly run ({len(done)} days: today and yesterday): {time.perf_counter() - started:.2f} s")

    # Every shop in the new dashboard, so the owner page measured is the new one.
    Flag.objects.filter(name=flags.NEW_DASHBOARD).update(everyone=True)
    shops = list(Shop.objects.order_by("pk"))
    owner_urls, dashboard_urls = [], []
    # Production settings redirect plain HTTP and hash static names: ask over HTTPS, name files plainly.
    client = Client(HTTP_X_FORWARDED_PROTO="https")  # as behind the TLS proxy (SECURE_PROXY_SSL_HEADER)
    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}).enable()
    for n in range(args.requests):
        shop = shops[n % len(shops)]
        owner_urls.append((shop, f"/insights/?days={(7, 30, 90)[n % 3]}"))
        dashboard_urls.append((shop, "/dashboard/"))

    for label, pairs in (("owner /insights/", owner_urls), ("owner /dashboard/ (new)", dashboard_urls)):
        grouped: dict[int, list[str]] = {}
        for shop, page in pairs:
            grouped.setdefault(shop.pk, []).append(page)
        measure_as_owners(client, grouped, label)

    staff = User.objects.filter(email="staff@bench.example").first() or User.objects.create_user(
        email="staff@bench.example", password="bench-password-0123", is_staff=True
    )
    client.force_login(staff)
    cost_urls = [f"/staff/costs/?days={(7, 30, 90)[n % 3]}" for n in range(args.requests)]
    client.get(cost_urls[0])
    time_pages(client, cost_urls, "staff /staff/costs/")

    if not args.keep:
        from django.db import connections

        connections.close_all()
        drop_own_database(admin)


def measure_as_owners(client, grouped: dict[int, list[str]], label: str) -> None:
    """Time every request, signing in as each shop's owner between (sign-in not timed)."""
    from sixfb.models import User

    times: list[float] = []
    queries: list[int] = []
    for shop_pk, pages in grouped.items():
        owner = User.objects.get(memberships__shop_id=shop_pk, memberships__role="owner")
        client.force_login(owner)
        client.get(pages[0])  # the first request of a session pays for the session row
        for page in pages:
            timed_get(client, page, label, times, queries)
    report(f"{label} over {len(grouped)} shops", times, queries)


if __name__ == "__main__":
    main()

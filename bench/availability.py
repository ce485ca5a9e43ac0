"""Availability and booking under contention, on a database of its own.

(a) A 3-barber shop with 2,000 appointments over the next 30 days: p50/p99 of
    ``bookings.selectors.availability`` for one week and one service (anyone, then one barber),
    and the queries one call runs. Target: p99 <= 20 ms.
(b) PostgreSQL only: N clients (threads, each with its own database connection) race for the same
    10 slots of one barber through ``bookings.services.appointment_book``; prints bookings made,
    refusals by code, elapsed time, and the proof that no live appointments of a barber overlap.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres   # any database on the server
    .venv/bin/python bench/availability.py [--runs 200] [--clients 20] [--slots 10] [--rounds 5]

The script creates the database ``sixfb_availability_bench`` on that server (dropped first, and
after the run unless --keep). Without a PostgreSQL URL it runs (a) on a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.database import drop_postgres, fresh_postgres, is_postgres

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sixfb.settings")
# Debug off: with it on, Django records every query, which the timings would carry.
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
if TYPE_CHECKING:
    from bookings.models import Barber, Customer, Service
    from sixfb.models import Shop

BENCH_DB = "sixfb_availability_bench"
OPEN_ALL_DAY = {"closed": False, "open": "08:00", "close": "20:00"}


def use_own_database(url: str) -> tuple[str | None, str]:
    """Point DATABASE_URL at a fresh bench database on the same server; (admin url, bench url)."""
    if not is_postgres(url):
        path = Path(tempfile.mkdtemp()) / "availability.sqlite3"
        return None, f"sqlite:///{path}"
    return fresh_postgres(url, BENCH_DB)


def drop_own_database(admin: str) -> None:
    drop_postgres(admin, BENCH_DB)


def build_shop(appointments: int, days: int, rnd: random.Random) -> tuple[Shop, list[Barber], list[Service], dt.date]:
    """A shop open 08:00-20:00 every day, 3 barbers, 3 services and ``appointments`` over ``days``."""
    from bookings.availability import BarberCalendar, working_intervals
    from bookings.models import Appointment, Customer
    from bookings.services import barber_create, service_create
    from sixfb.models import WEEKDAYS, User
    from sixfb.services import shop_create, shop_update

    owner = User.objects.create_user(email="owner@bench.test", password="bench-password-0")
    shop = shop_create(owner=owner, name="Bench Cuts")
    shop_update(shop=shop, business_hours={day: OPEN_ALL_DAY for day in WEEKDAYS})
    barbers = [barber_create(shop=shop, name=name, position=i) for i, name in enumerate(["Ari", "Bo", "Cy"])]
    services = [
        service_create(shop=shop, name=name, duration_minutes=minutes, price=price, buffer_after_minutes=buffer)
        for name, minutes, price, buffer in [("Cut", 20, "30", 0), ("Fade", 30, "40", 5), ("Beard", 15, "20", 0)]
    ]
    customers = Customer.objects.bulk_create(
        Customer(shop=shop, name=f"Customer {i}", phone=f"+1212555{i:04d}") for i in range(300)
    )
    # Pack every barber-day back to back on the 15-minute grid, then keep a random ``appointments``.
    first_day = dt.date.today() + dt.timedelta(days=1)
    slots = []
    for barber in barbers:
        calendar = BarberCalendar(barber=barber, shifts={}, days_off=[])
        for offset in range(days):
            for opens, closes in working_intervals(shop, calendar, first_day + dt.timedelta(days=offset)):
                cursor = opens
                while True:
                    service = rnd.choice(services)
                    if cursor + dt.timedelta(minutes=service.duration_minutes) > closes:
                        break
                    slots.append((barber, service, cursor))
                    blocked = service.duration_minutes + service.buffer_after_minutes
                    cursor += dt.timedelta(minutes=-(-blocked // 15) * 15)
    rows = []
    for barber, service, start in rnd.sample(slots, min(appointments, len(slots))):
        end = start + dt.timedelta(minutes=service.duration_minutes)
        rows.append(
            Appointment(
                shop=shop,
                customer=rnd.choice(customers),
                barber=barber,
                service=service,
                service_name=service.name,
                price=service.price,
                duration_minutes=service.duration_minutes,
                buffer_after_minutes=service.buffer_after_minutes,
                start=start,
                end=end,
                blocked_until=end + dt.timedelta(minutes=service.buffer_after_minutes),
            )
        )
    Appointment.objects.bulk_create(rows, batch_size=1000)
    print(f"shop: 3 barbers, {len(rows)} appointments over {days} days from {first_day} ({len(slots)} could fit)")
    return shop, barbers, services, first_day


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def bench_availability(shop: Shop, service: Service, barber: Barber | None, first_day: dt.date, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bookings import selectors

    last_day = first_day + dt.timedelta(days=6)
    label = f"one barber ({barber.name})" if barber else "anyone (3 barbers)"

    def call() -> int:
        return len(
            selectors.availability(shop=shop, service=service, barber=barber, first_day=first_day, last_day=last_day)
        )

    for _ in range(5):
        call()  # warm: the first calls load the time zone, settings and query compilers
    with CaptureQueriesContext(connection) as queries:
        slots = call()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    print(
        f"availability, {service.name} ({service.duration_minutes} min), {first_day}..{last_day}, {label}: "
        f"{slots} free starts, {len(queries)} queries; {runs} runs: p50 {statistics.median(timings):.1f} ms, "
        f"p99 {percentile(timings, 99):.1f} ms, max {max(timings):.1f} ms"
    )


def race(
    shop: Shop,
    service: Service,
    barber: Barber,
    customers: list[Customer],
    day: dt.date,
    slots: int,
    rnd: random.Random,
) -> dict[str, Any]:
    """``clients`` threads, each trying every one of the same ``slots`` starts (in its own order)."""
    from django.db import connection

    from bookings.errors import BookingError
    from bookings.services import appointment_book

    tz = shop.tzinfo
    starts = [dt.datetime.combine(day, dt.time(9), tzinfo=tz) + dt.timedelta(minutes=30 * i) for i in range(slots)]
    clients = len(customers)
    orders = [rnd.sample(starts, len(starts)) for _ in range(clients)]
    outcomes: Counter[str] = Counter()
    lock, gate = threading.Lock(), threading.Barrier(clients + 1)

    def client(i: int) -> None:
        connection.ensure_connection()  # before the gate: connecting is not booking
        gate.wait()
        for start in orders[i]:
            try:
                appointment_book(shop=shop, service=service, start=start, customer=customers[i], barber=barber)
                outcome = "booked"
            except BookingError as exc:
                outcome = exc.code
            with lock:
                outcomes[outcome] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {"outcomes": outcomes, "elapsed": elapsed, "starts": starts}


OVERLAPS = """
SELECT count(*) FROM bookings_appointment a JOIN bookings_appointment b
  ON a.barber_id = b.barber_id AND a.id < b.id
 WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
   AND a.start < b.blocked_until AND b.start < a.blocked_until
"""


def bench_race(
    shop: Shop, service: Service, barber: Barber, first_free_day: dt.date, args: argparse.Namespace, rnd: random.Random
) -> None:
    from django.db import connection

    from bookings.models import Appointment, Customer

    customers = Customer.objects.bulk_create(
        Customer(shop=shop, name=f"Racer {i}", phone=f"+1646555{i:04d}") for i in range(args.clients)
    )
    total: Counter[str] = Counter()
    for round_ in range(args.rounds):
        day = first_free_day + dt.timedelta(days=round_)
        result = race(shop, service, barber, customers, day, args.slots, rnd)
        outcomes = result["outcomes"]
        total += outcomes
        per_slot = Counter(
            Appointment.objects.live().filter(barber=barber, start__in=result["starts"]).values_list("start", flat=True)
        )
        attempts = sum(outcomes.values())
        print(
            f"race {round_ + 1}: {args.clients} clients x {args.slots} slots = {attempts} attempts in "
            f"{result['elapsed'] * 1000:.0f} ms ({attempts / result['elapsed']:.0f} attempts/s): "
            f"{dict(outcomes)}; live bookings per slot {sorted(per_slot.values())}"
        )
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        overlaps = cursor.fetchone()[0]
    live = Appointment.objects.live().filter(shop=shop).count()
    print(f"races total: {dict(total)}")
    print(f"proof: {overlaps} pairs of live appointments of one barber overlap, among {live} live appointments")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appointments", type=int, default=2000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    args = parser.parse_args()

    admin, url = use_own_database(os.environ.get("DATABASE_URL", ""))
    os.environ["DATABASE_URL"] = url
    # Every racing client holds a connection of its own.
    os.environ.setdefault("DATABASE_POOL_MAX_SIZE", str(args.clients + 5))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    call_command("migrate", verbosity=0)
    rnd = random.Random(15)
    shop, barbers, services, first_day = build_shop(args.appointments, args.days, rnd)
    week = first_day + dt.timedelta(days=7)
    bench_availability(shop, services[0], None, week, args.runs)
    bench_availability(shop, services[0], barbers[0], week, args.runs)
    if connection.vendor == "postgresql":
        bench_race(shop, services[0], barbers[1], first_day + dt.timedelta(days=args.days + 1), args, rnd)
    else:
        print("race: skipped (needs DATABASE_URL pointing at PostgreSQL)")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    connection.close()
    if admin is not None and not args.keep:
        drop_own_database(admin)


if __name__ == "__main__":
    main()

"""Notifications through real workers: throughput, trigger-to-sent latency, and the proof that none is
lost and none is sent twice when a worker is killed half-way.

N notifications (default 10,000) for a shop's customers and staff, mixed channels (in-app, email,
SMS), are triggered through ``notifications.services.notify.notify`` while 2 ``manage.py db_worker``
processes send them: email over SMTP to a fake server on loopback (aiosmtpd), SMS over HTTP to a
fake Twilio on loopback. When half of the email and SMS deliveries are sent, one worker is killed
(SIGKILL); the sweep (run here every 2 s, as the scheduler runs it every minute) takes its delivery
back once the lease (4 s here, ``tests/settings_worker.py``) is over, and the other worker
finishes. Prints throughput, p50/p99 from trigger to sent, and what each fake received against
what the database says was sent.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres   # any database on the server
    .venv/bin/python bench/notifications.py [--count 10000] [--workers 2] [--no-kill]

PostgreSQL only. The script creates the database ``sixfb_notifications_bench`` (dropped first, and
after the run unless --keep).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import drop_postgres, fresh_postgres, is_postgres  # noqa: E402  (after the path)

# The real settings with a 4-second send lease (tests/settings_worker.py), so the killed worker's
# delivery is taken back in seconds rather than the production two minutes.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings_worker")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")

BENCH_DB = "sixfb_notifications_bench"


def use_own_database(url: str) -> tuple[str, str]:
    if not is_postgres(url):
        sys.exit("bench/notifications.py needs DATABASE_URL pointing at PostgreSQL (workers share it).")
    return fresh_postgres(url, BENCH_DB)


def drop_own_database(admin: str) -> None:
    drop_postgres(admin, BENCH_DB)


def start_worker(env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
    # Its log goes to a file: a pipe nobody reads fills up and stops the worker (one line per task).
    log = open(Path(tempfile.gettempdir()) / f"{name}.log", "wb")  # noqa: SIM115 - closed when the process ends
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--worker-id", name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def build_recipients(customers: int):
    from bookings.models import Customer
    from sixfb.models import User
    from sixfb.services import shop_create

    owner = User.objects.create_user(email="owner@bench.test", password="bench-password-0", full_name="Olive Owner")
    shop = shop_create(owner=owner, name="Bench Cuts")
    now = dt.datetime.now(dt.UTC)
    people = Customer.objects.bulk_create(
        Customer(
            shop=shop,
            name=f"Customer {n}",
            email=f"c{n}@bench.test",
            phone=f"+1212555{n:04d}",
            sms_consent_at=now,
            email_consent_at=now,
        )
        for n in range(customers)
    )
    return shop, owner, people


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-kill", action="store_true", help="Do not kill a worker half-way.")
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    args = parser.parse_args()

    from tests.fakes.smtp import FakeSMTP
    from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

    admin, url = use_own_database(os.environ.get("DATABASE_URL", ""))
    smtp = FakeSMTP().start()
    twilio = FakeTwilio().start()
    settings_env = {
        "DATABASE_URL": url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_USE_TLS": "false",
        "SMS_PROVIDER": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": "+12125550100",
        "TWILIO_API_BASE": twilio.url,
    }
    os.environ.update(settings_env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from notifications.models import Delivery, Notification
    from notifications.services import deliveries
    from notifications.services.notify import notify

    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    call_command("migrate", verbosity=0)
    # One customer per customer notification: each kind's dedupe is per recipient.
    customer_count = args.count * 3 // 4
    shop, owner, people = build_recipients(customer_count)
    env = {**os.environ, **settings_env}
    workers = [start_worker(env, f"bench-{n}") for n in range(args.workers)]

    started = time.perf_counter()
    # A campaign (email and SMS, both consented): a booking kind would be skipped as obsolete at send
    # time, since the bench makes no appointments behind its notifications.
    campaign = {
        "subject": "Winter special",
        "text": "20% off beard trims this week.",
        "book_url": "http://127.0.0.1:8000/book/bench-cuts/",
    }
    for n in range(args.count):
        if n < customer_count:  # email + SMS to a customer
            notify(shop=shop, kind="campaign", customer=people[n], dedupe_key=f"bench:{n}", payload=campaign)
        else:  # in-app + email to the owner
            notify(shop=shop, kind="welcome", user=owner, dedupe_key=f"bench:{n}", payload={})
    triggered = time.perf_counter() - started
    outbound = Delivery.objects.exclude(channel="in_app").filter(status__in=["queued", "sending", "sent"])
    expected = outbound.count()
    print(f"triggered {args.count} notifications ({expected} email/SMS deliveries) in {triggered:.1f} s")

    killed = False
    last_sweep = 0.0
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline:
        sent = Delivery.objects.exclude(channel="in_app").filter(status="sent").count()
        if not killed and not args.no_kill and sent >= expected // 2:
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
            killed = True
            print(f"killed worker bench-0 with {sent} of {expected} sent")
        if killed and time.monotonic() - last_sweep > 2:
            swept = deliveries.deliveries_sweep()
            last_sweep = time.monotonic()
            if swept["taken_back"]:
                print("sweep:", swept)
        if sent >= expected:
            break
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    for worker in workers[1:] if killed else workers:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    statuses = Counter(Delivery.objects.values_list("channel", "status"))
    print("deliveries:", dict(sorted(statuses.items())))
    latencies = [
        (d.sent_at - d.notification.created_at).total_seconds() * 1000
        for d in Delivery.objects.exclude(channel="in_app").filter(status="sent").select_related("notification")
        if d.sent_at is not None
    ]
    sent_total = len(latencies)
    print(
        f"sent {sent_total} email/SMS in {elapsed:.1f} s from the first trigger: {sent_total / elapsed:.0f} per second"
    )
    if latencies:
        print(f"trigger to sent: p50 {statistics.median(latencies):.0f} ms, p99 {percentile(latencies, 99):.0f} ms")

    email_ids = Counter(str(m["Message-ID"]).strip("<>").split("@")[0] for m in smtp.messages)
    sms_to = Counter(m["To"] for m in twilio.messages)  # one text per customer: a number twice is a duplicate
    sent_email = {
        str(pk) for pk in Delivery.objects.filter(channel="email", status="sent").values_list("pk", flat=True)
    }
    sms_sent = Delivery.objects.filter(channel="sms", status="sent").count()
    print(
        f"email: {len(smtp.messages)} received by the fake SMTP for {len(sent_email)} sent; "
        f"duplicates {sum(1 for c in email_ids.values() if c > 1)}; "
        f"missing {len(sent_email - set(email_ids))}"
    )
    print(
        f"sms: {len(twilio.messages)} received by the fake Twilio for {sms_sent} sent; "
        f"duplicates {sum(1 for c in sms_to.values() if c > 1)}"
    )
    lost = Delivery.objects.exclude(channel="in_app").exclude(status__in=["sent", "skipped"]).count()
    print(f"lost (not sent, not skipped): {lost}; notifications: {Notification.objects.count()}")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    smtp.stop()
    twilio.stop()
    connection.close()
    if not args.keep:
        drop_own_database(admin)


if __name__ == "__main__":
    main()

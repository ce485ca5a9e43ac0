"""``import_legacy_sqlite`` on the legacy business tables: they become the owner's shop's services,
barbers, customers, appointments and payments, from a dirty file, idempotently, and rows archived by
earlier runs are promoted rather than duplicated."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bookings.models import Appointment, Barber, Customer, Payment, Service
from legacy import archive
from legacy.importer import Importer
from legacy.models import LegacyRecord
from legacy.tests.legacy_db import build_legacy_db, dirty_business, run_import, sha256_legacy
from sixfb.models import Membership, Shop

pytestmark = pytest.mark.django_db

USERS = [
    {"id": 1, "email": "test@example.com", "password_hash": sha256_legacy("pw"), "shop_name": "Test"},
    {"id": 2, "email": "mike@shop.com", "password_hash": sha256_legacy("pw"), "shop_name": "Mike's Cuts"},
]
MODELS = (Service, Barber, Customer, Appointment, Payment)


def table_line(out: str, table: str) -> list[str]:
    """read, created, updated, unchanged, skipped, archived from the report's row for ``table``."""
    return next(x for x in out.splitlines() if x.startswith(f"{table} ")).split()[1:]


def counts() -> tuple[int, ...]:
    return (*(m.objects.count() for m in MODELS), LegacyRecord.objects.count())


@pytest.fixture
def legacy_file(tmp_path):
    return build_legacy_db(tmp_path / "agent_system.db", users=USERS, business=dirty_business())


@pytest.fixture
def mikes():
    return lambda: Shop.objects.get(memberships__user__email="mike@shop.com")


def test_business_rows_become_the_owners_shops_bookings_data(legacy_file, mikes):
    code, out = run_import(legacy_file)

    assert code == 0, out
    shop = mikes()
    # barbershops: the real owner's shop gets the empty fields; the test and unknown owners are reported
    assert shop.address == "1 Main St, Springfield, IL 62701"
    assert shop.phone == "+1 217 555 0100"
    assert shop.email == "mike@shop.com"  # it had one: kept
    assert "barbershops#bs-test: owner_id '1' is a test user (test@example.com)" in out
    assert "barbershops#bs-ghost: owner_id '99' matches no imported user" in out
    assert LegacyRecord.objects.get(source_table="barbershops", source_id="bs-ghost").archived
    # business_hours: the first opening to the last closing of the day; 9am and 3:30 PM read
    assert shop.business_hours["monday"] == {"closed": False, "open": "09:00", "close": "20:00"}
    assert shop.business_hours["saturday"] == {"closed": False, "open": "09:00", "close": "15:30"}
    assert shop.business_hours["sunday"]["closed"] is True
    assert "business_hours#5: kept archived: no readable weekday" in out

    services = {s.name: s for s in Service.objects.filter(shop=shop)}
    assert (services["Beard Trim"].price, services["Beard Trim"].duration_minutes) == (Decimal("16.00"), 20)
    assert services["Hot towel shave"].duration_minutes == 30  # 0 is not a duration
    assert services["Kids cut"].price == Decimal("0.00")
    assert "services#s4: price 'garbage' is not money" in out
    assert services["Mystery cut"].active is False  # named only by an appointment
    assert set(services["Fade"].barbers.values_list("name", flat=True)) == {"mike", "Sam"}

    mike_barber = Barber.objects.get(shop=shop, name="mike")
    assert mike_barber.membership == Membership.objects.get(shop=shop, user__email="mike@shop.com")
    placeholder = Barber.objects.get(shop=shop, is_placeholder=True)
    assert (placeholder.name, placeholder.active) == ("Unknown barber", False)

    # customers: phones in E.164, duplicates by email case are one customer, the invalid phone kept in notes
    ann = Customer.objects.get(shop=shop, phone="+12175550134")
    assert (ann.name, ann.email) == ("Ann", "Ann@example.com")
    records = LegacyRecord.objects.filter(source_table="customers", source_id__in=["c1", "c2"])
    assert set(records.values_list("target_id", flat=True)) == {str(ann.pk)}
    bob = Customer.objects.get(shop=shop, name="Bob")
    assert bob.phone == "" and "call me maybe" in bob.notes
    assert "customers#c3: phone 'call me maybe' is not a valid number" in out
    assert Customer.objects.get(shop=shop, name="Cy").phone == "+442079460958"
    assert Customer.objects.filter(shop=shop).count() == 3

    by_id = {
        r.source_id: Appointment.objects.filter(pk=r.target_id).first() if r.target_id else None
        for r in LegacyRecord.objects.filter(source_table="appointments")
    }
    a1 = by_id["a1"]
    assert (a1.status, a1.price, a1.source, a1.customer) == ("completed", Decimal("25.00"), "legacy", ann)
    assert (a1.start, a1.end) == (datetime(2024, 3, 1, 10, tzinfo=UTC), datetime(2024, 3, 1, 10, 30, tzinfo=UTC))
    assert a1.created_at == datetime(2024, 2, 20, 8, tzinfo=UTC)
    assert (by_id["a2"].status, by_id["a2"].customer, by_id["a2"].service_name) == ("cancelled", ann, "beard trim")
    assert by_id["a2"].duration_minutes == 20  # the service's, found by name whatever its case
    assert (by_id["a3"].status, by_id["a3"].barber) == ("no_show", placeholder)
    assert by_id["a3"].start == datetime.fromtimestamp(1709550000, tz=UTC)
    assert "appointments#a3: barber_id 'b99' unknown" in out
    assert by_id["a4"].status == "confirmed"
    a6 = by_id["a6"]  # named its barber by user id; in progress when the old system stopped, long over
    assert (a6.status, a6.barber, a6.price) == ("completed", mike_barber, Decimal("40.00"))
    # a live appointment overlapping another of the same barber, and one whose customer is unknown, stay archived
    assert by_id["a5"] is None and by_id["a7"] is None
    assert "appointments#a5: kept archived: overlaps a live appointment of the same barber" in out
    assert "appointments#a7: kept archived: customer_id 'c404' matches no imported customer" in out
    assert LegacyRecord.objects.get(source_table="appointments", source_id="a5").payload["status"] == "PENDING"

    payments = {p.amount: p for p in Payment.objects.filter(shop=shop)}
    assert set(payments) == {Decimal("25.00"), Decimal("5.50"), Decimal("40.00")}
    assert (payments[Decimal("25.00")].method, payments[Decimal("25.00")].appointment) == ("cash", a1)
    assert payments[Decimal("25.00")].paid_at == datetime(2024, 3, 1, 10, 31, tzinfo=UTC)
    assert (payments[Decimal("5.50")].method, payments[Decimal("40.00")].method) == ("card", "other")
    assert "payments#p3: kept archived: status 'refunded' is not a successful payment" in out
    assert table_line(out, "payments") == ["5", "3", "0", "0", "0", "2"]
    # the legacy visits and spend are derived in the product: differences are reported, values kept
    assert "customers' legacy visits or total_spent differ" in out
    assert LegacyRecord.objects.get(source_table="customers", source_id="c1").payload["total_spent"] == 51.000000001
    assert not Appointment.objects.exclude(shop=shop).exists()


def test_a_second_run_creates_nothing_and_a_changed_row_updates_its_target(legacy_file, mikes):
    run_import(legacy_file)
    before = counts()

    code, out = run_import(legacy_file)

    assert code == 0, out
    assert counts() == before
    assert table_line(out, "appointments") == ["7", "0", "0", "7", "0", "0"]
    assert table_line(out, "customers") == ["4", "0", "0", "4", "0", "0"]

    conn = sqlite3.connect(legacy_file)
    conn.execute("UPDATE services SET price = 27.499 WHERE id = 's1'")
    conn.execute("UPDATE appointments SET status = 'NO_SHOW' WHERE id = 'a4'")
    conn.execute("UPDATE appointments SET scheduled_at = '2099-01-05T11:00:00Z' WHERE id = 'a5'")
    conn.commit()
    conn.close()
    code, out = run_import(legacy_file)

    # a5 and its payment p4 come in now (a5 no longer overlaps); nothing else is made
    assert counts()[:-1] == (before[0], before[1], before[2], before[3] + 1, before[4] + 1)
    assert Service.objects.get(shop=mikes(), name="Fade").price == Decimal("27.50")
    a4 = LegacyRecord.objects.get(source_table="appointments", source_id="a4")
    assert Appointment.objects.get(pk=a4.target_id).status == "no_show"
    a5 = LegacyRecord.objects.get(source_table="appointments", source_id="a5")
    assert not a5.archived and Appointment.objects.get(pk=a5.target_id).status == "pending"
    assert table_line(out, "appointments") == ["7", "1", "1", "5", "0", "0"]


def test_rows_archived_by_an_earlier_run_are_promoted_not_duplicated(legacy_file, mikes):
    run_import(legacy_file, "--only", "users")
    earlier = Importer(legacy_file)  # the archive path every earlier version took for these tables
    earlier.load_user_map()
    for table in ("services", "barbers", "customers", "appointments", "payments"):
        archive.archive_table(earlier, table)
    earlier.reader.close()
    archived = dict(LegacyRecord.objects.filter(archived=True).values_list("source_table", "source_id"))
    assert len(archived) == 5 and not Appointment.objects.exists()
    records = LegacyRecord.objects.count()

    code, out = run_import(legacy_file)

    assert code == 0, out
    assert LegacyRecord.objects.count() == records + 3 + 5  # only barbershops and business_hours are new
    a1 = LegacyRecord.objects.get(source_table="appointments", source_id="a1")
    assert (a1.archived, a1.target_type) == (False, "bookings.appointment")
    assert Appointment.objects.get(pk=a1.target_id).shop == mikes()
    assert a1.normalized["service_price"] == "25.00"  # the record keeps its payload and clean values
    assert "note 5: promoted from an earlier run's archive" in out
    assert table_line(out, "appointments")[:2] == ["7", "5"]
    assert Appointment.objects.count() == 5


def test_a_dry_run_writes_nothing(legacy_file):
    code, out = run_import(legacy_file, "--dry-run")

    assert code == 0, out
    assert "Dry run: nothing was written." in out
    assert table_line(out, "appointments")[:2] == ["7", "5"]
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_a_legacy_appointment_overlapping_a_booking_made_in_the_product_stays_archived(legacy_file, mikes):
    run_import(legacy_file, "--only", "users,business_hours,services,barbers,customers")
    shop = mikes()
    fade, mike_barber = Service.objects.get(shop=shop, name="Fade"), Barber.objects.get(shop=shop, name="mike")
    start = datetime(2099, 1, 5, 9, 45, tzinfo=UTC)
    Appointment.objects.create(
        shop=shop,
        customer=Customer.objects.get(shop=shop, name="Cy"),
        barber=mike_barber,
        service=fade,
        service_name="Fade",
        price=fade.price,
        duration_minutes=30,
        start=start,
        end=datetime(2099, 1, 5, 10, 15, tzinfo=UTC),
        blocked_until=datetime(2099, 1, 5, 10, 15, tzinfo=UTC),
    )

    code, out = run_import(legacy_file)

    assert code == 0, out
    assert "appointments#a4: kept archived: overlaps a live appointment" in out
    # a5, which overlapped a4 only, now comes in
    assert not LegacyRecord.objects.get(source_table="appointments", source_id="a5").archived
    assert Appointment.objects.live().filter(barber=mike_barber).count() == 2


def test_without_a_shop_the_business_rows_are_archived_as_they_are(tmp_path):
    business = {"services": [{"id": "s1", "name": "Fade", "price": 25.004, "duration_minutes": 30}]}
    users = [*USERS, {"id": 3, "email": "other@shop.com", "password_hash": "x"}]
    path = build_legacy_db(tmp_path / "agent_system.db", users=users, business=business)

    code, out = run_import(path)

    assert code == 0, out
    assert "No shop for the business tables" in out
    record = LegacyRecord.objects.get(source_table="services")
    assert (record.archived, record.shop, record.normalized["price"]) == (True, None, "25.00")
    assert not Service.objects.exists()

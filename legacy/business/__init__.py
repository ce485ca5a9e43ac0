"""The legacy business tables into the ``bookings`` models (docs/legacy-import.md, *Business tables*).

They hold no shop column: all belong to the file's one shop (``shop.business_shop``). Rows are written
directly, in bulk, bypassing the booking rules on purpose (history is history), so no signal,
notification or analytics event comes out. Tables run in dependency order; each later one finds the
rows it points at through the records of this and earlier runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from legacy import archive
from legacy.business.appointments import import_appointments, import_payments
from legacy.business.catalog import import_barbers, import_services
from legacy.business.common import Business
from legacy.business.customers import import_customers, report_total_mismatches
from legacy.business.shop import business_shop, import_barbershops, import_business_hours
from legacy.reader import BUSINESS

if TYPE_CHECKING:
    from legacy.importer import Importer

BUSINESS_TABLES = BUSINESS
STEPS: dict[str, Callable[[Business], None]] = {
    "barbershops": import_barbershops,
    "business_hours": import_business_hours,
    "services": import_services,
    "barbers": import_barbers,
    "customers": import_customers,
    "appointments": import_appointments,
    "payments": import_payments,
}


def import_business(imp: Importer, tables: list[str]) -> None:
    """``tables`` (those of ``BUSINESS_TABLES`` the file has and the run includes), in order."""
    if not tables:
        return
    shop_pk = business_shop(imp)
    if shop_pk is None:
        imp.report.business.append(
            "No shop for the business tables (no known barbershops owner, and not exactly one imported shop): "
            "their rows were archived as they are; import the owner first, then run again."
        )
        for table in tables:
            archive.archive_table(imp, table)
        return
    biz = Business(imp=imp, shop_pk=shop_pk)
    for table in BUSINESS_TABLES:
        if table in tables:
            STEPS[table](biz)
    if "customers" in tables or "appointments" in tables or "payments" in tables:
        report_total_mismatches(biz)

"""Service use against the monthly budgets (settings ``COST_BUDGET_*``), and the alerts on them.

Month to date, from the daily rollups: sums for counts and money, the month's peak for sockets and
the latest measurement for the database and Redis sizes. Amber from 80 %, red from 100 %.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Sum

from insights.models import BudgetAlert, DailyAiCost, DailyUsage
from sixfb.models import User

logger = logging.getLogger(__name__)

THRESHOLDS = (80, 100)

# metric -> (label, setting, unit)
METRICS: dict[str, tuple[str, str, str]] = {
    "ai_usd": ("AI spend", "COST_BUDGET_AI_USD", "usd"),
    "db_bytes": ("Database size", "COST_BUDGET_DB_BYTES", "bytes"),
    "redis_bytes": ("Redis memory", "COST_BUDGET_REDIS_BYTES", "bytes"),
    "realtime_messages": ("Realtime messages", "COST_BUDGET_REALTIME_MESSAGES", "count"),
    "peak_sockets": ("Peak sockets", "COST_BUDGET_PEAK_SOCKETS", "count"),
    "emails": ("Emails sent", "COST_BUDGET_EMAILS", "count"),
    "sms": ("SMS sent", "COST_BUDGET_SMS", "count"),
}


@dataclass(frozen=True)
class Meter:
    metric: str
    label: str
    unit: str
    used: Decimal
    budget: Decimal

    @property
    def percent(self) -> int | None:
        """Whole percent used (rounded down), ``None`` when the budget is off (0)."""
        if not self.budget:
            return None
        return int(self.used * 100 // self.budget)

    @property
    def state(self) -> str:
        percent = self.percent
        if percent is None:
            return "off"
        return "over" if percent >= 100 else "warn" if percent >= 80 else "ok"

    @property
    def used_display(self) -> str:
        return format_amount(self.used, self.unit)

    @property
    def budget_display(self) -> str:
        return format_amount(self.budget, self.unit)

    @property
    def bar_width(self) -> int:
        """The bar's length out of 100 (the SVG's width attribute: the CSP forbids style attributes)."""
        return min(self.percent or 0, 100)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def meters(*, today: dt.date) -> list[Meter]:
    first = month_start(today)
    usage = DailyUsage.objects.filter(day__gte=first, day__lte=today)
    totals = usage.aggregate(
        realtime_messages=Sum("realtime_messages"),
        peak_sockets=Max("peak_sockets"),
        emails=Sum("emails"),
        sms=Sum("sms"),
    )
    totals["db_bytes"] = (
        usage.filter(db_bytes__isnull=False).order_by("-day").values_list("db_bytes", flat=True).first()
    )
    totals["redis_bytes"] = (
        usage.filter(redis_bytes__isnull=False).order_by("-day").values_list("redis_bytes", flat=True).first()
    )
    totals["ai_usd"] = DailyAiCost.objects.filter(day__gte=first, day__lte=today).aggregate(s=Sum("cost_usd"))["s"]
    return [
        Meter(metric, label, unit, Decimal(totals[metric] or 0), Decimal(getattr(settings, setting)))
        for metric, (label, setting, unit) in METRICS.items()
    ]


def _recipients() -> list[str]:
    """``DJANGO_ADMIN_EMAILS`` when set, else every active staff member with an email address."""
    admins = [address for _name, address in settings.ADMINS]
    if admins:
        return admins
    return list(
        User.objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )


def budget_alerts_send(*, today: dt.date) -> list[BudgetAlert]:
    """Email the operators once per metric, threshold and month when month-to-date use crosses 80 %
    or 100 % of a budget. A metric that jumps past both at once records both and sends one email."""
    sent: list[BudgetAlert] = []
    for meter in meters(today=today):
        percent = meter.percent
        if percent is None:
            continue
        crossed = [t for t in THRESHOLDS if percent >= t]
        new = []
        with transaction.atomic():
            for threshold in crossed:
                alert, created = BudgetAlert.objects.get_or_create(
                    month=month_start(today),
                    metric=meter.metric,
                    threshold=threshold,
                    defaults={"used": meter.used, "budget": meter.budget},
                )
                if created:
                    new.append(alert)
        if new:
            _email(meter, percent)
            sent.append(new[-1])
    return sent


def _email(meter: Meter, percent: int) -> None:
    recipients = _recipients()
    if not recipients:
        logger.warning("costs: %s is at %s%% of its budget and nobody is set to hear it", meter.label, percent)
        return
    subject = f"[6FB] {meter.label} at {percent}% of this month's budget"
    body = (
        f"{meter.label}: {format_amount(meter.used, meter.unit)} used this month, "
        f"{format_amount(meter.budget, meter.unit)} budgeted ({percent}%).\n\n"
        f"The cost dashboard: {settings.SITE_URL}/staff/costs/\n"
        f"The budget is the setting {METRICS[meter.metric][1]}.\n"
    )
    try:
        send_mail(subject, body, settings.SERVER_EMAIL, recipients)
    except Exception:  # recorded as sent: a broken mailer must not turn every hourly run into a retry storm
        logger.exception("costs: the budget alert for %s could not be sent", meter.metric)


def format_amount(value: Decimal, unit: str) -> str:
    if unit == "usd":
        return f"${value.quantize(Decimal('0.01')):,}"
    if unit == "bytes":
        size = float(value)
        for suffix in ("B", "KB", "MB", "GB"):
            if size < 1024 or suffix == "GB":
                return f"{size:,.1f} {suffix}" if suffix != "B" else f"{int(size):,} B"
            size /= 1024
    return f"{int(value):,}"

"""The operators' cost dashboard, ``/staff/costs/``: staff only, anyone else gets a 404."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from insights import periods
from insights.costs import dashboard

UTC = zoneinfo.ZoneInfo("UTC")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Operators only; anyone else, signed in or not, is told nothing exists here (404)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_authenticated and request.user.is_staff):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _staff_period(request: HttpRequest) -> periods.Period:
    return periods.parse(
        days=request.GET.get("days"),
        first=request.GET.get("from"),
        last=request.GET.get("to"),
        today=timezone.now().astimezone(dt.UTC).date(),
        tz=UTC,
    )


@staff_only
@require_GET
def costs(request: HttpRequest) -> HttpResponse:
    try:
        period = _staff_period(request)
    except periods.PeriodError as error:
        return render(request, "insights/costs.html", {"error": error, "presets": periods.PRESETS}, status=400)
    context = {
        "period": period,
        "presets": periods.PRESETS,
        "tables": list(dashboard.TABLES),
        **dashboard.page(period=period),
    }
    return render(request, "insights/costs.html", context)


def _safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


@never_cache  # shop names and money: no cache keeps a copy
@staff_only
@require_GET
def export(request: HttpRequest, table: str) -> HttpResponse:
    try:
        period = _staff_period(request)
    except periods.PeriodError as error:
        return HttpResponseBadRequest(error.message, content_type="text/plain; charset=utf-8")
    if table not in dashboard.TABLES:
        return HttpResponseBadRequest(
            f"No table {table!r}: choose one of {', '.join(dashboard.TABLES)}.",
            content_type="text/plain; charset=utf-8",
        )
    header, rows = dashboard.TABLES[table]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="costs-{table}-{period.first_day}-{period.last_day}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([_safe(cell) for cell in row] for row in rows(period))
    return response

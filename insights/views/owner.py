"""The owner's numbers: ``/dashboard/`` (new or today's, as the ``new_dashboard`` flag says for the
shop), ``/insights/`` and its CSV exports. Owners and managers only; a barber gets a polite 403."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from insights import periods, report, rollout, tables
from sixfb import dashboard as dashboard_panels
from sixfb import selectors as shop_selectors
from sixfb import views as shop_views
from sixfb.middleware import SignedInRequest
from sixfb.models import Shop

FORBIDDEN_TEMPLATE = "insights/forbidden.html"


def _can_see_numbers(request: SignedInRequest, shop: Shop) -> bool:
    return shop_selectors.get_membership_for_user(user=request.user, shop_slug=shop.slug).can_manage_shop


def _period(request: SignedInRequest, shop: Shop) -> tuple[periods.Period, dt.date]:
    today = timezone.now().astimezone(shop.tzinfo).date()
    params = request.GET
    found = periods.parse(
        days=params.get("days"), first=params.get("from"), last=params.get("to"), today=today, tz=shop.tzinfo
    )
    return found, today


@login_required
@require_GET
def dashboard(request: SignedInRequest) -> HttpResponse:
    """Flag on: the numbers lead (owners and managers), then everything today's dashboard shows.
    Off (or no shop): today's dashboard, as it was."""
    shop = request.shop
    if shop is None or not rollout.new_dashboard_for(request):
        return shop_views.dashboard(request)
    numbers = None
    if _can_see_numbers(request, shop):
        numbers = report.home_metrics(shop=shop, now=timezone.now())
    with timezone.override(shop.tzinfo):
        panels = dashboard_panels.panels_render(request)
        lead_panels = dashboard_panels.panels_render(request, lead=True)
    context = {
        "lead_panels": lead_panels,
        "numbers": numbers,
        "stats": shop_selectors.dashboard_stats(shop=shop),
        "panels": panels,
    }
    return render(request, "insights/home.html", context)


@login_required
@require_GET
def insights(request: SignedInRequest) -> HttpResponse:
    shop = request.shop
    if shop is None or not rollout.new_dashboard_for(request):
        return redirect("dashboard")
    if not _can_see_numbers(request, shop):
        return render(request, FORBIDDEN_TEMPLATE, status=403)
    try:
        period, today = _period(request, shop)
    except periods.PeriodError as error:
        context = {"error": error, "presets": periods.PRESETS, "params": request.GET}
        return render(request, "insights/dashboard.html", context, status=400)
    found = report.owner_report(shop=shop, period=period, now=timezone.now())
    chosen = periods.as_params(period, today=today)
    context = {"report": found, "presets": periods.PRESETS, "chosen": chosen, "query": urlencode(chosen)}
    with timezone.override(shop.tzinfo):
        return render(request, "insights/dashboard.html", context)


@never_cache  # customers' names and numbers: no shared or browser cache keeps a copy
@login_required
@require_GET
def export(request: SignedInRequest, table: str) -> HttpResponse:
    shop = request.shop
    if shop is None or not rollout.new_dashboard_for(request):
        raise Http404("No dashboard here.")
    if not _can_see_numbers(request, shop):
        return render(request, FORBIDDEN_TEMPLATE, status=403)
    if table not in tables.NAMES:
        body = {"code": "unknown_table", "message": f"Export one of: {', '.join(tables.NAMES)}."}
        return JsonResponse(body, status=400)
    try:
        period, _today = _period(request, shop)
    except periods.PeriodError as error:
        return JsonResponse(error.as_body(), status=error.status)
    found = report.owner_table(shop=shop, period=period, now=timezone.now(), name=table)
    response = HttpResponse(tables.to_csv(found), content_type="text/csv; charset=utf-8")
    filename = f"{shop.slug}-{table}-{period.first_day}-{period.last_day}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

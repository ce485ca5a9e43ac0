"""Pricing, checkout, the customer portal and the billing page. Thin: look up, call a service, render."""

from __future__ import annotations

import logging
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from djstripe.views import ProcessWebhookView

from billing import services, stripe_gateway, webhooks
from billing.entitlements import SOURCE_STRIPE, shop_entitlements
from billing.forms import EnterpriseInquiryForm
from billing.selectors import (
    can_see_invoices,
    get_plan_for_checkout,
    get_shop_for_owner,
    is_shop_owner,
    plan_includes,
    plans_public,
    shop_invoices,
)
from billing.services import BillingError
from billing.stripe_gateway import StripeGatewayError
from billing.usage import shop_usage
from sixfb.middleware import SignedInRequest

logger = logging.getLogger(__name__)


def _is_owner(request: HttpRequest) -> bool:
    shop = getattr(request, "shop", None)
    # The middleware sets a shop for signed-in people only.
    return shop is not None and request.user.is_authenticated and is_shop_owner(user=request.user, shop=shop)


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303  # after a POST, the browser follows with a GET
    return response


@require_GET
def pricing(request: HttpRequest) -> HttpResponse:
    shop = getattr(request, "shop", None)
    entitlements = shop_entitlements(shop=shop) if shop else None
    return render(
        request,
        "billing/pricing.html",
        {
            "plans": plans_public(),
            "entitlements": entitlements,
            "is_owner": _is_owner(request),
            "subscribed": bool(entitlements and entitlements.source == SOURCE_STRIPE),
        },
    )


@login_required
@require_GET
def billing_home(request: SignedInRequest) -> HttpResponse:
    shop = request.shop
    context: dict[str, object] = {
        "shop": shop,
        "is_owner": _is_owner(request),
        "billing_configured": stripe_gateway.is_configured(),
        "show_payment_setup": request.user.is_staff,  # operators only: owners never see server settings
    }
    if shop is not None:
        context["entitlements"] = entitlements = shop_entitlements(shop=shop)
        context["includes"] = plan_includes(entitlements=entitlements)
        context["usage"] = shop_usage(shop=shop, entitlements=entitlements)
        context["invoices"] = shop_invoices(shop=shop) if can_see_invoices(user=request.user, shop=shop) else None
    return render(request, "billing/index.html", context)


@login_required
@require_POST
def checkout(request: SignedInRequest, plan_slug: str) -> HttpResponse:
    shop = get_shop_for_owner(user=request.user, shop=request.shop)
    plan = get_plan_for_checkout(slug=plan_slug)
    if not stripe_gateway.is_configured():
        return render(request, "billing/not_configured.html", {"plan": plan})
    try:
        current = shop_entitlements(shop=shop)
        if current.source == SOURCE_STRIPE and current.status != "canceled":
            services.subscription_plan_change(shop=shop, plan=plan)
            messages.success(request, f"You are now on the {plan.name} plan.")
            return redirect("billing")
        success = request.build_absolute_uri(reverse("billing_checkout_success")) + "?session_id={CHECKOUT_SESSION_ID}"
        url = services.checkout_session_create(
            shop=shop, plan=plan, success_url=success, cancel_url=request.build_absolute_uri(reverse("pricing"))
        )
    except (BillingError, StripeGatewayError) as exc:
        messages.error(request, exc.message)
        return redirect("pricing")
    return _see_other(url)


@login_required
@require_GET
def checkout_success(request: SignedInRequest) -> HttpResponse:
    shop = get_shop_for_owner(user=request.user, shop=request.shop)
    session_id = request.GET.get("session_id", "")
    if not session_id.startswith("cs_") or not stripe_gateway.is_configured():
        return redirect("billing")
    try:
        entitlements = services.checkout_session_complete(shop=shop, session_id=session_id)
    except (BillingError, StripeGatewayError) as exc:
        messages.warning(request, exc.message)
        return redirect("billing")
    messages.success(request, f"Welcome to {entitlements.plan.name}! Your new limits apply now.")
    return redirect("billing")


@login_required
@require_POST
def portal(request: SignedInRequest) -> HttpResponse:
    shop = get_shop_for_owner(user=request.user, shop=request.shop)
    if not stripe_gateway.is_configured():
        return render(request, "billing/not_configured.html", {})
    try:
        url = services.portal_session_create(shop=shop, return_url=request.build_absolute_uri(reverse("billing")))
    except (BillingError, StripeGatewayError) as exc:
        messages.error(request, exc.message)
        return redirect("billing")
    return _see_other(url)


@require_http_methods(["GET", "POST"])
def enterprise(request: HttpRequest) -> HttpResponse:
    initial = {"email": request.user.email} if request.user.is_authenticated else {}
    form = EnterpriseInquiryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.enterprise_inquiry_create(shop=getattr(request, "shop", None), **form.cleaned_data)
        messages.success(request, "Thanks! We will be in touch within one business day.")
        return redirect("pricing")
    return render(request, "billing/enterprise.html", {"form": form})


_djstripe_webhook = ProcessWebhookView.as_view()


@csrf_exempt
@login_not_required
@transaction.non_atomic_requests  # as dj-stripe's own view: it commits its trigger row itself
@require_POST
def stripe_webhook(request: HttpRequest, uuid: UUID) -> HttpResponse:
    """dj-stripe's endpoint (``/stripe/webhook/<uuid>/``) behind ``billing.webhooks``' guard."""
    refusal = webhooks.refusal_for(request=request, endpoint_uuid=uuid)
    if refusal is not None:
        client = request.META.get("REMOTE_ADDR", "?")
        logger.warning("stripe webhook %s from %s refused (%s): %s", uuid, client, refusal.status, refusal.reason)
        response = JsonResponse({"code": refusal.code, "message": refusal.message}, status=refusal.status)
        # One line per refusal, ours (it says why): Django would log each 4xx again ("Bad Request").
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response
    webhooks.keep_stripe_headers(request)
    return _djstripe_webhook(request, uuid=uuid)

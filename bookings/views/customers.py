"""Customers: the searchable list, a customer's page (contact, consent, tags, notes, history) and merging."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings import selectors, services
from bookings.errors import BookingError
from bookings.forms import CustomerForm
from bookings.models import Customer
from bookings.views.common import add_refusal, manager, member, refusal_status, show
from sixfb.middleware import SignedInRequest
from sixfb.models import Membership


@login_required
@require_GET
def customer_list(request: SignedInRequest) -> HttpResponse:
    membership = member(request)
    query = request.GET.get("q", "")
    found = selectors.customers_search(shop=membership.shop, query=query)[:200]
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "bookings/_customer_rows.html" if partial else "bookings/customers.html"
    return show(request, template, {"customers": found, "q": query}, shop=membership.shop)


@login_required
@require_GET
def customer_picker(request: SignedInRequest) -> HttpResponse:
    """Matching customers as choices for the booking form (htmx)."""
    membership = member(request)
    query = request.GET.get("q", "").strip()
    found = selectors.customers_search(shop=membership.shop, query=query)[:8] if query else []
    return show(request, "bookings/_customer_picker.html", {"customers": found, "q": query}, shop=membership.shop)


@login_required
@require_http_methods(["GET", "POST"])
def customer_new(request: SignedInRequest) -> HttpResponse:
    membership = member(request)
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(shop=membership.shop, **form.cleaned_data)
        except BookingError as refusal:
            add_refusal(form, refusal)
            context = {"form": form, "existing": refusal.extra.get("customer")}
            return show(
                request, "bookings/customer_new.html", context, shop=membership.shop, status=refusal_status(refusal)
            )
        messages.success(request, f"{customer.name} added.")
        return redirect("customer_detail", customer_id=customer.pk)
    status = 400 if form.is_bound else 200
    return show(request, "bookings/customer_new.html", {"form": form}, shop=membership.shop, status=status)


def _initial(customer: Customer) -> dict[str, Any]:
    return {
        "name": customer.name,
        "phone": customer.phone,
        "email": customer.email,
        "tags": ", ".join(customer.tags or []),
        "notes": customer.notes,
        "email_consent": customer.email_consent_at is not None,
        "sms_consent": customer.sms_consent_at is not None,
    }


def _page(
    request: SignedInRequest, membership: Membership, customer: Customer, form: CustomerForm, status: int = 200
) -> HttpResponse:
    query = request.GET.get("merge_q", "").strip()
    candidates = selectors.customers_search(shop=membership.shop, query=query).exclude(pk=customer.pk)[:10]
    context = {
        "customer": customer,
        "form": form,
        "history": selectors.customer_history(customer=customer),
        "merge_q": query,
        "candidates": candidates if query else [],
        "can_manage": membership.can_manage_shop,
    }
    return show(request, "bookings/customer_detail.html", context, shop=membership.shop, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def customer_detail(request: SignedInRequest, customer_id: str) -> HttpResponse:
    membership = member(request)
    customer = selectors.get_customer(shop=membership.shop, customer_id=customer_id)
    form = CustomerForm(request.POST or None, initial=_initial(customer))
    if request.method == "POST":
        if not form.is_valid():
            return _page(request, membership, customer, form, status=400)
        try:
            services.customer_update(customer=customer, **form.cleaned_data)
        except BookingError as refusal:
            add_refusal(form, refusal)
            return _page(request, membership, customer, form, status=refusal_status(refusal))
        messages.success(request, "Customer saved.")
        return redirect("customer_detail", customer_id=customer.pk)
    return _page(request, membership, customer, form)


@login_required
@require_POST
def customer_merge(request: SignedInRequest, customer_id: str) -> HttpResponse:
    """Fold the picked customer into this one: their appointments and payments come along."""
    membership = manager(request)
    keep = selectors.get_customer(shop=membership.shop, customer_id=customer_id)
    other = selectors.get_customer(shop=membership.shop, customer_id=request.POST.get("other"))
    try:
        services.customer_merge(keep=keep, other=other)
    except BookingError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{other.name} merged into {keep.name}; all their appointments are here.")
    return redirect("customer_detail", customer_id=keep.pk)

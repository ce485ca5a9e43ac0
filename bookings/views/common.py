"""What every staff page of bookings shares: the member, the manager check, errors onto forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bookings.errors import BookingError
from sixfb.middleware import SignedInRequest
from sixfb.models import Membership, Shop
from sixfb.selectors import get_membership_for_user


def member(request: SignedInRequest) -> Membership:
    if request.shop is None:
        raise Http404("You are not part of a shop yet.")
    return get_membership_for_user(user=request.user, shop_slug=request.shop.slug)


def manager(request: SignedInRequest) -> Membership:
    """The member, once known to manage the shop: 403 for a barber, as on the agents pages."""
    membership = member(request)
    if not membership.can_manage_shop:
        raise PermissionDenied("Only the shop's owner or a manager can manage this.")
    return membership


def show(
    request: SignedInRequest, template: str, context: dict[str, Any], *, shop: Shop, status: int = 200
) -> HttpResponse:
    """Render with times shown in the shop's time zone."""
    with timezone.override(shop.tzinfo):
        return render(request, template, {"shop": shop, **context}, status=status)


def add_refusal(form: forms.BaseForm, refusal: BookingError) -> None:
    """Put a domain refusal next to the fields it names (or on top of the form); the typed values stay."""
    fields = refusal.extra.get("fields") or {}
    placed = False
    if isinstance(fields, dict):
        for name, messages in fields.items():
            if name in form.fields:
                form.add_error(name, messages)
                placed = True
    if not placed:
        form.add_error(None, refusal.message)


def refusal_status(refusal: BookingError) -> int:
    return refusal.status if refusal.status in {400, 409} else 400


def local_today(shop: Shop) -> dt.date:
    return timezone.now().astimezone(shop.tzinfo).date()


def parse_day(value: str | None, shop: Shop) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else local_today(shop)
    except ValueError:
        return local_today(shop)

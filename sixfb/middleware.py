"""Attach the shop a signed-in person is working in to ``request.shop`` (``None`` if none)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse

from sixfb.lib import observability
from sixfb.selectors import shop_primary_for_user

if TYPE_CHECKING:
    from sixfb.models import Shop, User

CURRENT_SHOP_SESSION_KEY = "current_shop_id"


class ShopRequest(HttpRequest):
    """A request that went through ``CurrentShopMiddleware``, signed in or not.

    For annotations only: at run time every request stays Django's own class, this one
    just tells the type checker about the attribute the middleware adds.
    """

    shop: Shop | None


class SignedInRequest(ShopRequest):
    """A request to a ``@login_required`` view: ``user`` is a real person, never anonymous."""

    user: User


class CurrentShopMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: ShopRequest) -> HttpResponse:
        user = request.user
        request.shop = None
        if user.is_authenticated:
            # Every signed-in page shows the shop, so one query here is not wasted.
            preferred = request.session.get(CURRENT_SHOP_SESSION_KEY)
            request.shop = shop_primary_for_user(user=user, preferred_shop_id=preferred)
            observability.set_user(user)
        return self.get_response(request)

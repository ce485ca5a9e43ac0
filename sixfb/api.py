from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sixfb.models import Shop, User
from sixfb.selectors import memberships_for_user, shop_primary_for_user


class SignedInAPIRequest(Request):
    """A request to an API view that lets only signed-in callers in (``IsAuthenticated``, the default).

    For annotations only, like ``sixfb.middleware.SignedInRequest``: DRF's own ``Request`` at run time.
    """

    user: User


def shop_for_request(request: Request) -> Shop | None:
    """The shop an API caller works in: the session's choice, else their first shop.

    Token-authenticated requests are authenticated by DRF after the middleware ran, so
    ``request.shop`` is only trusted when it was computed for the same user.
    """
    shop = getattr(request._request, "shop", None)
    if shop is not None and request._request.user == request.user:
        return shop
    if not request.user.is_authenticated:
        return None  # as shop_primary_for_user answers for anyone signed out
    return shop_primary_for_user(user=request.user)


class ShopSummarySerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    timezone = serializers.CharField()
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    shops = ShopSummarySerializer(many=True)


class MeView(APIView):
    """The signed-in person and the shops they belong to."""

    @extend_schema(responses=MeSerializer, summary="Who am I")
    def get(self, request: SignedInAPIRequest) -> Response:
        user = request.user
        shops = [
            {"uuid": m.shop.uuid, "name": m.shop.name, "slug": m.shop.slug, "timezone": m.shop.timezone, "role": m.role}
            for m in memberships_for_user(user=user)
        ]
        return Response(
            MeSerializer({"uuid": user.uuid, "email": user.email, "full_name": user.full_name, "shops": shops}).data
        )

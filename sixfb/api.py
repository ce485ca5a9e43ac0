from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


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
    def get(self, request: Request) -> Response:
        from sixfb.selectors import memberships_for_user

        user = request.user
        shops = [
            {"uuid": m.shop.uuid, "name": m.shop.name, "slug": m.shop.slug, "timezone": m.shop.timezone, "role": m.role}
            for m in memberships_for_user(user=user)
        ]
        return Response(
            MeSerializer({"uuid": user.uuid, "email": user.email, "full_name": user.full_name, "shops": shops}).data
        )

"""`/api/v1/notifications/` and `/api/v1/notification-preferences/`: the caller's own notification
center and their choices in the shop they work in. Another person's notification is 404."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors
from notifications.serializers import (
    NotificationPageSerializer,
    NotificationQuerySerializer,
    NotificationSerializer,
    PreferencesSerializer,
    ReadAllSerializer,
)
from notifications.services import inbox
from notifications.services.preferences import PreferenceError, preference_update
from sixfb.api import SignedInAPIRequest, shop_for_request
from sixfb.errors import AppError
from sixfb.models import Shop

NOT_A_MEMBER = OpenApiResponse(description="Not a member of a shop (`not_a_member`).")


def _shop(request: Request) -> Shop:
    shop = shop_for_request(request)
    if shop is None:
        raise AppError("not_a_member", "You are not a member of a shop.", status=403)
    return shop


class NotificationListView(APIView):
    @extend_schema(
        parameters=[NotificationQuerySerializer],
        responses={200: NotificationPageSerializer, 400: OpenApiResponse(description="A bad `cursor` or `limit`.")},
        summary="My notifications, newest first (cursor pages)",
    )
    def get(self, request: SignedInAPIRequest) -> Response:
        query = NotificationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        try:
            page = selectors.inbox_page(
                user=request.user,
                unread_only=params["unread"],
                archived=params["archived"],
                cursor=params["cursor"],
                limit=params["limit"],
            )
        except selectors.BadCursor as exc:
            raise AppError("invalid", str(exc), fields={"cursor": [str(exc)]}) from exc
        unseen = selectors.unseen_count(user_id=request.user.pk)
        body = {"results": page.items, "next_cursor": page.next_cursor, "unseen": unseen}
        return Response(NotificationPageSerializer(body).data)


class NotificationReadView(APIView):
    @extend_schema(request=None, responses={200: NotificationSerializer}, summary="Mark one of my notifications read")
    def post(self, request: SignedInAPIRequest, notification_id: UUID) -> Response:
        notification = inbox.notification_mark_read(user=request.user, notification_id=notification_id)
        item = selectors.Item(
            notification=notification, title=selectors.title_for(notification), url=selectors.url_for(notification)
        )
        return Response(NotificationSerializer(item).data)


class NotificationReadAllView(APIView):
    @extend_schema(request=None, responses={200: ReadAllSerializer}, summary="Mark all my notifications read")
    def post(self, request: SignedInAPIRequest) -> Response:
        return Response({"updated": inbox.notifications_mark_all_read(user=request.user)})


class NotificationPreferencesView(APIView):
    @extend_schema(responses={200: PreferencesSerializer, 403: NOT_A_MEMBER}, summary="My notification choices")
    def get(self, request: SignedInAPIRequest) -> Response:
        return Response(selectors.staff_preferences(shop=_shop(request), user=request.user))

    @extend_schema(
        request=PreferencesSerializer,
        responses={200: PreferencesSerializer, 403: NOT_A_MEMBER},
        summary="Replace my notification choices (groups or channels left out go back to their defaults)",
    )
    def put(self, request: SignedInAPIRequest) -> Response:
        shop = _shop(request)
        data = request.data
        if not isinstance(data, dict) or "channels" not in data or "quiet_hours" not in data:
            raise PreferenceError(
                "invalid",
                "Send both channels and quiet_hours.",
                fields={
                    name: ["This field is required."]
                    for name in ("channels", "quiet_hours")
                    if not isinstance(data, dict) or name not in data
                },
            )
        preference_update(
            shop=shop, user=request.user, channels=data["channels"], quiet_hours=data["quiet_hours"], merge=False
        )
        return Response(selectors.staff_preferences(shop=shop, user=request.user))

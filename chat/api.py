"""`/api/v1/`: conversations, usage, and `POST /api/v1/chat/` streaming the answer as server-sent events."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from asgiref.sync import async_to_sync
from django.db import connections
from django.http import Http404, StreamingHttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agents.models import Agent
from chat import answering, selectors, services
from chat.answering import Frames
from chat.models import Conversation, Message
from chat.services.availability import chat_open_check
from sixfb.api import SignedInAPIRequest, shop_for_request
from sixfb.errors import AppError


class MessageSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")

    class Meta:
        model = Message
        fields = [
            "id", "role", "content", "status", "model", "prompt_tokens", "completion_tokens", "usage_estimated",
            "cost_usd", "time_to_first_token_ms", "duration_ms", "finish_reason", "error_code", "created_at",
        ]  # fmt: skip


class ConversationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    agent: serializers.SlugRelatedField[Agent] = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Conversation
        fields = ["id", "title", "agent", "created_at", "updated_at"]


class ConversationDetailSerializer(ConversationSerializer):
    messages = serializers.SerializerMethodField()

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "messages"]

    def get_messages(self, conversation: Conversation) -> list[dict]:
        # many=True makes a ListSerializer, whose data is a list; the stubs type every Serializer's data as ReturnDict.
        return MessageSerializer(selectors.conversation_messages(conversation=conversation), many=True).data  # type: ignore[return-value]


class ConversationListView(APIView):
    @extend_schema(responses=ConversationSerializer(many=True), summary="My conversations, newest first")
    def get(self, request: SignedInAPIRequest) -> Response:
        conversations = selectors.conversations_for_user(user=request.user, search=request.query_params.get("q", ""))
        return Response(ConversationSerializer(conversations[:200], many=True).data)


class ConversationDetailView(APIView):
    @extend_schema(responses=ConversationDetailSerializer, summary="One of my conversations, with its messages")
    def get(self, request: SignedInAPIRequest, conversation_uuid: str) -> Response:
        conversation = selectors.get_conversation_for_user(user=request.user, conversation_uuid=conversation_uuid)
        return Response(ConversationDetailSerializer(conversation).data)


class UsageSerializer(serializers.Serializer):
    plan = serializers.CharField()
    monthly_chats = serializers.IntegerField(allow_null=True)
    chats_used = serializers.IntegerField()
    chats_remaining = serializers.IntegerField(allow_null=True)
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()


class UsageView(APIView):
    @extend_schema(responses=UsageSerializer, summary="Chats used and left in this billing period")
    def get(self, request: Request) -> Response:
        shop = shop_for_request(request)
        if shop is None:
            raise Http404("No shop.")
        usage = selectors.chat_usage_for_shop(shop=shop)
        return Response(
            UsageSerializer(
                {
                    "plan": usage.plan,
                    "monthly_chats": usage.monthly_chats,
                    "chats_used": usage.chats_used,
                    "chats_remaining": usage.chats_remaining,
                    "period_start": usage.period_start,
                    "period_end": usage.period_end,
                }
            ).data
        )


class ChatRequestSerializer(serializers.Serializer):
    agent = serializers.CharField(required=False, allow_blank=True, default="")
    message = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=100_000)
    conversation = serializers.UUIDField(required=False, allow_null=True, default=None)


class ChatStreamView(APIView):
    """The same answer as the websocket, as ``text/event-stream``: start, delta..., end."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        # SSE clients send `Accept: text/event-stream`; the stream is not a DRF rendering, and a
        # refusal before it is JSON whatever the client accepts.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        request=ChatRequestSerializer,
        responses={
            200: OpenApiResponse(description="text/event-stream of start, delta and end events"),
            402: OpenApiResponse(description="This month's chats are used (`quota_exceeded`, with `url`)."),
            404: OpenApiResponse(description="No such agent or conversation (`not_found`), also another shop's."),
            409: OpenApiResponse(
                description="The agent is off (`agent_unavailable`) or an answer is being written "
                "(`generation_in_progress`)."
            ),
            429: OpenApiResponse(description="Too many messages (`rate_limited`) or answers at once (`shop_busy`)."),
            503: OpenApiResponse(description="Chat is paused for maintenance (`chat_paused`); nothing was saved."),
        },
        summary="Ask an agent; the answer streams as server-sent events",
    )
    def post(self, request: SignedInAPIRequest) -> StreamingHttpResponse | Response:
        chat_open_check()  # the ai_chat_enabled kill switch, before anything is read or saved
        body = ChatRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["conversation"]:
            conversation = selectors.get_conversation_for_user(
                user=request.user, conversation_uuid=data["conversation"]
            )
        elif data["agent"]:
            conversation = services.conversation_draft(
                user=request.user, shop=shop_for_request(request), agent_slug=data["agent"]
            )
        else:
            message = "Give an agent or a conversation."
            raise AppError("bad_request", message, fields={"agent": [message]})
        # This request's connection goes back to the pool now, not when the stream ends: asking uses
        # connections of its own (chat.answering's threads), and ten answers streaming at once each
        # holding one emptied the pool (DATABASE_POOL_MAX_SIZE), so the next asks waited it out: 500s.
        connections.close_all()
        # On the server's event loop, like the websocket's: the answer outlives a client that hangs up.
        # A refusal (ChatError) is answered by the API's exception handler, with its status.
        frames = async_to_sync(answering.ask)(user=request.user, conversation=conversation, content=data["message"])
        response = StreamingHttpResponse(_events(frames, str(conversation.uuid)), content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"  # nginx must not buffer the stream
        return response


async def _events(frames: Frames, conversation_uuid: str) -> AsyncIterator[bytes]:
    async for frame in frames:
        if frame["type"] == "start":
            frame["conversation"] = conversation_uuid
        yield b"data: " + json.dumps(frame, separators=(",", ":")).encode() + b"\n\n"

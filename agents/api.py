from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agents import selectors, services
from agents.models import Agent
from sixfb.api import SignedInAPIRequest, shop_for_request
from sixfb.api_errors import ErrorSerializer
from sixfb.errors import AppError


class AgentSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField(help_text="The shop's name for the agent, else its own.")
    agent_name = serializers.CharField(source="agent.name")
    persona_name = serializers.CharField(source="agent.persona_name")
    role = serializers.CharField(source="agent.role")
    description = serializers.CharField(source="agent.description")
    icon = serializers.CharField(source="agent.icon")
    status = serializers.ChoiceField(choices=Agent.Status.choices)
    enabled = serializers.BooleanField()
    custom = serializers.BooleanField(source="agent.is_custom")
    starter_prompts = serializers.ListField(child=serializers.CharField(), source="agent.starter_prompts")


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Agent.Status.choices)


class AgentStatusSerializer(serializers.Serializer):
    agent = serializers.SlugField(source="slug")
    status = serializers.CharField()
    at = serializers.DateTimeField(source="status_changed_at")


class AgentListView(APIView):
    """The agents the signed-in person's shop can use, with enabled state and live status
    (staff with no shop: the whole platform catalog)."""

    @extend_schema(responses=AgentSerializer(many=True), summary="List agents")
    def get(self, request: SignedInAPIRequest) -> Response:
        items = selectors.agents_for_caller(user=request.user, shop=shop_for_request(request))
        return Response(AgentSerializer(items, many=True).data)


class AgentStatusView(APIView):
    """Change an agent's status (staff only); every browser showing it updates live."""

    permission_classes = [IsAdminUser]

    @extend_schema(
        request=StatusChangeSerializer,
        responses={
            200: AgentStatusSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Unknown status (`invalid_status`, with `fields`)"),
            403: OpenApiResponse(ErrorSerializer, description="Not staff"),
            404: OpenApiResponse(ErrorSerializer, description="Unknown agent"),
        },
        summary="Set an agent's status",
    )
    def post(self, request: Request, slug: str) -> Response:
        agent = Agent.objects.filter(slug=slug).first()
        if agent is None:
            raise NotFound(f"No agent {slug!r}.")
        serializer = StatusChangeSerializer(data=request.data)
        if not serializer.is_valid():
            message = f"status must be one of: {', '.join(Agent.Status.values)}."
            raise AppError("invalid_status", message, fields={"status": [message]})
        agent = services.agent_status_set(agent=agent, status=serializer.validated_data["status"])
        return Response(AgentStatusSerializer(agent).data)

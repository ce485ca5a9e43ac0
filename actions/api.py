"""`/api/v1/proposals/<id>/`: a change an agent proposed, and the person's Approve or Decline (and,
for a campaign, a test copy sent to them first)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from actions import selectors, services
from actions.models import Proposal
from sixfb.api import SignedInAPIRequest


class ResultMessageSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    content = serializers.CharField()


class ProposalSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    decided_by = serializers.EmailField(source="decided_by.email", allow_null=True, default=None)
    result = serializers.JSONField(allow_null=True, help_text="{summary, data} when done; {code, message} when failed.")
    result_message = ResultMessageSerializer(allow_null=True, help_text="What was posted into the conversation.")
    details = serializers.JSONField(help_text="What the approval card shows.")

    class Meta:
        model = Proposal
        fields = ["id", "tool", "status", "summary", "details", "expires_at", "decided_by", "decided_at", "result",
                  "result_message"]  # fmt: skip


NOT_FOUND = OpenApiResponse(description="`not_found`: no such proposal in my conversations (also another shop's).")
CLOSED = OpenApiResponse(description="`proposal_closed` (declined or expired already) or `proposal_expired`.")


class ProposalDetailView(APIView):
    @extend_schema(responses={200: ProposalSerializer, 404: NOT_FOUND}, summary="A change an agent proposed")
    def get(self, request: SignedInAPIRequest, proposal_id: str) -> Response:
        proposal = selectors.get_proposal_for_user(user=request.user, proposal_id=proposal_id)
        return Response(ProposalSerializer(proposal).data)


class ProposalApproveView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: ProposalSerializer,
            403: OpenApiResponse(description="`not_allowed`: a barber, for a shop-wide change or another's column."),
            404: NOT_FOUND,
            409: CLOSED,
        },
        summary="Approve: the change runs once (a second Approve answers the same result)",
    )
    def post(self, request: SignedInAPIRequest, proposal_id: str) -> Response:
        proposal = selectors.get_proposal_for_user(user=request.user, proposal_id=proposal_id)
        decision = services.proposal_approve(proposal=proposal, user=request.user)
        return Response(ProposalSerializer(decision.proposal).data)


class ProposalDeclineView(APIView):
    @extend_schema(
        request=None,
        responses={200: ProposalSerializer, 404: NOT_FOUND, 409: CLOSED},
        summary="Decline: nothing changes",
    )
    def post(self, request: SignedInAPIRequest, proposal_id: str) -> Response:
        proposal = selectors.get_proposal_for_user(user=request.user, proposal_id=proposal_id)
        decision = services.proposal_decline(proposal=proposal, user=request.user)
        return Response(ProposalSerializer(decision.proposal).data)


class TestSentSerializer(serializers.Serializer):
    sent_to = serializers.EmailField(help_text="Where the test went: the requesting person's email.")
    status = serializers.CharField(help_text="The email's delivery status: `queued` (on its way).")
    tests_left = serializers.IntegerField(help_text="How many more tests this proposal allows.")


class ProposalTestView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: TestSentSerializer,
            400: OpenApiResponse(description="`not_a_campaign`: only a campaign proposal can be tested."),
            403: OpenApiResponse(description="`not_allowed`: a barber (campaigns are shop-wide)."),
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="`proposal_closed` or `proposal_expired`; `tool_unavailable` when the agent may no "
                "longer draft campaigns; `test_not_sent` when the email was skipped (e.g. the address is suppressed)."
            ),
            429: OpenApiResponse(description="`rate_limited`: tested 3 times already."),
        },
        summary="Send to me first: email one copy of a pending campaign to me",
    )
    def post(self, request: SignedInAPIRequest, proposal_id: str) -> Response:
        proposal = selectors.get_proposal_for_user(user=request.user, proposal_id=proposal_id)
        sent = services.proposal_test_send(proposal=proposal, user=request.user)
        return Response(TestSentSerializer(sent).data)

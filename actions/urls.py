"""Actions' API routes, mounted under /api/v1/ by sixfb/api_urls.py."""

from django.urls import path

from actions import api

api_urlpatterns = [
    path("proposals/<uuid:proposal_id>/", api.ProposalDetailView.as_view(), name="api_proposal"),
    path("proposals/<uuid:proposal_id>/approve", api.ProposalApproveView.as_view(), name="api_proposal_approve"),
    path("proposals/<uuid:proposal_id>/decline", api.ProposalDeclineView.as_view(), name="api_proposal_decline"),
    path("proposals/<uuid:proposal_id>/test", api.ProposalTestView.as_view(), name="api_proposal_test"),
]

"""Everything under /api/v1/: each app contributes its own ``api_urlpatterns``."""

from django.urls import path

from agents import api as agents_api
from sixfb import api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api_me"),
    path("agents/", agents_api.AgentListView.as_view(), name="api_agents"),
    path("agents/<slug:slug>/status", agents_api.AgentStatusView.as_view(), name="api_agent_status"),
]

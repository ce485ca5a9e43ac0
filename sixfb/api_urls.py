"""Everything under /api/v1/: each app contributes its own ``api_urlpatterns``."""

from django.urls import path

from agents import api as agents_api
from chat import api as chat_api
from sixfb import api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api_me"),
    path("agents/", agents_api.AgentListView.as_view(), name="api_agents"),
    path("agents/<slug:slug>/status", agents_api.AgentStatusView.as_view(), name="api_agent_status"),
    path("conversations/", chat_api.ConversationListView.as_view(), name="api_conversations"),
    path(
        "conversations/<uuid:conversation_uuid>/",
        chat_api.ConversationDetailView.as_view(),
        name="api_conversation",
    ),
    path("chat/", chat_api.ChatStreamView.as_view(), name="api_chat"),
    path("usage/", chat_api.UsageView.as_view(), name="api_usage"),
]

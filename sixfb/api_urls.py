"""Everything under /api/v1/: each app contributes its own ``api_urlpatterns``."""

from django.urls import path

from actions.urls import api_urlpatterns as actions_api_urlpatterns
from agents import api as agents_api
from bookings import api as bookings_api
from chat import api as chat_api
from notifications import api as notifications_api
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
    path("services/", bookings_api.ServiceListView.as_view(), name="api_services"),
    path("barbers/", bookings_api.BarberListView.as_view(), name="api_barbers"),
    path("customers/", bookings_api.CustomerListView.as_view(), name="api_customers"),
    path("availability/", bookings_api.AvailabilityView.as_view(), name="api_availability"),
    path("appointments/", bookings_api.AppointmentListView.as_view(), name="api_appointments"),
    path(
        "appointments/<uuid:appointment_id>/",
        bookings_api.AppointmentDetailView.as_view(),
        name="api_appointment",
    ),
    path(
        "appointments/<uuid:appointment_id>/status",
        bookings_api.AppointmentStatusView.as_view(),
        name="api_appointment_status",
    ),
    path("notifications/", notifications_api.NotificationListView.as_view(), name="api_notifications"),
    path(
        "notifications/<uuid:notification_id>/read",
        notifications_api.NotificationReadView.as_view(),
        name="api_notification_read",
    ),
    path(
        "notifications/read-all", notifications_api.NotificationReadAllView.as_view(), name="api_notifications_read_all"
    ),
    path(
        "notification-preferences/",
        notifications_api.NotificationPreferencesView.as_view(),
        name="api_notification_preferences",
    ),
    *actions_api_urlpatterns,
]

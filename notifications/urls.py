"""`/notifications/...`: each group of routes in its own module, beside the code it serves."""

from django.urls import include, path

urlpatterns = [
    path("", include("notifications.inbox_urls")),
    path("", include("notifications.email_urls")),
    path("", include("notifications.sms_urls")),
]

from django.urls import path

from notifications.views import inbox

urlpatterns = [
    path("", inbox.notification_list, name="notifications"),
    path("preferences/", inbox.preferences, name="notification_preferences"),
]

from django.urls import path

from notifications.views import inbox

urlpatterns = [
    path("", inbox.notification_list, name="notifications"),
    path("read-all/", inbox.notifications_read_all, name="notifications_read_all"),
    path("<uuid:notification_id>/open/", inbox.notification_open, name="notification_open"),
    path("<uuid:notification_id>/archive/", inbox.notification_archive, name="notification_archive"),
    path("<uuid:notification_id>/snooze/", inbox.notification_snooze, name="notification_snooze"),
    path("preferences/", inbox.preferences, name="notification_preferences"),
]

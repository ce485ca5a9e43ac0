from django.urls import include, path

from notifications.email_tracking import tracking_urlpatterns
from notifications.views import customer

urlpatterns = [
    path("p/<str:token>/", customer.customer_preferences, name="notification_customer_preferences"),
    path("unsubscribe/<str:token>/", customer.unsubscribe, name="notification_unsubscribe"),
    path("webhooks/email/", include((tracking_urlpatterns(), "anymail"))),
]

from django.urls import path

from notifications.views import customer

urlpatterns = [
    path("p/<str:token>/", customer.customer_preferences, name="notification_customer_preferences"),
    path("unsubscribe/<str:token>/", customer.unsubscribe, name="notification_unsubscribe"),
]

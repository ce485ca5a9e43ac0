from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("preferences/", views.preferences, name="notification_preferences"),
    path("p/<str:token>/", views.customer_preferences, name="notification_customer_preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notification_unsubscribe"),
]

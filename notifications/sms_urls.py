from django.urls import path

from notifications.views import sms_webhooks

urlpatterns = [
    path("webhooks/twilio/status/", sms_webhooks.twilio_status, name="notification_twilio_status"),
    path("webhooks/twilio/inbound/", sms_webhooks.twilio_inbound, name="notification_twilio_inbound"),
]

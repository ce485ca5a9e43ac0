from django.urls import path

from chat.consumers import ChatConsumer
from notifications.consumers import LiveConsumer

websocket_urlpatterns = [
    path("ws/live/", LiveConsumer.as_asgi()),
    path("ws/chat/<uuid:conversation_uuid>/", ChatConsumer.as_asgi()),
]

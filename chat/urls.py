from django.urls import path

from chat import views

urlpatterns = [
    path("", views.chat_home, name="chat"),
    path("new/", views.conversation_new, name="chat_new"),
    path("<uuid:conversation_uuid>/", views.conversation_detail, name="chat_conversation"),
    path("<uuid:conversation_uuid>/rename/", views.conversation_rename, name="chat_rename"),
    path("<uuid:conversation_uuid>/delete/", views.conversation_delete, name="chat_delete"),
]

from django.urls import path

from agents import views

urlpatterns = [
    path("", views.agent_list, name="agents"),
    path("new/", views.custom_agent_create, name="agent_create"),
    path("<slug:slug>/", views.agent_detail, name="agent_detail"),
    path("<slug:slug>/enable/", views.agent_enable, name="agent_enable"),
    path("<slug:slug>/disable/", views.agent_disable, name="agent_disable"),
]

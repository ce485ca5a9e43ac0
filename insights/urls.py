"""The owner's numbers, mounted at ``/insights/``."""

from django.urls import path

from insights.views import owner

app_name = "insights"

urlpatterns = [
    path("", owner.insights, name="dashboard"),
    path("export/<slug:table>.csv", owner.export, name="export"),
]

"""Staff-only pages, mounted at ``/staff/``: the operators' cost dashboard."""

from django.urls import path

from insights.views import costs

app_name = "staff"

urlpatterns = [
    path("costs/", costs.costs, name="costs"),
    path("costs/export/<str:table>.csv", costs.export, name="costs_export"),
]

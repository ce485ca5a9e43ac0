"""``/dashboard/``, mounted by ``sixfb.urls``: the ``new_dashboard`` flag decides, off is ``sixfb.views.dashboard``."""

from django.urls import path

from insights.views import checklist, owner

urlpatterns = [
    path("", owner.dashboard, name="dashboard"),
    path("checklist/hide/", checklist.checklist_hide, name="checklist_hide"),
]

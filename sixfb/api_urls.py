"""Everything under /api/v1/: each app contributes its own ``api_urlpatterns``."""

from django.urls import path

from sixfb import api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api_me"),
]

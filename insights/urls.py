"""The owner's numbers, mounted at ``/insights/``."""

app_name = "insights"

urlpatterns: list = []

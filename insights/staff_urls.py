"""Staff-only pages, mounted at ``/staff/``: the operators' cost dashboard."""

app_name = "staff"

urlpatterns: list = []

"""Staff pages of the shop's business: the calendar, customers, services and barbers."""

from django.urls import path  # noqa: F401

urlpatterns: list = []

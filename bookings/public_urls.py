"""The public booking page, for the shop's customers (no account): /book/<shop slug>/..."""

from django.urls import path  # noqa: F401

urlpatterns: list = []

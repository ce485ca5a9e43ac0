"""The admin site operators use: the project's own apps first, in the order they work through them,
and dj-stripe's ~50 models folded into one section at the end.

A site class (installed through ``OperatorsAdminConfig.default_site``) rather than a template that
reorders: ``get_app_list`` feeds the index, each app's page and the navigation sidebar on every
admin page, so one ordering serves all three, and ``admin.site`` with every registration stays the
same object (no app's ``admin.py`` changes).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.template.response import TemplateResponse

# Our apps, in the order operators reach for them, with the section title shown for each.
OUR_APPS: dict[str, str] = {
    "sixfb": "Shops & accounts",
    "billing": "Billing",
    "agents": "Agents",
    "chat": "Chat",
    "actions": "Agent actions",
    "bookings": "Bookings",
    "notifications": "Notifications",
    "insights": "Insights",
    "legacy": "Legacy import",
}
STRIPE_APP = "djstripe"
STRIPE_SECTION = "Stripe (dj-stripe)"


def _position(app: dict[str, Any]) -> tuple[int, int, str]:
    label = app["app_label"]
    if label in OUR_APPS:
        return (0, list(OUR_APPS).index(label), "")
    if label == STRIPE_APP:
        return (2, 0, "")
    return (1, 0, str(app["name"]).lower())  # the other libraries (allauth, waffle, tasks...) by name


class OperatorsAdminSite(AdminSite):
    site_header = "6FB Agents admin"
    site_title = "6FB Agents admin"

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        for app in apps:
            if app["app_label"] in OUR_APPS:
                app["name"] = OUR_APPS[app["app_label"]]
            elif app["app_label"] == STRIPE_APP:
                app["name"] = STRIPE_SECTION
        return sorted(apps, key=_position)

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        # The index shows dj-stripe apart, folded (templates/admin/index.html); the sidebar keeps it last.
        apps = self.get_app_list(request)
        context = {
            "app_list": [app for app in apps if app["app_label"] != STRIPE_APP],
            "stripe_app_list": [app for app in apps if app["app_label"] == STRIPE_APP],
            **(extra_context or {}),
        }
        return super().index(request, extra_context=context)


class OperatorsAdminConfig(AdminConfig):
    """``django.contrib.admin`` with :class:`OperatorsAdminSite` as ``admin.site``."""

    default_site = "sixfb.admin_site.OperatorsAdminSite"

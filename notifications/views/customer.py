"""Pages reached from links in messages, without an account: one-click unsubscribe (RFC 8058) and a
customer's preferences. The signed token is the only key; a forged or altered one is a 404 page that
says so."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications.link_targets import CUSTOMER_SWITCHES, customer_choices, link_target
from notifications.services.email import customer_preferences_save, email_unsubscribe


def _bad_link(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/customer/bad_link.html", status=404)


@csrf_exempt  # mail clients POST here (RFC 8058) with no session; the signed token is the check
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    target = link_target(token, needs_group=True)
    if target is None:
        return _bad_link(request)
    done = request.method == "POST"
    if done:
        email_unsubscribe(target=target)
    if target.customer is not None:
        preferences_url = reverse("notification_customer_preferences", args=[token])
    else:
        preferences_url = reverse("notification_preferences")
    context = {"shop": target.shop, "target": target, "done": done, "token": token, "preferences_url": preferences_url}
    return render(request, "notifications/customer/unsubscribe.html", context)


@require_http_methods(["GET", "POST"])
def customer_preferences(request: HttpRequest, token: str) -> HttpResponse:
    target = link_target(token, customer_only=True)
    if target is None or target.customer is None:
        return _bad_link(request)
    if request.method == "POST":
        choices: dict[str, dict[str, bool]] = {}
        for group, channel in CUSTOMER_SWITCHES:
            choices.setdefault(group, {})[channel] = request.POST.get(f"{group}.{channel}") == "on"
        customer_preferences_save(target=target, choices=choices)
        return redirect(f"{request.path}?saved=1")
    context = {
        "shop": target.shop,
        "customer": target.customer,
        "choices": customer_choices(target.customer),
        "saved": request.GET.get("saved") == "1",
        "sms_consent": target.customer.sms_consent_at is not None,
    }
    return render(request, "notifications/customer/preferences.html", context)

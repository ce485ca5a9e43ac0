"""The notification center (`/notifications/`) and staff preferences. Every action is a POST that
redirects back without JavaScript; with htmx it answers the fragment to swap."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications import selectors
from notifications.forms import PreferencesForm, SnoozeForm
from notifications.services import inbox
from notifications.services.inbox import SNOOZE_CHOICES
from notifications.services.preferences import PreferenceError, preference_update
from sixfb.middleware import SignedInRequest


def _back(request: SignedInRequest) -> str:
    target = request.POST.get("next", "")
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if target and ok else reverse("notifications")


def _is_htmx(request: SignedInRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_GET
def notification_list(request: SignedInRequest) -> HttpResponse:
    unread = request.GET.get("filter") == "unread"
    try:
        page = selectors.inbox_page(user=request.user, unread_only=unread, cursor=request.GET.get("cursor", ""))
    except selectors.BadCursor:
        return redirect(reverse("notifications") + ("?filter=unread" if unread else ""))
    context = {"page": page, "unread": unread, "paged": bool(request.GET.get("cursor"))}
    if _is_htmx(request) and request.GET.get("cursor"):
        return render(request, "notifications/_items.html", context)
    inbox.notifications_mark_seen(user=request.user)  # after the page was read: new ones still show as new
    return render(request, "notifications/index.html", context)


@login_required
@require_POST
def notification_open(request: SignedInRequest, notification_id: UUID) -> HttpResponse:
    """Clicking a notification: read, then off to what it is about."""
    notification = inbox.notification_mark_read(user=request.user, notification_id=notification_id)
    return redirect(selectors.url_for(notification) or _back(request))


@login_required
@require_POST
def notification_archive(request: SignedInRequest, notification_id: UUID) -> HttpResponse:
    inbox.notification_archive(user=request.user, notification_id=notification_id)
    return _removed(request, "Archived.")


@login_required
@require_POST
def notification_snooze(request: SignedInRequest, notification_id: UUID) -> HttpResponse:
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Pick when the notification should come back.")
    inbox.notification_snooze(user=request.user, notification_id=notification_id, choice=form.cleaned_data["until"])
    return _removed(request, f"Snoozed until {SNOOZE_CHOICES[form.cleaned_data['until']].lower()}.")


@login_required
@require_POST
def notifications_read_all(request: SignedInRequest) -> HttpResponse:
    count = inbox.notifications_mark_all_read(user=request.user)
    if _is_htmx(request):
        unread = request.POST.get("filter") == "unread"
        page = selectors.inbox_page(user=request.user, unread_only=unread)
        return render(request, "notifications/_list.html", {"page": page, "unread": unread, "oob_bell": True})
    messages.success(request, f"{count} marked as read." if count else "Nothing was unread.")
    return redirect(_back(request))


def _removed(request: SignedInRequest, message: str) -> HttpResponse:
    if _is_htmx(request):
        return render(request, "notifications/_removed.html", {"message": message})
    messages.success(request, message)
    return redirect(_back(request))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: SignedInRequest) -> HttpResponse:
    shop = request.shop
    if shop is None:
        return render(request, "notifications/preferences.html", {"form": None})
    values = selectors.staff_preferences(shop=shop, user=request.user)
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_from(values))
    if request.method == "POST" and form.is_valid():
        try:
            preference_update(
                shop=shop, user=request.user, channels=form.channels(), quiet_hours=form.quiet_hours(), merge=False
            )
        except PreferenceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Notification preferences saved.")
            return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form, "shop": shop})

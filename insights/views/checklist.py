"""The dashboard's first-run checklist: its "Hide" button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from insights import services
from sixfb.middleware import SignedInRequest


@login_required
@require_POST
def checklist_hide(request: SignedInRequest) -> HttpResponse:
    if request.shop is None:  # the middleware only sets a shop the person belongs to
        raise Http404("You are not part of a shop yet.")
    services.checklist_dismiss(shop=request.shop, user=request.user)
    messages.success(request, "Checklist hidden. Agents, shop settings and plans stay in the menu.")
    return redirect("dashboard")

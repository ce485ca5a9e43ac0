from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from agents import selectors, services
from agents.forms import CustomAgentForm, ShopAgentSettingsForm
from billing.entitlements import shop_entitlements
from sixfb.middleware import SignedInRequest
from sixfb.models import Membership, Shop
from sixfb.selectors import get_membership_for_user


def _shop(request: SignedInRequest) -> Shop:
    if request.shop is None:
        raise Http404("You are not part of a shop yet.")
    return request.shop


def _membership(request: SignedInRequest) -> Membership:
    return get_membership_for_user(user=request.user, shop_slug=_shop(request).slug)


def _require_manager(request: SignedInRequest) -> Shop:
    """The request's shop, once its person is known to manage it (404 without a shop, else 403)."""
    if not _membership(request).can_manage_shop:
        raise PermissionDenied("Only the shop's owner or a manager can change its agents.")
    return _shop(request)


@login_required
def agent_list(request: SignedInRequest) -> HttpResponse:
    membership = _membership(request)
    allowance = selectors.agent_allowance_for_shop(shop=membership.shop)
    cards = [
        selectors.agent_card(item=item, allowance=allowance) for item in selectors.agents_for_shop(shop=membership.shop)
    ]
    return render(
        request,
        "agents/index.html",
        {"cards": cards, "allowance": allowance, "can_manage": membership.can_manage_shop},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agent_detail(request: SignedInRequest, slug: str) -> HttpResponse:
    membership = _membership(request)
    item = selectors.agent_for_shop(shop=membership.shop, slug=slug)
    allowance = selectors.agent_allowance_for_shop(shop=membership.shop)
    card = selectors.agent_card(item=item, allowance=allowance)
    initial = {
        "display_name": item.shop_agent.display_name if item.shop_agent else "",
        "instructions": item.instructions,
    }
    form = ShopAgentSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        _require_manager(request)
        if form.is_valid():
            services.shop_agent_update(shop=membership.shop, agent=item.agent, **form.cleaned_data)
            messages.success(request, "Agent settings saved.")
            return redirect("agent_detail", slug=slug)
    return render(
        request,
        "agents/detail.html",
        {"item": item, "card": card, "allowance": allowance, "form": form, "can_manage": membership.can_manage_shop},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def agent_enable(request: SignedInRequest, slug: str) -> HttpResponse:
    shop = _require_manager(request)
    agent = selectors.get_agent_for_shop(shop=shop, slug=slug)
    try:
        services.shop_agent_enable(shop=shop, agent=agent)
    except services.AgentLimitReached as refusal:
        messages.error(request, refusal.message, extra_tags="upgrade")
    except services.AgentError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{agent.name} is now on your team.")
    return redirect(_next(request))


@login_required
@require_POST
def agent_disable(request: SignedInRequest, slug: str) -> HttpResponse:
    shop = _require_manager(request)
    agent = selectors.get_agent_for_shop(shop=shop, slug=slug)
    services.shop_agent_disable(shop=shop, agent=agent)
    messages.success(request, f"{agent.name} is off your team. Its settings are kept.")
    return redirect(_next(request))


@login_required
@require_http_methods(["GET", "POST"])
def custom_agent_create(request: SignedInRequest) -> HttpResponse:
    shop = _require_manager(request)
    entitlements = shop_entitlements(shop=shop)
    form = CustomAgentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agent = services.custom_agent_create(shop=shop, **form.cleaned_data)
        except services.AgentError as refusal:
            messages.error(request, refusal.message, extra_tags="upgrade")
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"{agent.name} joined your team.")
            return redirect("agent_detail", slug=agent.slug)
    return render(request, "agents/new.html", {"form": form, "entitlements": entitlements})


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return target if target and safe else reverse("agents")

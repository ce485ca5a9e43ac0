from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sixfb import dashboard as dashboard_panels
from sixfb import health, selectors, services
from sixfb.errors import AppError
from sixfb.forms import ApiTokenForm, ProfileForm, ShopSettingsForm, business_hours_forms
from sixfb.middleware import CURRENT_SHOP_SESSION_KEY, SignedInRequest


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "landing.html")


@login_required
@require_GET
def dashboard(request: SignedInRequest) -> HttpResponse:
    shop = request.shop
    if shop is None:
        return render(request, "dashboard/no_shop.html")
    with timezone.override(shop.tzinfo):  # panels show times as the shop lives them
        panels = dashboard_panels.panels_render(request)
        lead_panels = dashboard_panels.panels_render(request, lead=True)
    context = {"stats": selectors.dashboard_stats(shop=shop), "panels": panels, "lead_panels": lead_panels}
    return render(request, "dashboard/index.html", context)


@login_required
@require_GET
def shop_settings_current(request: SignedInRequest) -> HttpResponse:
    if request.shop is None:
        return redirect("dashboard")
    return redirect("shop_settings", shop_slug=request.shop.slug)


@login_required
@require_http_methods(["GET", "POST"])
def shop_settings(request: SignedInRequest, shop_slug: str) -> HttpResponse:
    membership = selectors.get_membership_for_user(user=request.user, shop_slug=shop_slug)
    shop = membership.shop
    if request.method == "POST" and not membership.can_manage_shop:
        raise PermissionDenied("Only the shop's owner or a manager can change its settings.")
    data = request.POST if request.method == "POST" else None
    form = ShopSettingsForm(data, instance=shop)
    hours_forms = business_hours_forms(data=data, hours=shop.business_hours or {})
    if data is not None and form.is_valid() and all(f.is_valid() for f in hours_forms):
        try:
            services.shop_update(
                shop=shop,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
                business_hours={f.day: f.as_json() for f in hours_forms},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Shop settings saved.")
            return redirect("shop_settings", shop_slug=shop.slug)
    status = 400 if data is not None else 200
    return render(
        request,
        "shops/settings.html",
        {"shop": shop, "form": form, "hours_forms": hours_forms, "can_edit": membership.can_manage_shop},
        status=status,
    )


@login_required
@require_POST
def shop_switch(request: SignedInRequest, shop_slug: str) -> HttpResponse:
    membership = selectors.get_membership_for_user(user=request.user, shop_slug=shop_slug)
    request.session[CURRENT_SHOP_SESSION_KEY] = membership.shop_id
    messages.success(request, f"Now working in {membership.shop.name}.")
    return redirect("dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def account_profile(request: SignedInRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, initial={"full_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, full_name=form.cleaned_data["full_name"])
        messages.success(request, "Profile saved.")
        return redirect("account_profile")
    return _account_page(request, form=form)


def _account_page(
    request: SignedInRequest, *, form: ProfileForm, token_form: ApiTokenForm | None = None, **extra: object
) -> HttpResponse:
    context = {
        "form": form,
        "memberships": selectors.memberships_for_user(user=request.user),
        "api_tokens": selectors.api_tokens_for_user(user=request.user),
        "token_form": token_form or ApiTokenForm(),
        **extra,
    }
    return render(request, "account/profile.html", context, status=400 if token_form and token_form.errors else 200)


@never_cache  # the page shows the new key: no cache may keep it
@login_required
@require_POST
# A key outlives the session that made it, so a stolen session must not mint one: the password (or
# two-factor code) again first; allauth's middleware keeps this POST and replays it afterwards.
@reauthentication_required
def api_token_create(request: SignedInRequest) -> HttpResponse:
    profile = ProfileForm(initial={"full_name": request.user.full_name})
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        except AppError as exc:
            form.add_error("name", exc.message)
        else:
            # Rendered, not redirected: the key is never written to the session or anywhere else.
            return _account_page(request, form=profile, new_token=token, new_key=key)
    return _account_page(request, form=profile, token_form=form)


@login_required
@require_POST
def api_token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    token = selectors.get_api_token_for_user(user=request.user, token_id=token_id)
    services.api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked; it no longer works.")
    return redirect(reverse("account_profile") + "#api-tokens")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: the hashed static name exists only after collectstatic.
    return redirect(static("img/logo.svg"))


@never_cache
@require_GET
async def healthz(request: HttpRequest) -> JsonResponse:
    checks = await health.run_checks()
    failing = [name for name, result in checks.items() if result != "ok"]
    body: dict[str, object] = {"status": "ok" if not failing else "error", "checks": checks}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)

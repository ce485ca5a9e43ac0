"""Reads that encode who may see what. Another shop's object is a 404, never a 403."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404

from sixfb.models import ApiToken, Membership, Shop, User

_ROLE_RANK = Case(
    When(role=Membership.Role.OWNER, then=Value(0)),
    When(role=Membership.Role.MANAGER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def memberships_for_user(*, user: User):
    return Membership.objects.filter(user=user).select_related("shop").order_by(_ROLE_RANK, "created_at")


def shop_primary_for_user(*, user: User, preferred_shop_id: int | None = None) -> Shop | None:
    """The shop a signed-in person is working in: the one they picked, else their first as owner."""
    if not getattr(user, "is_authenticated", False):
        return None
    memberships = memberships_for_user(user=user)
    if preferred_shop_id is not None:
        chosen = next((m for m in memberships if m.shop_id == preferred_shop_id), None)
        if chosen is not None:
            return chosen.shop
    first = memberships.first()
    return first.shop if first else None


def get_membership_for_user(*, user: User, shop_slug: str) -> Membership:
    """The person's membership in the shop named by ``shop_slug``, or 404 if they have none."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such shop.")
    membership = Membership.objects.filter(user=user, shop__slug=shop_slug).select_related("shop").first()
    if membership is None:
        raise Http404("No such shop.")
    return membership


def user_manages_shop(*, user: User, shop: Shop) -> bool:
    """Whether the person is the shop's owner or a manager: who may see its business numbers."""
    managing = [Membership.Role.OWNER, Membership.Role.MANAGER]
    return Membership.objects.filter(user=user, shop=shop, role__in=managing).exists()


def shop_members(*, shop: Shop):
    return shop.memberships.select_related("user").order_by(_ROLE_RANK, "user__email")


def shop_profile_missing(*, shop: Shop) -> list[str]:
    """The settings a shop has not filled in yet; agents answer better once they are."""
    missing = []
    if not shop.address.strip():
        missing.append("address")
    if not shop.phone.strip():
        missing.append("phone")
    if not shop.notes_for_agents.strip():
        missing.append("notes for your agents")
    if not any(not day.get("closed") for day in (shop.business_hours or {}).values() if isinstance(day, dict)):
        missing.append("business hours")
    return missing


def dashboard_stats(*, shop: Shop) -> dict[str, object]:
    """Figures for the dashboard, all counted from the database (zero is an honest number)."""
    members = shop_members(shop=shop)
    by_role = {role: 0 for role in Membership.Role.values}
    for membership in members:
        by_role[membership.role] += 1
    hours = shop.business_hours or {}
    open_days = sum(1 for day in hours.values() if isinstance(day, dict) and not day.get("closed"))
    missing = shop_profile_missing(shop=shop)
    return {
        "team_size": sum(by_role.values()),
        "by_role": by_role,
        "open_days": open_days,
        "profile_missing": missing,
        "profile_complete_percent": round(100 * (4 - len(missing)) / 4),
    }


def api_tokens_for_user(*, user: User):
    """The person's working tokens, newest first (revoked ones are gone from the page)."""
    return ApiToken.objects.for_user(user).active()


def get_api_token_for_user(*, user: User, token_id: int) -> ApiToken:
    """One of the person's working tokens; anyone else's (or a revoked one) is a 404."""
    token = api_tokens_for_user(user=user).filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token


def api_token_for_key(*, key: str) -> ApiToken | None:
    """The working token a key presented over the API stands for, with its user."""
    return ApiToken.objects.active().filter(key_hash=ApiToken.hash_key(key)).select_related("user").first()

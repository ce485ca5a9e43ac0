"""Enabling agents: within the plan's cap, never by a barber; a downgrade disables the newest without deleting."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agents.models import ShopAgent
from agents.tests.support import LEGACY_SLUGS
from billing.models import Plan
from billing.services import shop_plan_set_manually
from sixfb.models import Membership
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db


def enable(client, slug):
    return client.post(reverse("agent_enable", args=[slug]), follow=True)


def test_free_plan_enables_one_agent_and_refuses_the_second_with_a_pricing_link(client):
    owner, shop = make_owner()
    client.force_login(owner)

    assert enable(client, "business_coach").status_code == 200
    response = enable(client, "marketing_expert")

    page = response.content.decode()
    assert "Your Free plan includes 1 agent." in page
    assert reverse("pricing") in page
    enabled = set(ShopAgent.objects.filter(shop=shop, enabled=True).values_list("agent__slug", flat=True))
    assert enabled == {"business_coach"}


def test_starter_allows_five(client):
    owner, shop = make_owner()
    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="starter"))
    client.force_login(owner)
    for slug in sorted(LEGACY_SLUGS):
        enable(client, slug)
    assert ShopAgent.objects.filter(shop=shop, enabled=True).count() == 5


def test_downgrade_disables_the_newest_agents_without_deleting_them(client):
    owner, shop = make_owner()
    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="professional"))
    client.force_login(owner)
    order = ["business_coach", "booking_manager", "content_generator", "financial_advisor"]
    for slug in order[1:]:  # the coach is on from the start
        enable(client, slug)
    client.post(
        reverse("agent_detail", args=["content_generator"]),
        {"display_name": "Caption Pro", "instructions": "Always mention our Saturday specials."},
    )

    shop_plan_set_manually(shop=shop, plan=Plan.objects.get(slug="free"))

    rows = {sa.agent.slug: sa for sa in ShopAgent.objects.filter(shop=shop).select_related("agent")}
    assert set(rows) == set(order)  # nothing deleted
    assert [slug for slug in order if rows[slug].enabled] == ["business_coach"]  # the first one stays
    assert rows["content_generator"].disabled_reason == "plan_limit"
    assert rows["content_generator"].display_name == "Caption Pro"
    assert rows["content_generator"].instructions == "Always mention our Saturday specials."


def test_a_barber_cannot_enable_or_disable(client):
    _owner, shop = make_owner()
    barber = add_member(shop=shop, role=Membership.Role.BARBER)
    client.force_login(barber)
    assert client.post(reverse("agent_enable", args=["marketing_expert"])).status_code == 403
    assert client.post(reverse("agent_disable", args=["business_coach"])).status_code == 403
    assert list(ShopAgent.objects.filter(shop=shop).enabled().values_list("agent__slug", flat=True)) == [
        "business_coach"
    ]
    page = client.get(reverse("agents")).content.decode()
    assert reverse("agent_enable", args=["marketing_expert"]) not in page

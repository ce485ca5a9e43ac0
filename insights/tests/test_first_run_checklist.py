"""The dashboard's first-run checklist: each step done from the shop's own rows, gone once all are."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from agents.models import Agent, ShopAgent
from billing.models import Plan, ShopBilling
from chat.models import Conversation, Message
from insights.checklist import first_run_checklist
from insights.models import ChecklistDismissal
from insights.tests.costs_data import stripe_customer, subscription
from sixfb.flags import NEW_DASHBOARD
from sixfb.models import Flag, Membership, Shop, default_business_hours
from sixfb.services import shop_update
from tests.base import add_member, make_owner

pytestmark = pytest.mark.django_db


def steps(page: str) -> dict[str, bool]:
    """{step: done} as the dashboard shows them; {} when there is no checklist."""
    return {key: done == "true" for key, done in re.findall(r'data-step="(\w+)" data-done="(true|false)"', page)}


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def ask(shop: Shop, user) -> None:
    conversation = Conversation.objects.create(shop=shop, user=user, agent=Agent.objects.get(slug="business_coach"))
    Message.objects.create(conversation=conversation, shop=shop, role=Message.Role.USER, content="How do I grow?")


def own_hours(shop: Shop) -> None:
    hours = default_business_hours()
    hours["saturday"] = {"closed": False, "open": "08:00", "close": "14:00"}
    shop_update(shop=shop, business_hours=hours)


def pay(shop: Shop) -> None:
    ShopBilling.objects.create(shop=shop, manual_plan=Plan.objects.get(slug="starter"))


def test_a_new_owner_sees_what_to_do_first_with_a_link_for_each_step(client):
    owner, shop = make_owner()  # the coach comes enabled with every new shop
    page = dashboard(client, owner)
    assert steps(page) == {"agent": True, "question": False, "hours": False, "plan": False}
    assert "1 of 4 done" in page
    assert reverse("agent_detail", args=["business_coach"]) in page  # "Try asking" where the prompts are
    assert reverse("shop_settings", kwargs={"shop_slug": shop.slug}) in page
    assert reverse("pricing") in page
    assert page.index("data-checklist") < page.index('class="stats"')  # it opens the dashboard


def test_each_step_flips_when_its_data_appears(client):
    owner, shop = make_owner()
    ShopAgent.objects.filter(shop=shop).update(enabled=False)
    assert steps(dashboard(client, owner)) == {"agent": False, "question": False, "hours": False, "plan": False}

    ShopAgent.objects.filter(shop=shop).update(enabled=True)
    assert steps(dashboard(client, owner))["agent"] is True
    ask(shop, owner)
    assert steps(dashboard(client, owner))["question"] is True
    own_hours(shop)
    assert steps(dashboard(client, owner))["hours"] is True
    pay(shop)
    assert steps(dashboard(client, owner)) == {}  # all four done: the checklist is gone
    assert "data-checklist" not in dashboard(client, owner)


def test_a_live_subscription_counts_as_a_chosen_plan_a_canceled_one_does_not():
    owner, shop = make_owner()
    customer = stripe_customer(shop, 1)
    subscription(customer, 1, "canceled", 4500, "month")
    assert first_run_checklist(shop=shop, user=owner).steps[3].done is False
    subscription(customer, 2, "active", 4500, "month")
    assert first_run_checklist(shop=shop, user=owner).steps[3].done is True


def test_the_default_hours_or_a_shop_closed_all_week_are_not_hours_set():
    owner, shop = make_owner()
    shop_update(shop=shop, business_hours=default_business_hours())
    assert first_run_checklist(shop=shop, user=owner).steps[2].done is False
    shop_update(shop=shop, business_hours={day: {"closed": True} for day in default_business_hours()})
    assert first_run_checklist(shop=shop, user=owner).steps[2].done is False


def test_another_shops_progress_never_counts(client):
    owner, shop = make_owner(shop_name="Fresh Cuts")
    rival, rival_shop = make_owner(shop_name="Rival Fades")
    ask(rival_shop, rival)
    own_hours(rival_shop)
    pay(rival_shop)
    subscription(stripe_customer(rival_shop, 1), 1, "active", 4500, "month")
    ShopAgent.objects.filter(shop=shop).update(enabled=False)
    # The owner of the rival shop is also a manager here: their own questions elsewhere don't count either.
    Membership.objects.create(shop=shop, user=rival, role=Membership.Role.MANAGER)

    assert steps(dashboard(client, owner)) == {"agent": False, "question": False, "hours": False, "plan": False}
    assert first_run_checklist(shop=shop, user=rival).done_count == 0


def test_a_manager_sees_it_a_barber_does_not(client):
    _owner, shop = make_owner()
    manager = add_member(shop=shop, role=Membership.Role.MANAGER)
    barber = add_member(shop=shop, role=Membership.Role.BARBER)
    assert steps(dashboard(client, manager))
    assert steps(dashboard(client, barber)) == {}


def test_the_new_dashboard_shows_it_too(client):
    owner, shop = make_owner()
    flag = Flag.objects.get(name=NEW_DASHBOARD)
    flag.shops.add(shop)
    flag.save()
    page = dashboard(client, owner)
    assert 'data-dashboard="new"' in page
    assert page.index("data-checklist") < page.index("today-numbers-heading")  # above the numbers
    assert steps(page) == {"agent": True, "question": False, "hours": False, "plan": False}


def test_hide_puts_it_away_for_that_person_only(client):
    owner, shop = make_owner()
    manager = add_member(shop=shop, role=Membership.Role.MANAGER)
    client.force_login(owner)
    assert client.get(reverse("checklist_hide")).status_code == 405
    response = client.post(reverse("checklist_hide"))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert steps(dashboard(client, owner)) == {}
    assert ChecklistDismissal.objects.filter(shop=shop, user=owner).count() == 1
    assert steps(dashboard(client, manager))  # the manager still has it


def test_the_checklist_costs_one_query(django_assert_max_num_queries):
    owner, shop = make_owner()
    ask(shop, owner)
    with django_assert_max_num_queries(1):
        checklist = first_run_checklist(shop=shop, user=owner)
    assert checklist is not None and checklist.done_count == 2

"""``GET /api/v1/agents/``: what each kind of caller sees."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from agents.models import Agent
from tests.base import make_owner, make_user

pytestmark = pytest.mark.django_db


def agents_listed(user) -> list[dict]:
    token = Token.objects.create(user=user)
    response = Client().get("/api/v1/agents/", headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 200
    return response.json()


def test_staff_without_a_shop_see_the_whole_catalog():
    staff = make_user(is_staff=True)
    Agent.objects.filter(slug="booking_manager").update(status=Agent.Status.MAINTENANCE)
    _owner, shop = make_owner()
    Agent.objects.create(slug="their-own", name="Their own", role="r", description="d", system_prompt="p", shop=shop)

    listed = {a["slug"]: a for a in agents_listed(staff)}

    assert set(listed) == set(Agent.objects.catalog().values_list("slug", flat=True))
    assert len(listed) == 6  # the platform catalog; no shop's custom agent
    assert listed["booking_manager"]["status"] == "maintenance"
    assert not any(a["enabled"] for a in listed.values())


def test_people_without_a_shop_who_are_not_staff_see_nothing():
    assert agents_listed(make_user()) == []

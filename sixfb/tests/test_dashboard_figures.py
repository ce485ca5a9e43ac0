"""The dashboard's team figures, counted from the database, and what it says to someone without a shop."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sixfb.models import Membership
from tests.base import add_member, make_owner, make_user

pytestmark = pytest.mark.django_db


def test_dashboard_counts_the_team_from_the_database(client):
    owner, shop = make_owner(shop_name="Fresh Cuts")
    client.force_login(owner)
    assert client.get(reverse("dashboard")).context["stats"]["team_size"] == 1

    add_member(shop=shop, role=Membership.Role.BARBER)
    add_member(shop=shop, role=Membership.Role.MANAGER)
    _other_owner, other_shop = make_owner(shop_name="Rival")
    add_member(shop=other_shop)

    response = client.get(reverse("dashboard"))
    stats = response.context["stats"]
    assert stats["team_size"] == 3
    assert stats["by_role"] == {"owner": 1, "manager": 1, "barber": 1}
    assert stats["open_days"] == 6  # the default week: Monday to Saturday
    assert 'data-stat="team_size">3<' in response.content.decode()
    assert "Fresh Cuts" in response.content.decode()


def test_dashboard_without_a_shop_says_so(client):
    user = make_user()
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "not part of a shop" in response.content.decode()

"""Public and signed-in pages, navigation, the dashboard's figures and the security headers."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from sixfb.models import Membership
from tests.base import add_member, make_owner, make_user

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = ["dashboard", "agents", "chat", "billing", "notifications", "account_profile", "mfa_index"]


def test_landing_is_public(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Start free" in page
    assert reverse("account_signup") in page


def test_pricing_is_public(client):
    assert client.get("/pricing/").status_code == 200


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_need_a_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_every_area_is_reachable_from_the_navigation(client, name):
    owner, _shop = make_owner()
    client.force_login(owner)
    response = client.get(reverse(name))
    assert response.status_code == 200
    dashboard = client.get(reverse("dashboard")).content.decode()
    if name != "mfa_index":
        assert f'href="{reverse(name)}"' in dashboard


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


def test_profile_saves_the_name(client):
    owner, _shop = make_owner()
    client.force_login(owner)
    response = client.post(reverse("account_profile"), {"full_name": "Marcus Fade"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.full_name == "Marcus Fade"


def test_content_security_policy_forbids_inline_scripts(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_carry_no_inline_script(client):
    owner, _shop = make_owner()
    client.force_login(owner)
    for path in ["/", reverse("dashboard"), reverse("account_login")]:
        page = client.get(path).content.decode()
        for chunk in page.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            assert "src=" in tag or 'type="application/json"' in tag, f"inline script on {path}"


def test_posthog_snippet_only_with_a_key(client):
    assert "posthog" not in client.get("/").content.decode()
    with override_settings(POSTHOG_API_KEY="phc_testkey1234567890", POSTHOG_HOST="http://127.0.0.1:9"):
        page = client.get("/").content.decode()
    assert 'id="posthog-config"' in page
    assert "phc_testkey1234567890" in page
    assert "vendor/posthog" in page

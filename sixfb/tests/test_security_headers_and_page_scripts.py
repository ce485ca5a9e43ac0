"""Security headers (a CSP without inline scripts), no inline script on pages, the PostHog snippet only with a key."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.base import make_owner

pytestmark = pytest.mark.django_db


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

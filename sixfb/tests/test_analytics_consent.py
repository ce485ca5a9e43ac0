"""The server leaves posthog-js out of the page until the visitor's cookie says yes; Do Not Track
and Global Privacy Control headers count as no."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

SCRIPT = '<script src="/static/vendor/posthog'


@pytest.fixture
def with_key():
    with override_settings(POSTHOG_API_KEY="phc_testkey1234567890", POSTHOG_HOST="http://127.0.0.1:9"):
        yield


def config_of(page: str) -> dict:
    start = page.index('id="posthog-config" type="application/json">') + len(
        'id="posthog-config" type="application/json">'
    )
    return json.loads(page[start : page.index("</script>", start)])


def test_no_banner_no_script_and_no_config_without_a_key(client):
    page = client.get("/").content.decode()
    assert "consent-banner" not in page and "posthog-config" not in page


def test_not_asked_yet_the_banner_is_there_and_posthog_is_not(client, with_key):
    page = client.get("/").content.decode()
    assert 'id="consent-banner"' in page and "data-consent-open" in page
    assert SCRIPT not in page
    assert config_of(page)["consent"] == ""


@pytest.mark.parametrize(("cookie", "loaded"), [("granted", True), ("denied", False), ("nonsense", False)])
def test_the_cookie_decides_the_script(client, with_key, cookie, loaded):
    client.cookies["analytics_consent"] = cookie
    page = client.get("/").content.decode()
    assert (SCRIPT in page) is loaded
    assert config_of(page)["consent"] == ("" if cookie == "nonsense" else cookie)


@pytest.mark.parametrize("header", [{"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}])
def test_do_not_track_and_gpc_outweigh_a_yes(client, with_key, header):
    client.cookies["analytics_consent"] = "granted"
    page = client.get("/", **header).content.decode()
    assert SCRIPT not in page
    assert config_of(page)["consent"] == "denied"

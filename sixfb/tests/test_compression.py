"""Pages and JSON leave gzipped for a client that accepts it; the chat's event stream never is."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.base import make_owner

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_page_is_gzipped_for_a_client_that_accepts_it(client):
    response = client.get("/", headers=GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"6FB Agents" in gzip.decompress(response.content)


def test_a_page_is_plain_for_a_client_that_does_not(client):
    response = client.get("/")
    assert not response.has_header("Content-Encoding")
    assert b"6FB Agents" in response.content


def test_api_json_is_gzipped(client):
    user, _shop = make_owner(shop_name="Gzip Cuts")
    client.force_login(user)
    response = client.get("/api/v1/agents/", headers=GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert isinstance(json.loads(gzip.decompress(response.content)), list | dict)

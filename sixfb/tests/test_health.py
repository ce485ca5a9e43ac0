"""GET /healthz: a round trip through the database, the cache and the channel layer."""

from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

# Port 1 on loopback: nothing listens there, so the connection is refused at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def test_healthz_is_ok_when_everything_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "channel_layer": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_naming_the_cache_when_the_cache_is_down(client):
    dead_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}}
    with override_settings(CACHES=dead_cache):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["cache"]
    assert body["checks"]["cache"].startswith("error")
    assert body["checks"]["database"] == "ok"


def test_healthz_is_503_naming_the_channel_layer_when_it_is_down(client):
    dead_layer = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [DEAD_REDIS]}}}
    with override_settings(CHANNEL_LAYERS=dead_layer):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["channel_layer"]


def test_healthz_answers_only_get(client):
    assert client.post("/healthz").status_code == 405

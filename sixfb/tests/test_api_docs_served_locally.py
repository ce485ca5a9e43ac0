"""The OpenAPI schema and its docs page are served by this server, with nothing from a CDN."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_schema_and_docs_are_served_locally(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()

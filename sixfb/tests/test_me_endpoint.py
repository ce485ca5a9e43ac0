"""`GET /api/v1/me/`: refused without authentication; with a token, the caller and only their shops."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from tests.base import make_owner

pytestmark = pytest.mark.django_db


def test_me_needs_authentication(client):
    assert client.get("/api/v1/me/").status_code in {401, 403}


def test_me_lists_the_users_shops_by_token(client):
    user, _shop = make_owner(shop_name="Fresh Cuts")
    make_owner(shop_name="Rival Fades")
    token = Token.objects.create(user=user)

    response = client.get("/api/v1/me/", headers={"Authorization": f"Token {token.key}"})

    assert response.status_code == 200
    body = response.json()
    assert body["uuid"] == str(user.uuid)
    assert [s["name"] for s in body["shops"]] == ["Fresh Cuts"]
    assert body["shops"][0]["role"] == "owner"

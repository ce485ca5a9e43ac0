"""The profile page saves the person's name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.base import make_owner

pytestmark = pytest.mark.django_db


def test_profile_saves_the_name(client):
    owner, _shop = make_owner()
    client.force_login(owner)
    response = client.post(reverse("account_profile"), {"full_name": "Marcus Fade"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.full_name == "Marcus Fade"

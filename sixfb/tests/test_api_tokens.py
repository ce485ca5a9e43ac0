"""Personal API tokens: made on the account page (the key shown once), used as
``Authorization: Token <key>``, revoked there; DRF authtoken keys made before them still work."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from sixfb.models import ApiToken
from sixfb.services import MAX_API_TOKENS_PER_USER, api_token_create
from tests.base import PASSWORD, make_owner, make_user

pytestmark = pytest.mark.django_db

KEY = re.compile(r'value="(6fb_[A-Za-z0-9_-]{40,})"')


def sign_in(client: Client, user) -> None:
    """Signed in and, as making a key asks, re-authenticated with the password (allauth's own page)."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def create_on_the_page(client: Client, name: str) -> tuple[str, str]:
    response = client.post(reverse("api_token_create"), {"name": name})
    assert response.status_code == 200
    html = response.content.decode()
    match = KEY.search(html)
    assert match, "the new key is on the page"
    return match.group(1), html


def api(key: str) -> Client:
    return Client(headers={"Authorization": f"Token {key}"})


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(client):
    user, _shop = make_owner()
    sign_in(client, user)
    key, html = create_on_the_page(client, "Booking sync")
    assert "shown only this once" in html
    assert "no-store" in client.post(reverse("api_token_create"), {"name": "Other"}).get("Cache-Control", "")

    token = ApiToken.objects.get(name="Booking sync")
    assert token.user == user and token.key_hash == ApiToken.hash_key(key) and key.startswith(token.prefix)
    assert not ApiToken.objects.filter(key_hash=key).exists()  # the key itself is nowhere
    page = client.get(reverse("account_profile")).content.decode()
    assert key not in page  # never again
    assert f"<code>{token.prefix}…</code>" in page and "Booking sync" in page and "never used" in page


def test_the_key_works_over_the_api_and_last_use_is_recorded_once_a_minute(client):
    user, _shop = make_owner(email="marcus@freshcuts.com")
    sign_in(client, user)
    key, _html = create_on_the_page(client, "Script")
    response = api(key).get("/api/v1/me/")
    assert response.status_code == 200 and response.json()["email"] == "marcus@freshcuts.com"

    token = ApiToken.objects.get()
    first = token.last_used_at
    assert first is not None
    api(key).get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: no second write

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=5))
    api(key).get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(minutes=5)
    assert "last used" in client.get(reverse("account_profile")).content.decode()


def test_a_revoked_token_is_refused_with_401(client):
    user, _shop = make_owner()
    sign_in(client, user)
    key, _html = create_on_the_page(client, "Old laptop")
    token = ApiToken.objects.get()
    response = client.post(reverse("api_token_revoke", kwargs={"token_id": token.pk}))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = api(key).get("/api/v1/me/")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    assert refused.json()["code"] == "authentication_failed"
    page = client.get(reverse("account_profile")).content.decode()
    assert "revoked; it no longer works" in page and f'data-token="{token.prefix}"' not in page


def test_an_unknown_key_of_ours_is_a_401_too():
    refused = api("6fb_" + "x" * 43).get("/api/v1/me/")
    assert refused.status_code == 401 and refused.json()["code"] == "authentication_failed"


@pytest.mark.parametrize("header", ["Token", "Token two words", "Token \u00e9t\u00e9"])
def test_a_malformed_token_header_is_a_401_like_a_bad_key(header):
    refused = Client(headers={"Authorization": header}).get("/api/v1/me/")
    assert refused.status_code == 401 and refused.json()["code"] == "authentication_failed"
    assert refused["WWW-Authenticate"] == "Token"


def test_someone_elses_token_cannot_be_revoked_or_seen(client):
    owner, _shop = make_owner()
    token, key = api_token_create(user=owner, name="Owner's script")
    stranger = make_user()
    sign_in(client, stranger)
    assert client.post(reverse("api_token_revoke", kwargs={"token_id": token.pk})).status_code == 404
    assert "Owner&#x27;s script" not in client.get(reverse("account_profile")).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api(key).get("/api/v1/me/").status_code == 200


def test_tokens_are_capped_per_person(client):
    user, _shop = make_owner()
    for n in range(MAX_API_TOKENS_PER_USER):
        api_token_create(user=user, name=f"Token {n}")
    sign_in(client, user)
    response = client.post(reverse("api_token_create"), {"name": "One too many"})
    assert response.status_code == 400 and "revoke one" in response.content.decode()
    assert ApiToken.objects.filter(user=user).count() == MAX_API_TOKENS_PER_USER


def test_a_token_needs_a_name(client):
    sign_in(client, make_user())
    response = client.post(reverse("api_token_create"), {"name": "  "})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_drf_authtoken_keys_made_before_keep_working():
    user, _shop = make_owner()
    legacy = Token.objects.create(user=user)
    assert api(legacy.key).get("/api/v1/me/").status_code == 200
    refused = api("0" * 40).get("/api/v1/me/")
    assert refused.status_code == 401 and refused.json()["code"] == "authentication_failed"


def test_an_inactive_persons_token_is_refused():
    user, _shop = make_owner()
    _token, key = api_token_create(user=user, name="Script")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api(key).get("/api/v1/me/").status_code == 401


def test_signed_out_callers_still_get_403_not_authenticated():
    response = Client().get("/api/v1/me/")
    assert response.status_code == 403 and response.json()["code"] == "not_authenticated"


def test_the_schema_documents_the_token_scheme_and_where_to_get_one(client):
    schema = client.get("/api/schema/?format=json").json()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["type"] == "apiKey" and scheme["name"] == "Authorization"
    assert "/account/" in scheme["description"]
    assert "/account/" in schema["info"]["description"]
    me = schema["paths"]["/api/v1/me/"]["get"]
    assert {"tokenAuth": []} in me["security"] and "401" in me["responses"]


def test_revoke_is_post_only(client):
    user, _shop = make_owner()
    token, _key = api_token_create(user=user, name="Script")
    sign_in(client, user)
    assert client.get(reverse("api_token_revoke", kwargs={"token_id": token.pk})).status_code == 405
    assert ApiToken.objects.get().revoked_at is None


def test_making_a_key_asks_for_the_password_again_and_then_makes_it(client):
    user, _shop = make_owner()
    client.force_login(user)  # a session alone (it could be a stolen one) does not mint a key
    response = client.post(reverse("api_token_create"), {"name": "Sync"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.filter(user=user).exists()
    wrong = client.post(response["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200 and not ApiToken.objects.filter(user=user).exists()
    # The right password replays the kept request: the key is made once and shown.
    resumed = client.post(response["Location"], {"password": PASSWORD}, follow=True)
    assert KEY.search(resumed.content.decode()), resumed.redirect_chain
    assert list(ApiToken.objects.filter(user=user).values_list("name", flat=True)) == ["Sync"]

"""Our 400, 403, 404 and 500 pages: the product's look and a way on; /api/ keeps its JSON errors."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from sixfb import urls as project_urls
from tests.base import make_owner

pytestmark = pytest.mark.django_db


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def unreadable(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("bad")


# This module is also the URLconf for the tests below: the project's, with three pages that fail.
urlpatterns = [
    path("boom/", crash),
    path("forbidden/", forbidden),
    path("unreadable/", unreadable),
    path("api/v1/boom/", crash),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

with_failing_pages = override_settings(ROOT_URLCONF=__name__)


def get(path: str, client: Client | None = None):
    client = client or Client()
    client.raise_request_exception = False
    return client.get(path)


def test_a_missing_page_is_our_404_with_a_way_home():
    response = get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "We can't find that page" in html
    assert 'href="/"' in html and 'class="topbar"' in html


def test_a_signed_in_404_offers_conversation_search_and_the_dashboard(client):
    user, _shop = make_owner()
    client.force_login(user)

    html = get("/no-such-page/", client).content.decode()

    assert '<form class="search-row" method="get" action="/chat/" role="search">' in html
    assert 'name="q"' in html
    assert 'href="/dashboard/"' in html


def test_another_shops_object_is_our_404_too(client):
    user, _shop = make_owner(email="a@example.com")
    _other, other_shop = make_owner(email="b@example.com", shop_name="Other Cuts")
    client.force_login(user)

    response = get(f"/shops/{other_shop.slug}/settings/", client)

    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


@with_failing_pages
def test_a_crash_is_our_500_without_the_error_and_with_a_way_home():
    response = get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "boom" not in html
    assert 'href="/"' in html and "css/app.css" in html


@with_failing_pages
def test_a_forbidden_page_is_our_403():
    response = get("/forbidden/")

    assert response.status_code == 403
    assert "You can't open this page" in response.content.decode()
    assert 'href="/"' in response.content.decode()


@with_failing_pages
def test_a_bad_request_is_our_400():
    response = get("/unreadable/")

    assert response.status_code == 400
    assert "We couldn't read that request" in response.content.decode()


@with_failing_pages
@pytest.mark.parametrize(
    ("page", "status", "code"), [("/api/v1/boom/", 500, "internal_error"), ("/api/v1/nope/", 404, "not_found")]
)
def test_api_paths_keep_the_json_error_contract(page, status, code):
    response = get(page)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code

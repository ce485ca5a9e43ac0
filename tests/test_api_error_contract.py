"""Every API error answers one shape (DESIGN, contracts; issue 13): ``{"code", "message"}``, plus
``"fields"`` for a validation error.

The walk goes over every path and method the OpenAPI schema documents, so a new endpoint is
checked the day it is added: anonymous, an unknown object, a malformed body, wrong-typed fields,
a method it does not allow. The rest covers what no endpoint answers today but the handler must:
throttling, nested validation errors, a crash, an unknown path.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.throttling import BaseThrottle

from sixfb.api import MeView
from sixfb.errors import AppError
from tests.base import make_owner

pytestmark = pytest.mark.django_db

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
METHODS = ("get", "post", "put", "patch", "delete")
# Operations anyone may call, without signing in ("METHOD /path" as the schema spells it); none yet.
PUBLIC: set[str] = set()
# A real object for each path parameter of an operation that takes a body: its body is only read
# once the object is found. A new such endpoint fails the walk until it is named here.
# A callable value makes the object in the signed-in staff owner's shop when the test runs.
EXISTING = {
    ("/api/v1/agents/{slug}/status", "slug"): "business_coach",
    ("/api/v1/appointments/{appointment_id}/status", "appointment_id"): lambda: an_appointment().pk,
}

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)


def path_parameters(operation: dict) -> list[dict]:
    return [p for p in operation.get("parameters", []) if p["in"] == "path"]


def operations(keep=lambda operation: True) -> list:
    return [
        pytest.param(path, method, operation, id=f"{method.upper()} {path}")
        for path, item in SCHEMA["paths"].items()
        for method, operation in item.items()
        if method in METHODS and keep(operation)
    ]


OPERATIONS = operations()
WITH_PATH_PARAMETERS = operations(path_parameters)
WITH_BODY = operations(lambda operation: "requestBody" in operation)


def assert_error(response, status: int | set[int], code: str | None = None, *, fields: bool = False) -> dict:
    """The response is the contract's error: JSON, exactly code and message (and fields when asked)."""
    statuses = {status} if isinstance(status, int) else status
    assert response.status_code in statuses, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    expected = {"code", "message", "fields"} if fields else {"code", "message"}
    assert set(body) == expected, body
    assert isinstance(body["code"], str) and SNAKE_CASE.match(body["code"]), body
    assert isinstance(body["message"], str) and body["message"].strip(), body
    if code is not None:
        assert body["code"] == code, body
    if fields:
        assert body["fields"] and isinstance(body["fields"], dict), body
        for name, messages in body["fields"].items():
            assert isinstance(name, str) and messages, body
            assert all(isinstance(m, str) and m for m in messages), body
    return body


def fill(path: str, operation: dict, value_for) -> str:
    for parameter in path_parameters(operation):
        path = path.replace("{" + parameter["name"] + "}", str(value_for(parameter)))
    return path


def unknown_value(parameter: dict) -> object:
    schema = parameter.get("schema", {})
    if schema.get("format") == "uuid":
        return uuid.uuid4()
    if schema.get("type") == "integer":
        return 2_000_000_000
    return "no-such-thing"


def existing_value(path: str):
    def value_for(parameter: dict) -> object:
        key = (path, parameter["name"])
        assert key in EXISTING, f"name a real object for {key} in EXISTING"
        value = EXISTING[key]
        return value() if callable(value) else value

    return value_for


def an_appointment():
    """An appointment at noon tomorrow in the staff owner's shop (the one ``staff_owner`` made),
    open every day so the weekday does not matter."""
    import datetime as dt

    from bookings.services import appointment_book, barber_create, customer_create, service_create
    from sixfb.models import Shop

    shop = Shop.objects.get(memberships__user__is_staff=True)
    shop.business_hours = {day: {"open": "08:00", "close": "20:00"} for day in shop.business_hours}
    shop.save(update_fields=["business_hours"])
    barber = barber_create(shop=shop, name="Ana")
    service = service_create(shop=shop, name="Haircut", duration_minutes=30, price="35")
    customer = customer_create(shop=shop, name="Sam", phone="+12125550123")
    tomorrow = dt.datetime.now(shop.tzinfo).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(12), tzinfo=shop.tzinfo)
    return appointment_book(shop=shop, service=service, start=start, customer=customer, barber=barber)


def request_properties(operation: dict) -> dict:
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema.get("properties", {})


def wrong_type(schema: dict) -> object:
    return 12345 if schema.get("type") == "object" else {"not": schema.get("type", "this")}


@pytest.fixture
def staff_owner():
    """A staff member who also owns a shop: allowed everywhere, so each check reaches the view."""
    user, _shop = make_owner()
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def api(staff_owner) -> Client:
    token = Token.objects.create(user=staff_owner)
    return Client(headers={"Authorization": f"Token {token.key}"})


def send(client: Client, method: str, path: str, body: bytes | str = "{}"):
    if method in {"get", "delete"}:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, content_type="application/json")


def test_the_walk_covers_the_api():
    assert len(OPERATIONS) >= 6
    assert WITH_PATH_PARAMETERS and WITH_BODY


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS)
def test_anonymous_callers_are_refused_in_the_contract(path, method, operation):
    if f"{method.upper()} {path}" in PUBLIC:
        pytest.skip("public")
    response = send(Client(), method, fill(path, operation, unknown_value))
    assert_error(response, {401, 403}, "not_authenticated")


@pytest.mark.parametrize(("path", "method", "operation"), WITH_PATH_PARAMETERS)
def test_unknown_objects_are_a_404_in_the_contract(api, path, method, operation):
    assert_error(send(api, method, fill(path, operation, unknown_value)), 404, "not_found")


@pytest.mark.parametrize(("path", "method", "operation"), WITH_BODY)
def test_a_malformed_body_is_a_400_parse_error(api, path, method, operation):
    response = send(api, method, fill(path, operation, existing_value(path)), b'{"message": "unfinished')
    assert_error(response, 400, "parse_error")


@pytest.mark.parametrize(("path", "method", "operation"), WITH_BODY)
def test_wrong_typed_fields_are_a_400_naming_the_fields(api, path, method, operation):
    body = {name: wrong_type(schema) for name, schema in request_properties(operation).items()}
    assert body, "a body with no fields to get wrong"
    response = send(api, method, fill(path, operation, existing_value(path)), json.dumps(body))
    assert set(assert_error(response, 400, fields=True)["fields"]) <= set(body) | {"non_field_errors"}


@pytest.mark.parametrize("path", list(SCHEMA["paths"]))
def test_a_method_a_path_does_not_allow_is_a_405_in_the_contract(api, path):
    item = SCHEMA["paths"][path]
    method = next(m for m in ("delete", "put", "patch") if m not in item)
    operation = next(op for m, op in item.items() if m in METHODS)
    assert_error(send(api, method, fill(path, operation, unknown_value)), 405, "method_not_allowed")


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS)
def test_the_schema_documents_each_error_with_the_one_error_component(path, method, operation):
    errors = {status: r for status, r in operation["responses"].items() if status.isdigit() and int(status) >= 400}
    assert {"401", "403"} & set(errors) or f"{method.upper()} {path}" in PUBLIC
    if "requestBody" in operation:
        assert "400" in errors
    if path_parameters(operation):
        assert "404" in errors
    for response in errors.values():
        assert response["content"] == {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def test_the_error_component_is_code_and_message_with_optional_fields():
    error = SCHEMA["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message"}
    assert error["properties"]["fields"]["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


# --- What no endpoint answers today, but the handler must ---------------------------------------


def test_a_bad_token_is_refused_in_the_contract():
    response = Client(headers={"Authorization": "Token not-a-real-token"}).get("/api/v1/me/")
    assert_error(response, {401, 403}, "authentication_failed")


def test_a_401_keeps_its_www_authenticate_header(monkeypatch):
    from rest_framework.authentication import TokenAuthentication

    monkeypatch.setattr(MeView, "authentication_classes", [TokenAuthentication])
    response = Client().get("/api/v1/me/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


class Closed(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        return False

    def wait(self) -> float:
        return 7


def test_throttling_is_a_429_rate_limited_with_retry_after(monkeypatch, api):
    monkeypatch.setattr(MeView, "throttle_classes", [Closed])
    response = api.get("/api/v1/me/")
    assert_error(response, 429, "rate_limited")
    assert response["Retry-After"] == "7"


def raising(exc: Exception):
    def get(self, request):
        raise exc

    return get


def test_nested_validation_errors_are_flattened_into_fields(monkeypatch, api):
    error = serializers.ValidationError(
        {
            "customer": {"email": ["Enter a valid email address."]},
            "items": [{}, {"name": ["This field is required."]}],
            "tags": {0: ["Not a valid string."]},
            "non_field_errors": ["Pick a barber or a time."],
        }
    )
    monkeypatch.setattr(MeView, "get", raising(error))
    body = assert_error(api.get("/api/v1/me/"), 400, "invalid", fields=True)
    assert body["fields"] == {
        "customer.email": ["Enter a valid email address."],
        "items.1.name": ["This field is required."],
        "tags.0": ["Not a valid string."],
        "non_field_errors": ["Pick a barber or a time."],
    }


def test_a_validation_error_about_the_whole_request_is_under_non_field_errors(monkeypatch, api):
    monkeypatch.setattr(MeView, "get", raising(serializers.ValidationError("That time is in the past.")))
    body = assert_error(api.get("/api/v1/me/"), 400, "invalid", fields=True)
    assert body == {
        "code": "invalid",
        "message": "That time is in the past.",
        "fields": {"non_field_errors": ["That time is in the past."]},
    }


def test_an_app_error_answers_its_own_code_status_and_extra_keys(monkeypatch, api):
    error = AppError("slot_taken", "That time was just booked.", status=409, url="/book/fresh-cuts/")
    monkeypatch.setattr(MeView, "get", raising(error))
    response = api.get("/api/v1/me/")
    assert response.status_code == 409
    assert response.json() == {
        "code": "slot_taken",
        "message": "That time was just booked.",
        "url": "/book/fresh-cuts/",
    }


def test_an_app_error_is_the_same_code_and_message_in_a_websocket_frame():
    error = AppError("quota_exceeded", "This month's chats are used.", status=402, url="/pricing/")
    assert error.as_frame() == {
        "type": "error",
        "code": "quota_exceeded",
        "message": "This month's chats are used.",
        "url": "/pricing/",
    }


def test_a_crash_is_a_json_500_and_still_reported(monkeypatch, api):
    reported = []

    def receiver(sender, request, **kwargs):
        reported.append(request.path)

    monkeypatch.setattr(MeView, "get", raising(RuntimeError("boom")))
    got_request_exception.connect(receiver)
    try:
        api.raise_request_exception = False
        response = api.get("/api/v1/me/")
    finally:
        got_request_exception.disconnect(receiver)
    assert_error(response, 500, "internal_error")
    assert "boom" not in response.content.decode()
    assert reported == ["/api/v1/me/"]  # Django's log and Sentry's hook see the exception


@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v1/agents/business_coach/status/extra", "/api/nope"])
def test_unknown_api_paths_are_a_json_404(api, path):
    assert_error(api.get(path), 404, "not_found")
    assert_error(Client().get(path), 404, "not_found")


def test_pages_outside_the_api_keep_their_html_404_and_api_paths_their_slash_redirect():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert Client().get("/api/v1/me").status_code == 301


@pytest.mark.parametrize(("path", "method", "operation"), WITH_BODY)
def test_a_body_of_another_media_type_is_a_415_in_the_contract(api, path, method, operation):
    response = getattr(api, method)(fill(path, operation, existing_value(path)), "hello", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def test_an_accept_no_renderer_serves_is_a_406_in_the_contract(api):
    assert_error(api.get("/api/v1/me/", headers={"Accept": "application/xml"}), 406, "not_acceptable")


def test_a_session_request_without_its_csrf_token_is_a_403_in_the_contract(staff_owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_owner)
    response = client.post(
        "/api/v1/chat/", {"agent": "business_coach", "message": "Hi"}, content_type="application/json"
    )
    assert_error(response, 403, "permission_denied")


def test_a_wrong_typed_field_names_itself_in_the_message(api):
    response = api.post(
        "/api/v1/chat/", {"agent": "business_coach", "message": {"a": 1}}, content_type="application/json"
    )
    assert assert_error(response, 400, "invalid", fields=True) == {
        "code": "invalid",
        "message": "message: Not a valid string.",
        "fields": {"message": ["Not a valid string."]},
    }

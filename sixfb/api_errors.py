"""The API's one error contract (DESIGN, contracts: API errors).

Every error under ``/api/`` answers JSON ``{"code": "<snake_case>", "message": "<for a person>"}``,
plus ``"fields": {name: [messages]}`` for a validation error and whatever extra keys an
:class:`~sixfb.errors.AppError` carries (e.g. ``url``). Four parts:

- :func:`exception_handler`, DRF's ``EXCEPTION_HANDLER``: app errors, DRF's exceptions and Django's
  ``Http404``/``PermissionDenied`` raised in an API view;
- :func:`bad_request`, :func:`permission_denied`, :func:`page_not_found` and :func:`server_error`,
  the root URLconf's ``handler400/403/404/500``: JSON under ``/api/`` (an unknown path, an error
  raised before a view), our pages everywhere else (``templates/400.html`` …; 400 and 500 render
  without a request, so they need no database or session);
- :class:`ErrorSerializer`, the one ``Error`` schema component;
- :class:`AutoSchema`, drf-spectacular's schema class, documenting every operation's error
  responses with that component.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from drf_spectacular import openapi
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from sixfb.errors import AppError

API_PREFIX = "/api/"

VALIDATION_CODE = "invalid"
INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again in a moment."

# DRF's own code for an exception, where the contract names it differently.
CODE_FOR = {exceptions.Throttled: "rate_limited"}


class ErrorSerializer(serializers.Serializer):
    """Every API error: a stable code and a message for a person."""

    code = serializers.CharField(help_text="Stable, snake_case; what a client branches on.")
    message = serializers.CharField(help_text="For a person; may change.")
    # DRF's metaclass takes declared fields off the class, so this one does not hide Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors only: each field (dotted for nested ones; `non_field_errors` for the "
        "request as a whole) with its messages.",
    )
    url = serializers.CharField(required=False, help_text="Where the person can act on it (e.g. `quota_exceeded`).")

    class Meta:
        ref_name = "Error"


# --- DRF ------------------------------------------------------------------------------------


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``: one body for every error; ``None`` (a 500) for the unexpected."""
    if isinstance(exc, AppError):
        set_rollback()
        return Response(exc.as_body(), status=exc.status)
    # DRF's handler keeps its headers (WWW-Authenticate, Retry-After) and rolls back; only its body changes.
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # Django logs it (and Sentry reports it), then server_error answers
    response.data = error_body(exc)
    # A refused token is a 401 with its challenge whichever class comes first (DRF makes it a 403
    # when the first, the session's, has none): the client must not retry the same key.
    challenge = getattr(exc, "challenge", "")
    if challenge:
        response.status_code = 401
        response["WWW-Authenticate"] = challenge
    return response


def error_body(exc: Exception) -> dict[str, object]:
    """The contract's body for an exception DRF's handler answers."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    assert isinstance(exc, exceptions.APIException), exc
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_errors(exc.detail)
        return {"code": VALIDATION_CODE, "message": validation_message(fields), "fields": fields}
    code = next((code for cls, code in CODE_FOR.items() if isinstance(exc, cls)), None)
    return {"code": code or getattr(exc.detail, "code", None) or exc.default_code, "message": str(exc.detail)}


def flatten_errors(detail: Any, name: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as ``{name: [messages]}``: nested fields dotted
    (``customer.email``, ``items.0.name``), errors about the whole request under ``non_field_errors``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            for field, messages in flatten_errors(value, f"{name}.{key}" if name else str(key)).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list):
        flat = {}
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):
                nested = flatten_errors(item, f"{name}.{index}" if name else str(index))
            else:
                nested = {name or api_settings.NON_FIELD_ERRORS_KEY: [str(item)]}
            for field, messages in nested.items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {name or api_settings.NON_FIELD_ERRORS_KEY: [str(detail)]}


def validation_message(fields: dict[str, list[str]]) -> str:
    """One sentence for a person: the only problem, else which fields to check."""
    if not fields:
        return "The request is not valid."
    if len(fields) == 1:
        ((field, messages),) = fields.items()
        if len(messages) == 1:
            return messages[0] if field == api_settings.NON_FIELD_ERRORS_KEY else f"{field}: {messages[0]}"
    return "Check these fields: " + ", ".join(fields) + "."


# --- Django's error views, for what never reaches an API view -----------------------------------


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_response(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response("bad_request", "The request could not be read.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response("permission_denied", "You do not have permission to do this.", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response("not_found", "Not found.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Called after Django logged the exception and sent got_request_exception (Sentry's hook).
    if is_api(request):
        return error_response("internal_error", INTERNAL_ERROR_MESSAGE, 500)
    return defaults.server_error(request)


# --- The schema -----------------------------------------------------------------------------


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with every operation's error responses in the one ``Error`` shape:
    those a view declares and those any view of its kind can answer (400 for a body, 401/403 unless
    public, 404 for a path with parameters, 429 when throttled)."""

    def get_operation(self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any) -> Any:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = {"application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}}
        responses = operation["responses"]
        for status, description in self.error_responses(operation).items():
            responses.setdefault(status, {"description": description})
        for status, response in responses.items():
            if status.isdigit() and int(status) >= 400:
                response["content"] = error
        return operation

    def error_responses(self, operation: dict[str, Any]) -> dict[str, str]:
        """The errors any operation like this one can answer, by status."""
        errors = {}
        if "requestBody" in operation:
            errors["400"] = "A malformed body (`parse_error`) or invalid fields (`invalid`, with `fields`)."
        if not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            authenticators = self.view.get_authenticators()
            if authenticators and authenticators[0].authenticate_header(self.view.request):
                errors["401"] = "Not signed in (`not_authenticated`) or a bad token (`authentication_failed`)."
                errors["403"] = "Not allowed (`permission_denied`)."
            else:  # DRF answers 403 when the first authentication class sends no WWW-Authenticate
                errors["403"] = "Not signed in (`not_authenticated`) or not allowed (`permission_denied`)."
                if any(getattr(authenticator, "challenge", "") for authenticator in authenticators):
                    errors["401"] = "A bad or revoked token (`authentication_failed`)."
        if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
            errors["404"] = "Not found (`not_found`), also for another shop's."
        if self.view.get_throttles():
            errors["429"] = "Rate limited (`rate_limited`); `Retry-After` says when to try again."
        return errors

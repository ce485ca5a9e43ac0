"""API authentication by ``Authorization: Token <key>`` (DESIGN, API: session or token auth).

Two kinds of key are accepted under the one header:

- personal tokens (``6fb_…``, :class:`~sixfb.models.ApiToken`), made, named and revoked by each
  person on the account page; only their hash is stored;
- DRF authtoken keys (40 hex digits) made in the admin before personal tokens existed: kept
  working, unchanged, so no client breaks.

A refused key answers 401 with ``WWW-Authenticate: Token`` (``sixfb.api_errors``): the caller
sent credentials and should not retry them. No credentials at all stays 403 (the session comes
first; docs/api.md).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from sixfb import selectors, services
from sixfb.models import ApiToken, User


class TokenRefused(exceptions.AuthenticationFailed):
    """A token was presented and is not (or no longer) valid: 401 with this challenge."""

    challenge = "Token"


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"
    challenge = "Token"  # the schema documents a 401 for views that take tokens (sixfb.api_errors)

    def authenticate(self, request: Any) -> tuple[User, Any] | None:
        # A malformed header ("Token" alone, or with spaces in the key) is a refused token too: 401.
        try:
            return super().authenticate(request)
        except TokenRefused:
            raise
        except exceptions.AuthenticationFailed as exc:
            raise TokenRefused(exc.detail) from exc

    def authenticate_credentials(self, key: str) -> tuple[User, Any]:
        if not key.startswith(ApiToken.KEY_PREFIX):
            try:
                return super().authenticate_credentials(key)  # a DRF authtoken key
            except exceptions.AuthenticationFailed as exc:
                raise TokenRefused(exc.detail) from exc
        token = selectors.api_token_for_key(key=key)
        if token is None:
            raise TokenRefused("Invalid or revoked token.")
        if not token.user.is_active:
            raise TokenRefused("User inactive or deleted.")
        services.api_token_mark_used(token=token)
        return token.user, token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's ``tokenAuth``, saying where a token comes from (drf-spectacular's own says only the header)."""

    target_class = "sixfb.authentication.ApiTokenAuthentication"
    name = "tokenAuth"
    priority = 1  # over drf-spectacular's TokenScheme, which matches TokenAuthentication's subclasses

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Authorization: Token <key>`. Create a key under *API tokens* on your account page "
            "(`/account/`); it is shown once. Revoke it there when it is no longer needed.",
        }

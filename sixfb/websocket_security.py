"""What a websocket handshake must pass before a consumer runs: a trusted Origin and a known path.

Both refusals close the handshake before accepting it, which the server answers with HTTP 403.

An Origin is trusted when its scheme, host and port (default ports filled in) equal one of:

- ``https://<host>`` for each host in ALLOWED_HOSTS, and ``http://<host>`` too while DEBUG is on;
- an entry of CSRF_TRUSTED_ORIGINS (exact origins: wildcards are not honoured here);
- the handshake's own origin, for a page served by this server on any port: its Host header (a
  host in ALLOWED_HOSTS) with the scheme the page had, https when the socket is ``wss`` or the TLS
  proxy says so (SECURE_PROXY_SSL_HEADER), else http.

A missing, repeated or opaque (``null``) Origin is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from channels.routing import URLRouter
from django.conf import settings
from django.http.request import split_domain_port, validate_host

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Application = Callable[[Scope, Receive, Send], Awaitable[None]]
Origin = tuple[str, str, int]  # scheme, host, port

DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_origin(value: str) -> Origin | None:
    """``scheme://host[:port]`` as a comparable triple, or None for anything else."""
    try:
        parts = urlsplit(value.strip().lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
        return None
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        return None
    return parts.scheme, parts.hostname, DEFAULT_PORTS[parts.scheme] if port is None else port


def trusted_origins() -> set[Origin]:
    schemes = ("https", "http") if settings.DEBUG else ("https",)
    hosts = [host for host in settings.ALLOWED_HOSTS if not host.startswith(".")]
    candidates = [f"{scheme}://{host}" for host in hosts for scheme in schemes] + list(settings.CSRF_TRUSTED_ORIGINS)
    return {origin for candidate in candidates if (origin := parse_origin(candidate))}


def _headers(scope: Scope, name: bytes) -> list[str]:
    return [value.decode("latin-1") for key, value in scope.get("headers", []) if key == name]


def _behind_tls_proxy(scope: Scope) -> bool:
    if not settings.SECURE_PROXY_SSL_HEADER:
        return False
    meta_name, secure_value = settings.SECURE_PROXY_SSL_HEADER
    values = _headers(scope, meta_name.removeprefix("HTTP_").replace("_", "-").lower().encode("latin-1"))
    return bool(values) and values[0].split(",", 1)[0].strip() == secure_value  # as HttpRequest.is_secure


def own_origin(scope: Scope) -> Origin | None:
    """The origin of a page of this server, read from the handshake's Host header."""
    hosts = _headers(scope, b"host")
    if len(hosts) != 1:
        return None
    domain, _port = split_domain_port(hosts[0])
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None  # a host we do not serve (DNS rebinding) has no same-origin pages here
    scheme = "https" if scope.get("scheme") == "wss" or _behind_tls_proxy(scope) else "http"
    return parse_origin(f"{scheme}://{hosts[0]}")


def origin_allowed(scope: Scope) -> bool:
    origins = _headers(scope, b"origin")
    if len(origins) != 1:
        return False
    origin = parse_origin(origins[0])
    return origin is not None and (origin in trusted_origins() or origin == own_origin(scope))


async def refuse_handshake(receive: Receive, send: Send) -> None:
    """Close before accepting: the server answers the upgrade request with 403."""
    if (await receive())["type"] == "websocket.connect":
        await send({"type": "websocket.close"})


class OriginValidator:
    """Passes a handshake with a trusted Origin (module docstring) to ``application``; refuses others."""

    def __init__(self, application: Application) -> None:
        self.application = application

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if origin_allowed(scope):
            await self.application(scope, receive, send)
        else:
            await refuse_handshake(receive, send)


class KnownPathRouter(URLRouter):
    """A URLRouter (flat routes) that refuses an unknown path instead of raising ValueError, which the
    server would answer with a 500 and a traceback in the log."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        root, path = scope.get("root_path", ""), scope["path"]
        relative = path[len(root) :].lstrip("/")
        if path.startswith(root) and any(route.pattern.match(relative) for route in self.routes):
            await super().__call__(scope, receive, send)
            return
        logger.debug("websocket refused: no route for %s", path)
        await refuse_handshake(receive, send)

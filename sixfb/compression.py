"""Compress pages and JSON for phones on slow networks, never the chat's event stream.

Django's ``GZipMiddleware`` also wraps streaming responses; for ``text/event-stream`` each event
would then wait on the compressor's buffer and proxies could hold the stream, so those pass through
untouched. Static files never reach this: WhiteNoise, earlier in the chain, serves its own
precompressed copies. Django's gzip output is already padded against BREACH (Django 4.2+), and the
CSRF token is masked per response.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

UNCOMPRESSED_TYPES = ("text/event-stream",)


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.get("Content-Type", "").startswith(UNCOMPRESSED_TYPES):
            return response
        return super().process_response(request, response)

"""Typed readers for environment variables.

Every reader names the variable in the ``ImproperlyConfigured`` it raises, so a bad
deployment stops at start-up with a message that says exactly what to fix.
Only ``sixfb/settings.py`` calls these.
"""

from __future__ import annotations

import builtins
import os
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Reads from a mapping (``os.environ`` by default) so tests can pass their own.

    The readers are named after the types they return, so inside the class ``str``, ``int``,
    ``bool`` and ``list`` are these methods: annotations spell the types ``builtins.str`` etc.
    """

    def __init__(self, environ: Mapping[builtins.str, builtins.str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def raw(self, name: builtins.str) -> builtins.str | None:
        value = self.environ.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def str(self, name: builtins.str, default: builtins.str = "") -> builtins.str:
        value = self.raw(name)
        return default if value is None else value

    def bool(self, name: builtins.str, default: builtins.bool) -> builtins.bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be a boolean (true/false, 1/0, yes/no), got {value!r}.")

    def int(self, name: builtins.str, default: builtins.int, *, minimum: builtins.int | None = None) -> builtins.int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}.")
        return number

    def list(self, name: builtins.str, default: builtins.list[builtins.str]) -> builtins.list[builtins.str]:
        value = self.raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def url(
        self, name: builtins.str, default: builtins.str = "", *, schemes: tuple[builtins.str, ...] = ("http", "https")
    ) -> builtins.str:
        value = self.raw(name)
        if value is None:
            return default
        parts = urlsplit(value)
        if parts.scheme not in schemes or not parts.netloc:
            allowed = ", ".join(f"{scheme}://" for scheme in schemes)
            raise ImproperlyConfigured(
                f"{name} must be a URL starting with {allowed} and naming a host, got {value!r}."
            )
        return value.rstrip("/")

    def matching(
        self, name: builtins.str, pattern: builtins.str, description: builtins.str, default: builtins.str = ""
    ) -> builtins.str:
        value = self.raw(name)
        if value is None:
            return default
        if not re.fullmatch(pattern, value):
            # Never echo a secret back into logs: show only its first characters.
            shown = value[:8] + "…" if len(value) > 8 else value
            raise ImproperlyConfigured(f"{name} must be {description}, got {shown!r}.")
        return value

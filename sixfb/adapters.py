"""allauth's account adapter.

- Sign-up follows the ``signup_open`` kill switch (docs/feature-flags.md). Closed, allauth answers
  every sign-up URL with ``account/signup_closed.html`` and creates nobody; signing in, password
  resets and email confirmation keep working for existing accounts.
- Every account email names the site from settings (``SITE_NAME`` and ``SITE_URL``'s host), not from
  the ``django_site`` row: that row is set by migration ``sixfb.0012`` but goes back to
  ``example.com`` whenever the table is flushed, and a changed ``SITE_URL`` needs no migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMessage
from django.http import HttpRequest

from sixfb.flags import SIGNUP_OPEN, switch_is_on


@dataclass(frozen=True)
class PublicSite:
    """What emails call the site; quacks like ``django.contrib.sites`` ``Site`` for allauth's templates."""

    name: str
    domain: str
    url: str


def public_site() -> PublicSite:
    url = settings.SITE_URL.rstrip("/")
    return PublicSite(name=settings.SITE_NAME, domain=urlsplit(url).netloc, url=url)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return switch_is_on(SIGNUP_OPEN)

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        return super().render_mail(template_prefix, email, {**context, "current_site": public_site()}, headers)

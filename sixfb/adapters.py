"""allauth's account adapter: sign-up follows the ``signup_open`` kill switch (docs/feature-flags.md).

Closed, allauth answers every sign-up URL with ``account/signup_closed.html`` and creates nobody;
signing in, password resets and email confirmation keep working for existing accounts.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from sixfb.flags import SIGNUP_OPEN, switch_is_on


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return switch_is_on(SIGNUP_OPEN)

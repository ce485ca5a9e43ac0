"""Personas for tests, created through the same services the product uses."""

from __future__ import annotations

import itertools

from allauth.account.models import EmailAddress

from sixfb.models import Membership, Shop, User
from sixfb.services import shop_create

PASSWORD = "correct-horse-battery-9"
_counter = itertools.count(1)


def make_user(*, email: str | None = None, password: str = PASSWORD, verified: bool = True, **extra: object) -> User:
    email = email or f"person{next(_counter)}@example.com"
    user = User.objects.create_user(email=email, password=password, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    return user


def make_owner(*, email: str | None = None, shop_name: str = "Fresh Cuts") -> tuple[User, Shop]:
    user = make_user(email=email)
    shop = shop_create(owner=user, name=shop_name)
    return user, shop


def add_member(*, shop: Shop, role: str = Membership.Role.BARBER, email: str | None = None) -> User:
    user = make_user(email=email)
    Membership.objects.create(shop=shop, user=user, role=role)
    return user


def session_cookie(user: User) -> str:
    """A ``Cookie`` header value carrying a fresh signed-in session for ``user``."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

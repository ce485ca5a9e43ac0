"""Passwords that came from the legacy system, as ``sixfb`` keeps them working after the ``legacy``
app is gone: the SHA-256 digest wrapped in PBKDF2 (``sixfb.hashers``) and the raw form that
migration ``sixfb.0005`` wraps log in with the right password only, and the first good login
re-hashes them with the default hasher."""

from __future__ import annotations

import hashlib
import importlib

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse

from sixfb.hashers import legacy_sha256_hasher
from sixfb.models import User

pytestmark = pytest.mark.django_db

WRAPPED = "legacy_sha256_pbkdf2"


def legacy_digest(password: str) -> str:
    """What the legacy back end stored: ``sha256(password + "6fb-salt")`` in hex."""
    return hashlib.sha256((password + "6fb-salt").encode()).hexdigest()


def imported_user(email: str, password_field: str) -> User:
    user = User.objects.create(email=email, password=password_field)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def log_in(email: str, password: str) -> bool:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("stored", "algorithm"),
    [
        pytest.param(lambda digest: legacy_sha256_hasher().encode_digest(digest), WRAPPED, id="wrapped"),
        pytest.param(lambda digest: f"legacy_sha256$${digest}", "legacy_sha256", id="raw"),
    ],
)
def test_a_legacy_password_logs_in_only_when_right_and_is_upgraded_on_login(stored, algorithm):
    mike = imported_user("mike@shop.com", stored(legacy_digest("old-pass-1")))
    assert identify_hasher(mike.password).algorithm == algorithm

    assert not log_in("mike@shop.com", "wrong-password")
    mike.refresh_from_db()
    assert identify_hasher(mike.password).algorithm == algorithm

    assert log_in("mike@shop.com", "old-pass-1")
    mike.refresh_from_db()
    assert identify_hasher(mike.password).algorithm == get_hasher("default").algorithm
    assert log_in("mike@shop.com", "old-pass-1")


def test_the_data_migration_wraps_raw_legacy_digests_and_leaves_other_passwords_alone():
    mike = imported_user("mike@shop.com", f"legacy_sha256$${legacy_digest('old-pass-1')}")
    ana = imported_user("ana@shop.com", "")
    ana.set_password("ana-pass-1")
    ana.save()
    ana_password = ana.password

    historical = MigrationLoader(connection).project_state(("sixfb", "0005_wrap_legacy_sha256_passwords")).apps
    importlib.import_module("sixfb.migrations.0005_wrap_legacy_sha256_passwords").wrap_legacy_sha256(historical, None)

    mike.refresh_from_db()
    ana.refresh_from_db()
    assert identify_hasher(mike.password).algorithm == WRAPPED
    assert legacy_digest("old-pass-1") not in mike.password
    assert ana.password == ana_password
    assert log_in("mike@shop.com", "old-pass-1")

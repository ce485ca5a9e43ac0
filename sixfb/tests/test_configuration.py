"""Settings from the environment, start-up refusal on bad values, and the deploy checks."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "sixfb" / "settings.py"

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7!qK2@vN9#pL4$wR8^tY1&zB6*cM3(jF5)hD0-sG+eU_aX-production-like-0123",
    "DJANGO_ALLOWED_HOSTS": "agents.6fb.example",
    "DATABASE_URL": "postgres://sixfb@127.0.0.1:5432/sixfb",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
VENDOR_VARIABLES = [
    "SENTRY_DSN",
    "POSTHOG_API_KEY",
    "OPENAI_API_KEY",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
]


def load_settings(monkeypatch, **environ):
    """Execute settings.py afresh under exactly the given variables (plus a clean baseline)."""
    for name in VENDOR_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def manage(*args, env):
    # Only what the test names: the test process itself runs with test-only DJANGO_* values.
    base = {k: v for k, v in os.environ.items() if k not in VENDOR_VARIABLES and not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def start_up(env, code="import django; django.setup()"):
    """Set Django up in a fresh process under ``env`` alone, as every server and command does."""
    base = {k: v for k, v in os.environ.items() if k not in VENDOR_VARIABLES and not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "sixfb.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_environment_refuses_to_start_without_a_secret_key():
    result = start_up({})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = start_up(
        {"DJANGO_SECRET_KEY": PRODUCTION_ENV["DJANGO_SECRET_KEY"]},
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("STRIPE_SECRET_KEY", "sk_test_" + "a1B2c3D4e5" * 3), ("STRIPE_WEBHOOK_SECRET", "whsec_" + "a1B2c3D4e5" * 3)],
)
def test_debug_with_a_stripe_secret_refuses_to_start(variable, value):
    # With DEBUG, dj-stripe would accept a webhook "signed" with a secret the sender puts in a header.
    result = start_up({"DJANGO_DEBUG": "true", variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_DEBUG" in result.stderr and variable in result.stderr


def test_a_server_with_debug_and_stripe_keys_exits_instead_of_serving():
    base = {k: v for k, v in os.environ.items() if k not in VENDOR_VARIABLES and not k.startswith("DJANGO_")}
    env = {**base, "DJANGO_DEBUG": "true", "STRIPE_SECRET_KEY": "sk_test_" + "a1B2c3D4e5" * 3}
    # A server that starts would run until the timeout and fail the test.
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", "0", "sixfb.asgi:application"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "sixfb.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_debug_alone_means_embedded_defaults(monkeypatch):
    settings = load_settings(monkeypatch, DJANGO_DEBUG="true")
    assert settings["DEBUG"] is True
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert settings["CHANNEL_LAYERS"]["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert settings["ACCOUNT_EMAIL_VERIFICATION"] == "optional"


def test_database_and_redis_urls_switch_to_the_production_stack(monkeypatch):
    settings = load_settings(monkeypatch, **PRODUCTION_ENV)
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "sixfb.lib.postgres"  # Django's, with our pool check
    assert database["NAME"] == "sixfb"
    assert database["CONN_MAX_AGE"] == 0
    assert database["CONN_HEALTH_CHECKS"] is True  # the pool checks connections (tests/test_database_restart.py)
    assert database["OPTIONS"]["pool"]["max_size"] >= 1
    assert settings["CACHES"]["default"]["BACKEND"] == "sixfb.lib.redis_cache.RedisCache"
    layer = settings["CHANNEL_LAYERS"]["default"]
    assert layer["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert layer["CONFIG"]["hosts"][0]["address"] == "redis://127.0.0.1:6379/0"
    assert settings["ACCOUNT_EMAIL_VERIFICATION"] == "mandatory"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SECURE_HSTS_SECONDS"] > 0


@pytest.mark.parametrize(
    ("variable", "value", "context"),
    [
        ("DATABASE_URL", "not a url", {}),
        ("DATABASE_URL", "mysql://root@127.0.0.1/sixfb", {}),
        ("REDIS_URL", "http://127.0.0.1:6379", {}),
        ("DJANGO_DEBUG", "maybe", {}),
        ("DJANGO_ALLOWED_HOSTS", "*", {}),
        ("SENTRY_DSN", "not-a-dsn", {}),
        ("POSTHOG_API_KEY", "key with spaces", {}),
        ("POSTHOG_HOST", "ftp://posthog.example", {}),
        ("OPENAI_BASE_URL", "localhost:11434", {}),
        ("STRIPE_SECRET_KEY", "sk_test_short", {}),
        ("STRIPE_PUBLISHABLE_KEY", "sk_test_" + "a" * 24, {}),
        ("STRIPE_API_BASE", "stripe", {}),
        ("DATABASE_POOL_MAX_SIZE", "lots", {"DATABASE_URL": "postgres://sixfb@127.0.0.1/sixfb"}),
        ("DJANGO_LOG_LEVEL", "LOUD", {}),
        ("SCHEDULER_MISFIRE_GRACE_SECONDS", "an hour", {}),
        ("SCHEDULER_MISFIRE_GRACE_SECONDS", "30", {}),
        ("SCHEDULER_MISFIRE_GRACE_SECONDS", "604800", {}),
        ("ACTIONS_TOOL_TIMEOUT_MS", "2s", {}),
        ("ACTIONS_TOOL_TIMEOUT_MS", "99", {}),
        ("ACTIONS_TOOL_TIMEOUT_MS", "60001", {}),
        ("ACTIONS_PROPOSAL_TTL_MINUTES", "0", {}),
        ("ACTIONS_PROPOSAL_TTL_MINUTES", "10081", {}),
        ("ACTIONS_MAX_PROPOSALS_PER_ANSWER", "0", {}),
        ("ACTIONS_MAX_PROPOSALS_PER_ANSWER", "21", {}),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(monkeypatch, variable, value, context):
    with pytest.raises(ImproperlyConfigured) as error:
        # Debug on, so that the missing secret key is not what stops start-up.
        load_settings(monkeypatch, **{"DJANGO_DEBUG": "true", **context, variable: value})
    assert variable in str(error.value)


def test_secrets_are_not_echoed_in_the_error(monkeypatch):
    secret = "sk_live_" + "S" * 10 + " oops"
    with pytest.raises(ImproperlyConfigured) as error:
        load_settings(monkeypatch, DJANGO_DEBUG="true", STRIPE_SECRET_KEY=secret)
    assert secret not in str(error.value)


def test_production_requires_a_secret_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        load_settings(monkeypatch, DJANGO_DEBUG="false")


def test_start_up_really_stops_on_a_bad_value():
    result = manage("check", env={"DJANGO_DEBUG": "true", "DATABASE_URL": "nonsense://"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DATABASE_URL" in result.stderr


def test_deploy_check_passes_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_with_debug_on():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "true"})
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_deploy_check_fails_on_the_embedded_stack():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "sixfb.E002" in output and "sixfb.E003" in output


def test_the_redis_cache_keeps_one_client_per_pool():
    from sixfb.lib.redis_cache import ReusingRedisCacheClient

    client = ReusingRedisCacheClient(["redis://127.0.0.1:6379/9"])
    first = client.get_client("a", write=True)
    assert client.get_client("b", write=True) is first
    assert client.get_client("c") is first  # one server: reads use the same pool
    # Django keeps a backend per async context; another one must not open connections of its own.
    assert ReusingRedisCacheClient(["redis://127.0.0.1:6379/9"]).get_client("d") is first

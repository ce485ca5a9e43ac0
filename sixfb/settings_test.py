"""Test settings: the real settings, with fast hashing and no outbound anything.

DATABASE_URL and REDIS_URL are honoured, so CI runs the suite on PostgreSQL and Redis.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
for _vendor_key in ("SENTRY_DSN", "POSTHOG_API_KEY", "OPENAI_API_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
    os.environ.pop(_vendor_key, None)

from sixfb.settings import *  # noqa: E402,F403

# Fast hashing for the suite; PBKDF2 is there for users that a real server process must log in. The
# legacy wrapper is the real class with few iterations, so imports and logins go through its code.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "tests.hashers.FastLegacySHA256PBKDF2PasswordHasher",
    "sixfb.hashers.LegacySHA256PasswordHasher",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# The test client and WebsocketCommunicator speak plain HTTP as "testserver" (sockets check the Origin).
CSRF_TRUSTED_ORIGINS = ["http://testserver"]
STATIC_ROOT = None  # whitenoise serves from the finders; nothing is collected in tests
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Demo answers (no model configured, as in most tests) stream at once; tests of the pace set their own.
CHAT_DEMO_WORD_DELAY_MS = 0

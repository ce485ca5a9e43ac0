"""Settings for 6FB Agents: one file, driven by environment variables.

Debug is off unless ``DJANGO_DEBUG=true`` (``make run`` sets it), so a server started without
configuration refuses to run with a public key instead of running in debug. With debug on and
nothing else, the app runs on embedded defaults: SQLite, the in-memory channel layer, a
local-memory cache and the console email backend. Production sets the variables in the README's
table. A malformed value stops start-up with ``ImproperlyConfigured`` naming the variable.
Vendor keys (Sentry, PostHog, OpenAI, Stripe) are read here and nowhere else.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from sixfb.lib import observability
from sixfb.lib.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

# --- Core -----------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-local-development-key-never-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set (debug is off unless DJANGO_DEBUG=true, for development only)."
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
if "*" in ALLOWED_HOSTS:
    # The websocket origin check trusts ALLOWED_HOSTS; a wildcard would let any site open our sockets.
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list real host names, not '*'.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"DJANGO_CSRF_TRUSTED_ORIGINS entries must start with http:// or https://, got {_origin!r}."
        )

SITE_NAME = "6FB Agents"
SITE_ID = 1

INSTALLED_APPS = [
    "daphne",  # first, so `runserver` serves ASGI (HTTP and websockets)
    "sixfb.admin_site.OperatorsAdminConfig",  # django.contrib.admin, our apps first (sixfb/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "waffle",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "djstripe",
    "sixfb",
    "agents",
    "chat",
    "billing",
    "bookings",
    "notifications",
    "insights",
    "actions",
    "legacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files come precompressed), before everything that writes a body.
    "sixfb.compression.CompressionMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "waffle.middleware.WaffleMiddleware",
    # Last, being sync-only (like WhiteNoise): under ASGI, Django runs a sync-only middleware and
    # every one outside it in the request's one thread, but each async-capable one inside it hops
    # threads per hook. Here a request crosses threads 7 times, not 11 (issue 19; a test keeps it).
    "sixfb.middleware.CurrentShopMiddleware",
]

ROOT_URLCONF = "sixfb.urls"
ASGI_APPLICATION = "sixfb.asgi.application"
WSGI_APPLICATION = None

# Largest websocket message a server accepts: the chat's 64 KiB frame with room to spare, so a
# slightly larger frame still gets the app's `error` frame; a bigger one closes the socket before
# it is buffered. `manage.py runserver` (daphne, `make run`) reads these two settings; production
# servers take it as a flag (README: uvicorn --ws-max-size; tests/servers.py passes the same).
WEBSOCKET_MAX_MESSAGE_BYTES = 128 * 1024
DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE = WEBSOCKET_MAX_MESSAGE_BYTES
DAPHNE_WEBSOCKET_MAX_FRAME_SIZE = WEBSOCKET_MAX_MESSAGE_BYTES

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sixfb.context_processors.site",
                "chat.context_processors.demo_mode",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL)
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL this app understands ({exc}).") from None
if _db["ENGINE"] == "django.db.backends.postgresql":
    if not _db.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. postgres://user@host:5432/sixfb.")
    # Under ASGI every request may run on a different thread, so persistent connections
    # (CONN_MAX_AGE) leak; psycopg 3's pool is the supported way to reuse connections.
    _db["CONN_MAX_AGE"] = 0
    # Django's backend, with a pool check that empties the pool after a restart (sixfb/lib/postgres).
    _db["ENGINE"] = "sixfb.lib.postgres"
    # The pool checks a connection as it leaves the pool only with this flag on.
    _db["CONN_HEALTH_CHECKS"] = True
    _db["OPTIONS"] = {
        "pool": {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", 1, minimum=0),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", 10, minimum=1),
            "timeout": env.int("DATABASE_POOL_TIMEOUT", 10, minimum=1),
        }
    }
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # WAL and a busy timeout let the web process and the task worker share the file.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL.")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and channel layer ---------------------------------------------------------
REDIS_URL = env.url("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "sixfb.lib.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sixfb",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub: a group message is published once and each server process fans it out to
            # its own sockets, so an event costs one Redis operation per process instead of one
            # per socket (bench/live_fanout.py; docs/benchmarks.md). Delivery is at most once,
            # which suits live events: the database is the truth and browsers resync on reconnect.
            # Chat tokens never travel through the layer.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # redis-py's default 5 s socket timeout and 100-connection pool drop sockets under load.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "max_connections": 2000}],
                "prefix": "sixfb",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sixfb"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "sixfb.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Django's defaults first (new passwords use PBKDF2); bcrypt and the two legacy ones verify passwords
# imported from the legacy system, upgraded to the default on first login (docs/legacy-import.md).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "sixfb.hashers.LegacySHA256PBKDF2PasswordHasher",
    "sixfb.hashers.LegacySHA256PasswordHasher",  # raw legacy digests, until migration sixfb.0005 wrapped them
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "landing"

# Our words on allauth's forms (sixfb/account_forms.py): sentence-case labels, a one-line password hint.
ACCOUNT_FORMS = {
    "signup": "sixfb.account_forms.SignupForm",
    "login": "sixfb.account_forms.LoginForm",
    "change_password": "sixfb.account_forms.ChangePasswordForm",
    "set_password": "sixfb.account_forms.SetPasswordForm",
    "reset_password": "sixfb.account_forms.ResetPasswordForm",
    "reset_password_from_key": "sixfb.account_forms.ResetPasswordKeyForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", "optional" if DEBUG else "mandatory")
if ACCOUNT_EMAIL_VERIFICATION not in {"mandatory", "optional", "none"}:
    raise ImproperlyConfigured("ACCOUNT_EMAIL_VERIFICATION must be one of mandatory, optional, none.")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[6FB Agents] "
# Tell the account holder by email when a password, an address or two-factor changes (security).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_RATE_LIMITS = {
    # Per account 100/h, out of one address's reach (30/h): locking an owner out takes many (docs/runbooks.md).
    "login_failed": "10/m/ip,30/h/ip,100/h/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
MFA_RECOVERY_CODE_COUNT = 10

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", "6FB Agents <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env.str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# --- Email provider settings (notifications.channels.email) ----------------------------------
# Every send (SMTP or a provider's API) gives up after this, well inside the delivery lease
# (NOTIFICATIONS_SEND_LEASE_SECONDS), so a slow provider is retried, never sent twice.
EMAIL_TIMEOUT = 10
# A provider through django-anymail instead of SMTP (empty = SMTP with EMAIL_HOST, else the console).
# Amazon SES is left out: anymail needs boto3 for it, which is not installed.
_EMAIL_PROVIDER_KEY_SETTING = {
    "postmark": "POSTMARK_SERVER_TOKEN",
    "sendgrid": "SENDGRID_API_KEY",
    "mailgun": "MAILGUN_API_KEY",
    "brevo": "BREVO_API_KEY",
    "mailersend": "MAILERSEND_API_TOKEN",
    "resend": "RESEND_API_KEY",
    "sparkpost": "SPARKPOST_API_KEY",
}
# The provider's own webhook signature key, for those that sign their tracking webhooks.
_EMAIL_PROVIDER_SIGNING_SETTING = {
    "mailgun": "MAILGUN_WEBHOOK_SIGNING_KEY",
    "mailersend": "MAILERSEND_SIGNING_SECRET",
    "resend": "RESEND_SIGNING_SECRET",
}
EMAIL_PROVIDER = env.matching(
    "EMAIL_PROVIDER", "|".join(_EMAIL_PROVIDER_KEY_SETTING), "one of " + ", ".join(_EMAIL_PROVIDER_KEY_SETTING), ""
)
# "user:password" that the provider's tracking webhooks send as HTTP basic auth; without it the
# webhooks answer 403 to everything.
ANYMAIL: dict[str, object] = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", "")}
if ANYMAIL["WEBHOOK_SECRET"] and ":" not in str(ANYMAIL["WEBHOOK_SECRET"]):
    raise ImproperlyConfigured('ANYMAIL_WEBHOOK_SECRET must be "user:password".')
if EMAIL_PROVIDER:
    _email_api_key = env.str("EMAIL_PROVIDER_API_KEY", "")
    if not _email_api_key:
        raise ImproperlyConfigured(f"EMAIL_PROVIDER={EMAIL_PROVIDER} needs EMAIL_PROVIDER_API_KEY.")
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"
    ANYMAIL[_EMAIL_PROVIDER_KEY_SETTING[EMAIL_PROVIDER]] = _email_api_key
    ANYMAIL["REQUESTS_TIMEOUT"] = EMAIL_TIMEOUT
    if _email_api_url := env.url("EMAIL_PROVIDER_API_URL", ""):  # a region's endpoint (Mailgun EU)
        ANYMAIL[f"{EMAIL_PROVIDER.upper()}_API_URL"] = _email_api_url + "/"
    if EMAIL_PROVIDER == "mailgun" and (_mailgun_domain := env.str("MAILGUN_SENDER_DOMAIN", "")):
        ANYMAIL["MAILGUN_SENDER_DOMAIN"] = _mailgun_domain
    if EMAIL_PROVIDER in _EMAIL_PROVIDER_SIGNING_SETTING:
        _signing_key = env.str("EMAIL_PROVIDER_WEBHOOK_SIGNING_KEY", "")
        if _signing_key:
            ANYMAIL[_EMAIL_PROVIDER_SIGNING_SETTING[EMAIL_PROVIDER]] = _signing_key
INSTALLED_APPS += ["anymail"]
# --- end of email provider settings ---------------------------------------------------------
ADMINS = [("Operators", address) for address in env.list("DJANGO_ADMIN_EMAILS", [])]

# --- Notifications --------------------------------------------------------------------------
# Absolute links in emails and texts (sent from workers, with no request to build them from).
SITE_URL = env.url("SITE_URL", "http://localhost:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0]}")
# Attempts per delivery before it is marked failed (the first try included), and the back-off base.
NOTIFICATIONS_MAX_ATTEMPTS = 5
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", 30, minimum=1)
# A delivery being sent longer than this is taken back by the sweep (its worker died): more than
# any provider's timeout, so a slow send is never sent again by a second worker.
NOTIFICATIONS_SEND_LEASE_SECONDS = 120
# Where texts go: "console" (the log; the embedded default) or "twilio" (its settings below).
SMS_PROVIDER = env.matching("SMS_PROVIDER", r"console|twilio", "console or twilio", "console")

# --- SMS provider settings (notifications.channels.sms) --------------------------------------
TWILIO_ACCOUNT_SID = env.matching("TWILIO_ACCOUNT_SID", r"AC[0-9a-fA-F]{32}", "a Twilio account SID (AC + 32 hex)")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = env.matching("TWILIO_FROM_NUMBER", r"\+[1-9][0-9]{6,14}", "a phone number in E.164 (+12125550123)")
TWILIO_MESSAGING_SERVICE_SID = env.matching(
    "TWILIO_MESSAGING_SERVICE_SID", r"MG[0-9a-fA-F]{32}", "a Messaging Service SID (MG + 32 hex)"
)
# Tests point this at a fake Twilio on loopback.
TWILIO_API_BASE = env.url("TWILIO_API_BASE", "https://api.twilio.com")
if SMS_PROVIDER == "twilio":
    for _name, _value in (("TWILIO_ACCOUNT_SID", TWILIO_ACCOUNT_SID), ("TWILIO_AUTH_TOKEN", TWILIO_AUTH_TOKEN)):
        if not _value:
            raise ImproperlyConfigured(f"SMS_PROVIDER=twilio needs {_name}.")
    if not (TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID):
        raise ImproperlyConfigured("SMS_PROVIDER=twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID.")
# --- end of SMS provider settings ------------------------------------------------------------

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"  # None in settings_test: nothing is collected there
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Personal API tokens from the account page, and DRF authtoken keys made before them.
        "sixfb.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Every error in one shape, documented with one schema component (DESIGN: API errors).
    "DEFAULT_SCHEMA_CLASS": "sixfb.api_errors.AutoSchema",
    "EXCEPTION_HANDLER": "sixfb.api_errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "sixfb.lib.json_parser.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "6FB Agents API",
    "DESCRIPTION": "Agents, conversations, streaming chat, usage and the shop's bookings for a barbershop's AI team."
    "\n\nAuthentication: send `Authorization: Token <key>` with a personal API token, created (and revoked) under "
    "*API tokens* on your account page, `/account/`; the key is shown once. In the browser, your session works too.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Two models have a `status` choice set: name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "AgentStatusEnum": "agents.models.Agent.Status",
        "AppointmentStatusEnum": "bookings.models.Appointment.Status",
    },
}

# --- Background work ------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Periodic tasks: a task's dotted path -> a crontab expression in UTC (day names, not numbers),
# enqueued by `manage.py run_scheduler` (sixfb/lib/scheduler.py), each slot once however many run.
PERIODIC_TASKS = {
    # Answers whose process died (lease over, 10 s) show as errored within about a minute.
    "chat.tasks.sweep_stale_answers": "* * * * *",
    # Deliveries a dead worker held (lease over) are sent again; overdue ones are enqueued.
    "notifications.tasks.sweep_deliveries": "* * * * *",
    # Last week's summary to each shop's owners on Monday 08:xx in the shop's zone (one per ISO week).
    "notifications.tasks.send_weekly_summaries": "2 * * * *",
    # A grace or paid period ends at any hour with no event from Stripe: agents over the cap are
    # disabled within the hour. Off the hour, away from other hourly jobs.
    "billing.tasks.enforce_billing_limits": "7 * * * *",
    # Finished task results older than two weeks, daily at a quiet hour.
    "sixfb.tasks.prune_task_results": "23 4 * * *",
    # Cost rollups: today re-rolled hourly, yesterday settled, missing days filled; budget alerts.
    "insights.tasks.rollup_costs": "41 * * * *",
    # Proposals nobody decided in time show as expired (a decision checks the time itself too).
    "actions.tasks.expire_proposals": "*/5 * * * *",
}
# A slot missed while no scheduler ran is enqueued once at start-up if it came due this recently.
SCHEDULER_MISFIRE_GRACE_SECONDS = env.int("SCHEDULER_MISFIRE_GRACE_SECONDS", 3600, minimum=60)
if SCHEDULER_MISFIRE_GRACE_SECONDS > 86400:  # slot claims are kept a week: a day stays well inside
    raise ImproperlyConfigured("SCHEDULER_MISFIRE_GRACE_SECONDS must be at most 86400 (a day).")

# --- Feature flags --------------------------------------------------------------------------
# A shop-aware flag model, chosen before the first migration (the setting is swappable).
WAFFLE_FLAG_MODEL = "sixfb.Flag"
WAFFLE_CREATE_MISSING_FLAGS = False
WAFFLE_FLAG_DEFAULT = False

# --- Operators' costs (insights.costs) ------------------------------------------------------
# Monthly budgets the staff cost page draws each use against (amber at 80 %, red at 100 %) and the
# daily rollup alerts on; 0 switches a budget off. Unit prices turn sent deliveries into money.
COST_BUDGET_DB_BYTES = env.int("COST_BUDGET_DB_BYTES", 10 * 1024**3, minimum=0)
COST_BUDGET_REDIS_BYTES = env.int("COST_BUDGET_REDIS_BYTES", 256 * 1024**2, minimum=0)
COST_BUDGET_REALTIME_MESSAGES = env.int("COST_BUDGET_REALTIME_MESSAGES", 10_000_000, minimum=0)
COST_BUDGET_PEAK_SOCKETS = env.int("COST_BUDGET_PEAK_SOCKETS", 5_000, minimum=0)
COST_BUDGET_EMAILS = env.int("COST_BUDGET_EMAILS", 50_000, minimum=0)
COST_BUDGET_SMS = env.int("COST_BUDGET_SMS", 5_000, minimum=0)


def _usd(name: str, default: str) -> Decimal:
    raw = env.str(name, default)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be an amount in US dollars such as 12.50, got {raw!r}.") from None
    if not value.is_finite() or value < 0:
        raise ImproperlyConfigured(f"{name} must be zero or more, got {raw!r}.")
    return value


COST_BUDGET_AI_USD = _usd("COST_BUDGET_AI_USD", "500")
COST_EMAIL_USD = _usd("COST_EMAIL_USD", "0.001")
COST_SMS_USD = _usd("COST_SMS_USD", "0.0079")
# Days before today the rollup fills in when missing (a scheduler that was down catches up).
COST_ROLLUP_BACKFILL_DAYS = env.int("COST_ROLLUP_BACKFILL_DAYS", 35, minimum=1)
# How often each server process reports its live-hub counts (frames sent, sockets) to the cache.
COST_LIVE_REPORT_SECONDS = env.int("COST_LIVE_REPORT_SECONDS", 10, minimum=1)

# --- Analytics ------------------------------------------------------------------------------
# PostHog (key and host under Vendors) never blocks a request: the SDK sends from its own thread.
# One HTTP request to PostHog from the server gives up after this long.
POSTHOG_TIMEOUT_SECONDS = env.int("POSTHOG_TIMEOUT_SECONDS", 5, minimum=1)
# The end of a management command or task waits this long for queued events, then drops them.
POSTHOG_FLUSH_SECONDS = env.int("POSTHOG_FLUSH_SECONDS", 10, minimum=1)

# --- Kill switches (sixfb.flags; docs/feature-flags.md) ------------------------------------
# Sign-up follows the signup_open switch through this adapter.
ACCOUNT_ADAPTER = "sixfb.adapters.AccountAdapter"
# Where the sign-up-closed page sends people with questions; empty: the page names no address.
SUPPORT_EMAIL = env.matching("SUPPORT_EMAIL", r"([^@\s]+@[^@\s]+\.[^@\s]+)?", "an email address, e.g. help@example.com")

# --- Demo answers (chat.demo; issue 14) -----------------------------------------------------
# With no model configured, demo answers stream a word at a time this many milliseconds apart (a
# reader's pace, like a real model's); 0 streams them at once (tests).
CHAT_DEMO_WORD_DELAY_MS = env.int("CHAT_DEMO_WORD_DELAY_MS", 40, minimum=0)
if CHAT_DEMO_WORD_DELAY_MS > 1000:
    raise ImproperlyConfigured(f"CHAT_DEMO_WORD_DELAY_MS must be at most 1000, got {CHAT_DEMO_WORD_DELAY_MS}.")

# --- Vendors (read here and nowhere else) ---------------------------------------------------
SENTRY_DSN = env.url("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production")
SENTRY_TRACES_SAMPLE_RATE = float(env.int("SENTRY_TRACES_SAMPLE_PERCENT", 0, minimum=0)) / 100
if SENTRY_TRACES_SAMPLE_RATE > 1:
    raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_PERCENT must be between 0 and 100.")

POSTHOG_API_KEY = env.matching("POSTHOG_API_KEY", r"ph[a-z]_[A-Za-z0-9_-]{8,}", "a PostHog project key (phc_…)")
POSTHOG_HOST = env.url("POSTHOG_HOST", "https://us.i.posthog.com")

OPENAI_API_KEY = env.matching("OPENAI_API_KEY", r"\S{8,}", "an API key without spaces")
OPENAI_BASE_URL = env.url("OPENAI_BASE_URL", "")
OPENAI_MODEL = env.matching("OPENAI_MODEL", r"[A-Za-z0-9._:/-]{1,100}", "a model name", "gpt-4o-mini")
# Chat: short upstream timeouts (a stalled model must not hold a socket for the SDK's 600 s),
# retries only before the first token (the SDK retries the request, never a started stream).
OPENAI_CONNECT_TIMEOUT_SECONDS = env.int("OPENAI_CONNECT_TIMEOUT_SECONDS", 5, minimum=1)
OPENAI_READ_TIMEOUT_SECONDS = env.int("OPENAI_READ_TIMEOUT_SECONDS", 30, minimum=1)
OPENAI_MAX_RETRIES = env.int("OPENAI_MAX_RETRIES", 2, minimum=0)
CHAT_MAX_MESSAGE_CHARS = env.int("CHAT_MAX_MESSAGE_CHARS", 8000, minimum=1)
CHAT_RATE_LIMIT_PER_MINUTE = env.int("CHAT_RATE_LIMIT_PER_MINUTE", 20, minimum=1)
CHAT_MAX_CONCURRENT_PER_SHOP = env.int("CHAT_MAX_CONCURRENT_PER_SHOP", 5, minimum=1)
CHAT_PROMPT_TOKEN_BUDGET = env.int("CHAT_PROMPT_TOKEN_BUDGET", 6000, minimum=500)
# Rounds of tool calls in one answer (issue 18): after this many the model is asked once more
# without tools, so it has to answer in words.
CHAT_TOOL_MAX_ROUNDS = env.int("CHAT_TOOL_MAX_ROUNDS", 4, minimum=1)
if CHAT_TOOL_MAX_ROUNDS > 20:
    raise ImproperlyConfigured(f"CHAT_TOOL_MAX_ROUNDS must be at most 20, got {CHAT_TOOL_MAX_ROUNDS}.")
# Agents' tools (actions; issue 18): a read tool's queries are cut off after this long (PostgreSQL),
# a proposal waits this long for a person, and one answer proposes at most this many changes.
ACTIONS_TOOL_TIMEOUT_MS = env.int("ACTIONS_TOOL_TIMEOUT_MS", 2000, minimum=100)
ACTIONS_PROPOSAL_TTL_MINUTES = env.int("ACTIONS_PROPOSAL_TTL_MINUTES", 60, minimum=1)
ACTIONS_MAX_PROPOSALS_PER_ANSWER = env.int("ACTIONS_MAX_PROPOSALS_PER_ANSWER", 3, minimum=1)
# Campaigns (notifications.services.campaigns): customers one campaign reaches at most, and campaign
# emails and texts a shop sends in a day; over either, a campaign is refused whole.
ACTIONS_CAMPAIGN_MAX_RECIPIENTS = env.int("ACTIONS_CAMPAIGN_MAX_RECIPIENTS", 200, minimum=1)
ACTIONS_CAMPAIGN_DAILY_LIMIT = env.int("ACTIONS_CAMPAIGN_DAILY_LIMIT", 500, minimum=1)
if ACTIONS_TOOL_TIMEOUT_MS > 60_000:
    raise ImproperlyConfigured(f"ACTIONS_TOOL_TIMEOUT_MS must be at most 60000, got {ACTIONS_TOOL_TIMEOUT_MS}.")
if ACTIONS_PROPOSAL_TTL_MINUTES > 7 * 24 * 60:
    raise ImproperlyConfigured("ACTIONS_PROPOSAL_TTL_MINUTES must be at most 10080 (a week).")
if ACTIONS_CAMPAIGN_MAX_RECIPIENTS > 5000:
    raise ImproperlyConfigured("ACTIONS_CAMPAIGN_MAX_RECIPIENTS must be at most 5000.")
if ACTIONS_MAX_PROPOSALS_PER_ANSWER > 20:
    raise ImproperlyConfigured("ACTIONS_MAX_PROPOSALS_PER_ANSWER must be at most 20.")

_STRIPE_KEY_BODY = r"[A-Za-z0-9]{24,}"
STRIPE_SECRET_KEY = env.matching(
    "STRIPE_SECRET_KEY", rf"(sk|rk)_(test|live)_{_STRIPE_KEY_BODY}", "a Stripe secret key (sk_test_… or sk_live_…)"
)
STRIPE_PUBLISHABLE_KEY = env.matching(
    "STRIPE_PUBLISHABLE_KEY", rf"pk_(test|live)_{_STRIPE_KEY_BODY}", "a Stripe publishable key (pk_test_…)"
)
STRIPE_WEBHOOK_SECRET = env.matching("STRIPE_WEBHOOK_SECRET", r"whsec_[A-Za-z0-9+/=]{8,}", "a webhook secret (whsec_…)")
STRIPE_API_BASE = env.url("STRIPE_API_BASE", "https://api.stripe.com")
STRIPE_LIVE_MODE = STRIPE_SECRET_KEY.startswith(("sk_live_", "rk_live_"))
if DEBUG and (STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET):
    # With DEBUG, dj-stripe accepts a webhook secret sent in a request header: anyone could forge
    # billing events. Refused here so that every entry point (uvicorn, daphne, manage.py) stops.
    raise ImproperlyConfigured(
        "DJANGO_DEBUG=true is refused while STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET is set: "
        "turn debug off, or unset the Stripe keys."
    )
# How long a past_due subscription keeps its plan before the shop falls to Free limits.
STRIPE_GRACE_DAYS = env.int("STRIPE_GRACE_DAYS", 7, minimum=0)
# dj-stripe: the shop is the customer. Both settings must be right before djstripe first migrates.
DJSTRIPE_SUBSCRIBER_MODEL = "sixfb.Shop"
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"
# STRIPE_API_BASE reaches dj-stripe through ``stripe.api_base`` (set by billing.apps), not through
# dj-stripe's STRIPE_API_HOST, which its deploy check flags as a warning in production.

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (cookiecutter-django's stance).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", True)

_connect_src = [SELF]
if POSTHOG_API_KEY:
    _connect_src.append(POSTHOG_HOST)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": _connect_src,
        "form-action": [SELF, "https://checkout.stripe.com", "https://billing.stripe.com"],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured("DJANGO_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own default config gives "django" a console handler too: print each line once.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},  # the SDK logs every request at INFO
        "apscheduler": {"level": "WARNING"},  # "Running job" twice a fire; sixfb.lib.scheduler says what it did
    },
}

observability.init(
    dsn=SENTRY_DSN,
    environment=SENTRY_ENVIRONMENT,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
)

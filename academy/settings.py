"""Settings for the Academy, configured from the environment (django-environ).

ACADEMY_ENV selects the profile:
- ``development`` (default; ``make run``): SQLite unless DATABASE_URL is set, Celery eager unless
  REDIS_URL is set, e-mail to the console, DEBUG on.
- ``production``: SECRET_KEY, ALLOWED_HOSTS, SITE_URL, a PostgreSQL DATABASE_URL and REDIS_URL
  required (it refuses to start without them; never SQLite, eager tasks or a local-memory
  cache), HSTS and secure cookies, DEBUG off, demo data refused.
Tests run with ``development`` plus the overrides in ``tests/conftest.py``.
"""

from datetime import date
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

ACADEMY_ENV = env.str("ACADEMY_ENV", default="development")
PRODUCTION = ACADEMY_ENV == "production"


def required_in_production(name: str, *, starts_with: str, example: str) -> str:
    """The variable ``name``, which production refuses to start without (no fallback)."""
    value = env.str(name, default="")
    if not value.startswith(starts_with):
        found = f"it starts with {value.split(':', 1)[0]!r}" if value else "it is not set"
        raise ImproperlyConfigured(
            f"ACADEMY_ENV=production requires {name} starting with {starts_with!r}, "
            f"for example {name}={example}; {found}."
        )
    return value


DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-not-for-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
if PRODUCTION:  # links in e-mails and QR codes
    SITE_URL = required_in_production(
        "SITE_URL", starts_with="http", example="https://academy.example.org"
    )
else:
    SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "academy.admin_config.AcademyAdminConfig",  # django.contrib.admin, our own site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "template_partials",
    "csp",
    "academy",
    "accounts",
    "organisations",
    "courses",
    "assessments",
    "certificates",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "academy.outage.DatabaseUnavailableMiddleware",  # the database is down: a styled 503
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "academy.integers.IntegerRangeMiddleware",  # an id beyond a bigint: 404, before any view
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.ProfileLanguageMiddleware",
    "academy.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.session_activity.UserSessionActivityMiddleware",
]

ROOT_URLCONF = "academy.urls"
WSGI_APPLICATION = "academy.wsgi.application"

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
                "django.template.context_processors.i18n",
                "academy.context_processors.navigation",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

if PRODUCTION:
    required_in_production(
        "DATABASE_URL", starts_with="postgres", example="postgres://user:password@host:5432/academy"
    )
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # An unreachable server fails the request within seconds (a styled 503, academy.outage).
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=5
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: readers never wait for the writer (WAL), a writer waits up to 20 s
    # for another instead of failing with "database is locked", and every transaction takes
    # the write lock at its start (IMMEDIATE), so a read-then-write transaction cannot fail
    # half-way when another writer got in first.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if PRODUCTION:  # Celery broker and cache: never eager tasks or a per-process cache
    REDIS_URL = required_in_production(
        "REDIS_URL", starts_with="redis", example="redis://redis:6379/0"
    )
else:
    REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis, because it degrades instead of raising: while Redis is down a read is a
    # miss and a write is dropped (logged), so rate limits and caches never turn into a 500
    # (academy.cache: a lock or rate limit opens instead of refusing everyone).
    CACHES = {
        "default": {
            "BACKEND": "academy.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "academy",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# SQLite (the embedded default of ``make run``) builds the covering indexes of PostgreSQL without
# their included columns, which is all it needs for demo-sized data.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "start"
LOGIN_URL = "account_login"

# django-allauth
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "organisations.sso.account_adapter.SsoAccountAdapter"  # + SSO's MFA stage
ACCOUNT_FORMS = {
    "login": "organisations.sso.forms.PasswordLoginForm",
    "reset_password": "organisations.sso.forms.PasswordResetForm",
}
# Single sign-on per organisation (organisations.sso): one OpenID Connect provider per
# IdentityProvider row; accounts are linked and provisioned by the adapter's rules only.
SOCIALACCOUNT_ADAPTER = "organisations.sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the provider vouches for its own domains
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Academy] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# The client address for the per-address limits above and the audit log. In production the
# proxy that terminates TLS (SECURE_PROXY_SSL_HEADER) is REMOTE_ADDR, so every visitor would
# share one limit; the address the last TRUSTED_PROXY_COUNT proxies appended to
# X-Forwarded-For is used instead (what a client writes there itself is never believed).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if PRODUCTION else 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Academy"
USERSESSIONS_TRACK_ACTIVITY = False  # accounts.session_activity tracks it, throttled
SESSION_ACTIVITY_INTERVAL = 300
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"  # adds name and language
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # e-mail changes ask for the password again
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell people about password, e-mail and 2FA changes
USERSESSIONS_ADAPTER = "accounts.adapter.UserSessionsAdapter"  # audit "sessions ended"
# Pages that analysts, admins, coordinators and staff may only open with two-factor login.
MFA_REQUIRED_PATH_PREFIXES = [
    "/admin/",
    "/organisations/",
    "/accounts/audit/",
    "/trainer/",
    "/dashboard/",
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "academy_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["academy.formats"]  # "25 november 2026" / "25 November 2026", no others

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Academy <noreply@academy.example.org>")

# Security headers everywhere; HSTS and secure cookies in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token travels in hx-headers
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Celery: Redis as broker when REDIS_URL is set; otherwise tasks run in-process (eager).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Publishing never makes a request wait long for a Redis that is down: one try, short socket
# timeouts. What could not be sent waits in the outbox (accounts.outbox) for the relay below.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,  # above the worker's 1 s BRPOP wait
    "max_retries": 0,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 2
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BEAT_SCHEDULE["academy-relay-outbox"] = {
    "task": "academy.tasks.relay_outbox",
    "schedule": 30.0,
}
CELERY_BEAT_SCHEDULE["courses-due-reminders"] = {
    "task": "courses.tasks.send_due_reminders",
    "schedule": crontab(hour=7, minute=0),
}
CELERY_BEAT_SCHEDULE["courses-weekly-trainer-overview"] = {
    "task": "courses.tasks.send_weekly_trainer_overview",
    "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
}

# Platform settings
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="academy-demo")
DEMO_TOTP_SECRET = env.str("DEMO_TOTP_SECRET", default="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
AGGREGATE_MIN_N = env.int("AGGREGATE_MIN_N", default=10)
REPORTING_MIN_CELL = env.int("REPORTING_MIN_CELL", default=5)
CONTENT_DIR = BASE_DIR / "content"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Retention: how long each kind of personal data is kept before the daily purge deletes it
# (academy.tasks.purge_past_retention; the privacy page shows these periods).
RETENTION_INVITATION_BATCH_DAYS = env.int("RETENTION_INVITATION_BATCH_DAYS", default=90)
RETENTION_FAILED_LOGIN_DAYS = env.int("RETENTION_FAILED_LOGIN_DAYS", default=90)
RETENTION_UNVERIFIED_SIGNUP_DAYS = env.int("RETENTION_UNVERIFIED_SIGNUP_DAYS", default=30)
RETENTION_EXPIRED_INVITATION_DAYS = env.int("RETENTION_EXPIRED_INVITATION_DAYS", default=90)
CELERY_BEAT_SCHEDULE["academy-purge-past-retention"] = {
    "task": "academy.tasks.purge_past_retention",
    "schedule": crontab(hour=3, minute=30),
}

# One password confirmation ("Confirm access") covers every sensitive page (e-mail, password,
# two-factor, download my data, delete my account) for this many seconds.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("ACCOUNT_REAUTHENTICATION_TIMEOUT", default=600)

# Certificates. Completions from this date on were made under the trustworthy-assessment rules
# (opaque answer values, attempt limits, study-gated completion); only they are certified.
# Earlier completions are listed by ``manage.py issue_certificates``, never certified.
CERTIFICATE_RULES_SINCE = date.fromisoformat(
    env.str("CERTIFICATE_RULES_SINCE", default="2026-12-01")
)
# Public verification page: at most this many look-ups per client address per minute.
CERTIFICATE_VERIFY_PER_MINUTE = env.int("CERTIFICATE_VERIFY_PER_MINUTE", default=30)
CELERY_BEAT_SCHEDULE["certificates-sweep"] = {
    "task": "certificates.tasks.sweep_certificates",
    "schedule": crontab(minute=17),
}
CELERY_BEAT_SCHEDULE["certificates-expiry-notices"] = {
    "task": "certificates.tasks.send_expiry_notices",
    "schedule": crontab(hour=8, minute=0),
}
# Reporting: yesterday's DailySnapshot rows every night, the analysts' digest on Monday morning.
CELERY_BEAT_SCHEDULE["reporting-daily-snapshot"] = {
    "task": "reporting.tasks_snapshots.write_daily_snapshot",
    "schedule": crontab(hour=1, minute=15),
}
CELERY_BEAT_SCHEDULE["reporting-weekly-digest"] = {
    "task": "reporting.tasks_digest.send_weekly_digest",
    "schedule": crontab(hour=7, minute=45, day_of_week="mon"),
}

"""Essaim settings, read from the environment. They fail closed.

- ``DEBUG`` is off unless ``ESSAIM_DEBUG=1``.
- ``SECRET_KEY`` is required, except in the demo and the tests (``ESSAIM_MODE=demo|test``),
  which use a key of their own that production never sees.
- ``DATABASE_URL`` absent means SQLite in ``var/essaim.sqlite3``.
- HTTPS (secure cookies, redirect, HSTS) is on in production unless ``ESSAIM_HTTPS=0``.
- A second factor is required of staff and financers in production and in the demo (where the
  published demo accounts are exempt); the tests switch it on where they test it.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ESSAIM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


MODE = os.environ.get("ESSAIM_MODE", "production")
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(f"ESSAIM_MODE must be production, demo or test, not {MODE!r}.")
TESTING = MODE == "test"
DEMO = MODE == "demo"

DEBUG = env_bool("ESSAIM_DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if MODE in {"demo", "test"}:
        SECRET_KEY = f"insecure-{MODE}-key-never-used-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set (see docs/operator.md).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if MODE in {"demo", "test"} and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "ninja",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    "dsfr",
    "widget_tweaks",  # django-dsfr's field templates (checkboxes) load its tags
    "essaim.core",
    "essaim.accounts",
    "essaim.geo",
    "essaim.actors",
    "essaim.calls",
    "essaim.applications",
    "essaim.reviews",
    "essaim.labels",
    "essaim.support",
    "essaim.projects",
    "essaim.financing",
    "essaim.regulatory",
    "essaim.synergies",
    "essaim.impact",
    "essaim.portal",
    "essaim.api",
    "essaim.operators",
    "essaim.webhooks",
    # After Essaim's apps, whose templates (DSFR pages) override allauth's.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "essaim.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "essaim.accounts.middleware.AccountSecurityMiddleware",
    "essaim.core.inputs.InputGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "essaim.core.middleware.CspNonceMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: it stores the view's own response for a replay (essaim/core/idempotency.py).
    "essaim.core.idempotency.IdempotencyMiddleware",
]
# How long a request waits for an identical one (same idempotency key) still running before
# answering 409.
IDEMPOTENCY_WAIT_SECONDS = float(os.environ.get("ESSAIM_IDEMPOTENCY_WAIT_SECONDS", "5"))

ROOT_URLCONF = "essaim.urls"
WSGI_APPLICATION = "essaim.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "essaim" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "essaim.accounts.context_processors.essaim",
                "essaim.demo.context_processors.demo_accounts",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("ESSAIM_SQLITE_PATH", str(VAR_DIR / "essaim.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
# An optional read replica of that PostgreSQL database (streaming replication): reads go there,
# writes and the reads of a transaction to the primary; a request that wrote, and the same
# client's requests for ESSAIM_REPLICA_PIN_SECONDS after it, read the primary
# (essaim/core/replica.py). The task workers read the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
ESSAIM_REPLICA_PIN_SECONDS = int(os.environ.get("ESSAIM_REPLICA_PIN_SECONDS", "10"))
if DATABASE_REPLICA_URL:
    if not DATABASE_URL:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL (the primary).")
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["essaim.core.replica.ReplicaRouter"]
    MIDDLEWARE.insert(0, "essaim.core.replica.ReplicaPinMiddleware")
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts (django-allauth: sign-up, e-mail confirmation, rate limits, TOTP, ProConnect) ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend, plus sign-in by any of the account's verified addresses.
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
API_TOKEN_TTL_DAYS = int(os.environ.get("ESSAIM_API_TOKEN_TTL_DAYS", "30"))


def _rate(name: str, default: str) -> tuple[int, int]:
    """``"600/60"``: 600 calls per 60 seconds."""
    value = os.environ.get(name, default)
    calls, _sep, seconds = value.partition("/")
    try:
        rate = (int(calls), int(seconds or "60"))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must read CALLS/SECONDS, e.g. 600/60.") from None
    if min(rate) < 1:
        raise ImproperlyConfigured(f"{name} must read CALLS/SECONDS with both above 0.")
    return rate


# API calls per API token, and per IP address for anonymous calls (429 past them). The tests
# lower them where they test them.
ESSAIM_API_RATE_LIMIT = _rate("ESSAIM_API_RATE_LIMIT", "100000/60" if TESTING else "600/60")
ESSAIM_API_ANONYMOUS_RATE_LIMIT = _rate(
    "ESSAIM_API_ANONYMOUS_RATE_LIMIT", "100000/60" if TESTING else "300/60"
)

ACCOUNT_ADAPTER = "essaim.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_NOTIFICATIONS = True  # "your password was changed", "an authenticator was added"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Essaim] "
ACCOUNT_FORMS = {
    "login": "essaim.accounts.forms.LoginForm",
    "signup": "essaim.accounts.forms.SignupForm",
    "add_email": "essaim.accounts.forms.AddEmailForm",
    "change_password": "essaim.accounts.forms.ChangePasswordForm",
    "set_password": "essaim.accounts.forms.SetPasswordForm",
    "reset_password": "essaim.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "essaim.accounts.forms.ResetPasswordKeyForm",
    "reauthenticate": "essaim.accounts.forms.ReauthenticateForm",
}
# Rate limits (allauth's, counted in Django's cache: see CACHES). Failed sign-ins are counted
# per address and per IP address over ESSAIM_LOGIN_FAILURE_WINDOW seconds, by the login page and
# by ``POST /api/v1/auth/token`` alike; the API answers 429 with ``Retry-After`` once they run out.
ESSAIM_LOGIN_FAILURE_WINDOW = int(os.environ.get("ESSAIM_LOGIN_FAILURE_WINDOW", "300"))
ESSAIM_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("ESSAIM_LOGIN_FAILURES_PER_ADDRESS", "5"))
ESSAIM_LOGIN_FAILURES_PER_IP = int(os.environ.get("ESSAIM_LOGIN_FAILURES_PER_IP", "30"))
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": (
        f"{ESSAIM_LOGIN_FAILURES_PER_IP}/{ESSAIM_LOGIN_FAILURE_WINDOW}s/ip,"
        f"{ESSAIM_LOGIN_FAILURES_PER_ADDRESS}/{ESSAIM_LOGIN_FAILURE_WINDOW}s/key"
    ),
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
    "reset_password_from_key": "20/h/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
    "manage_email": "10/m/user",
}
# Behind a reverse proxy, the client's address is the last one it adds to X-Forwarded-For
# (the documented deployment); 0 reads the connection's address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(
    os.environ.get("ESSAIM_TRUSTED_PROXY_COUNT", "1" if MODE == "production" else "0")
)

# Second factor (TOTP with recovery codes). Required of programme staff (admins, instructors,
# single-window officers), financers and Django staff (``essaim.accounts.identity``): enforced in
# production without exception and in the demo, where the published demo accounts are exempt.
# The tests sign staff in with ``force_login`` and switch it on where they test it.
ESSAIM_MFA_ENFORCED = MODE != "test"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Essaim"
MFA_FORMS = {
    "authenticate": "essaim.accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "essaim.accounts.forms.MFAReauthenticateForm",
    "activate_totp": "essaim.accounts.forms.ActivateTOTPForm",
    "deactivate_totp": "essaim.accounts.forms.DeactivateTOTPForm",
    "generate_recovery_codes": "essaim.accounts.forms.GenerateRecoveryCodesForm",
}

# ProConnect, the State's identity federation for professionals (OpenID Connect), when its
# client is configured. The addresses it sends are verified by the federation: a known one signs
# in its account, an unknown one creates an account.
SOCIALACCOUNT_ADAPTER = "essaim.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_FORMS = {"signup": "essaim.accounts.forms.SocialSignupForm"}
PROCONNECT_SERVER_URL = os.environ.get("PROCONNECT_SERVER_URL", "").rstrip("/")
PROCONNECT_CLIENT_ID = os.environ.get("PROCONNECT_CLIENT_ID", "")
PROCONNECT_CLIENT_SECRET = os.environ.get("PROCONNECT_CLIENT_SECRET", "")
PROCONNECT_SCOPE = os.environ.get("PROCONNECT_SCOPE", "openid email given_name usual_name uid")
PROCONNECT_ORIGIN = "/".join(PROCONNECT_SERVER_URL.split("/")[:3]) if PROCONNECT_SERVER_URL else ""


def proconnect_app(server_url: str, client_id: str, secret: str, scope: str) -> dict:
    """allauth's description of the ProConnect client (the tests point it at a local server)."""
    return {
        "provider_id": "proconnect",
        "name": "ProConnect",
        "client_id": client_id,
        "secret": secret,
        "settings": {
            "server_url": server_url,
            "scope": scope.split(),
            "verified_email": True,
            "email_authentication": True,
        },
    }


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "essaim.accounts.proconnect.ProConnectProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                proconnect_app(
                    PROCONNECT_SERVER_URL,
                    PROCONNECT_CLIENT_ID,
                    PROCONNECT_CLIENT_SECRET,
                    PROCONNECT_SCOPE,
                )
            ]
            if PROCONNECT_SERVER_URL and PROCONNECT_CLIENT_ID
            else []
        ),
    }
}

# --- Sessions and security ------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
# Applicants stay signed in for two weeks; staff and financers (who must use a second factor)
# for a working day, counted from the moment they signed in.
SESSION_COOKIE_AGE = int(float(os.environ.get("ESSAIM_SESSION_HOURS", "336")) * 3600)
ESSAIM_STAFF_SESSION_AGE = int(float(os.environ.get("ESSAIM_STAFF_SESSION_HOURS", "8")) * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Production is served over HTTPS (a reverse proxy terminates TLS and sets X-Forwarded-Proto):
# secure cookies, a redirect from plain HTTP, HSTS. ``ESSAIM_HTTPS=0`` only for a plain-HTTP
# test install.
HTTPS = env_bool("ESSAIM_HTTPS", MODE == "production")
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # The load balancer's health check talks plain HTTP to the web processes.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("ESSAIM_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ESSAIM_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("ESSAIM_HSTS_PRELOAD", True)
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
SESSION_COOKIE_SECURE = env_bool("ESSAIM_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # Signing in with ProConnect posts a form that redirects to the federation.
    "form-action": [CSP.SELF, *([PROCONNECT_ORIGIN] if PROCONNECT_ORIGIN else [])],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "essaim" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("ESSAIM_MEDIA_ROOT", VAR_DIR / "media"))
# The demo and the tests serve static files straight from the apps, with no collectstatic step
# (the demo indexes them once per process at start, ~0.1 s; the tests look each one up);
# ESSAIM_STATIC_FROM_APPS=1 does the same in production, for a throw-away install.
STATIC_FROM_APPS = env_bool("ESSAIM_STATIC_FROM_APPS", MODE != "production")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if STATIC_FROM_APPS
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = STATIC_FROM_APPS
WHITENOISE_AUTOREFRESH = MODE == "test"

# Uploaded and generated files (attachments, certificates, reports, logos) on S3-compatible
# object storage when ESSAIM_S3_BUCKET is set, so that every web process and worker of every
# machine sees them. Objects stay private (no ACL: the bucket's own, which must not be public):
# Essaim's views stream them after their permission checks; a URL, if any code asks one, is
# signed and expires after ESSAIM_S3_URL_SECONDS. Credentials: ESSAIM_S3_ACCESS_KEY_ID and
# ESSAIM_S3_SECRET_ACCESS_KEY, or boto3's own chain (AWS_* variables, an instance role).
S3_BUCKET = os.environ.get("ESSAIM_S3_BUCKET", "")
if S3_BUCKET:
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("ESSAIM_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("ESSAIM_S3_REGION") or None,
        "access_key": os.environ.get("ESSAIM_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("ESSAIM_S3_SECRET_ACCESS_KEY") or None,
        "location": os.environ.get("ESSAIM_S3_PREFIX", "").strip("/"),
        "addressing_style": os.environ.get("ESSAIM_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": int(os.environ.get("ESSAIM_S3_URL_SECONDS", "300")),
        # Like the file system: a new file never replaces another of the same name.
        "file_overwrite": False,
        # A file read back is kept in memory up to 5 MB, on disk beyond.
        "max_memory_size": 5 * 1024 * 1024,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {k: v for k, v in _s3_options.items() if v is not None},
    }

# --- Mail -----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("ESSAIM_FROM_EMAIL", "Essaim <ne-pas-repondre@essaim.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The public address of this instance, for links in e-mails and certificates (no trailing slash).
ESSAIM_BASE_URL = os.environ.get("ESSAIM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Django 6.1's MAILERS: SMTP when EMAIL_HOST is set, files under var/mail in the demo, the console
# otherwise (the tests swap in the in-memory outbox).
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "use_ssl": env_bool("EMAIL_USE_SSL"),
                "timeout": 30,
            },
        }
    }
elif MODE == "demo":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# The single window's incoming mail: the largest message read (larger ones are refused before
# parsing and quarantined; attachments have the web form's 10 MB limit), and the separator of
# each ticket's secret reply address (guichet+<secret>@…).
ESSAIM_MAIL_MAX_MESSAGE_BYTES = int(os.environ.get("ESSAIM_MAIL_MAX_MESSAGE_MB", "25")) * 1024**2
ESSAIM_MAIL_REPLY_SEPARATOR = os.environ.get("ESSAIM_MAIL_REPLY_SEPARATOR", "+")
if len(ESSAIM_MAIL_REPLY_SEPARATOR) != 1 or ESSAIM_MAIL_REPLY_SEPARATOR in '@ "<>()[],;:\\':
    raise ImproperlyConfigured("ESSAIM_MAIL_REPLY_SEPARATOR must be one character such as + or -.")

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# --- Webhooks (essaim.webhooks.validation) ---------------------------------------------------
# Plain http to localhost is accepted, and private addresses are not refused, only where the
# receiver is one's own machine: debug, demo and tests. Production refuses both (SSRF).
WEBHOOKS_ALLOW_LOCAL = DEBUG or TESTING or DEMO
WEBHOOKS_TIMEOUT = 10  # seconds per attempt
# After a secret's rotation, deliveries are signed with the new and the former secret for this
# many hours (then with the new one only): 1 to 168 (a week), 24 by default.
WEBHOOKS_SECRET_GRACE_HOURS = min(
    max(int(os.environ.get("ESSAIM_WEBHOOKS_SECRET_GRACE_HOURS", "24")), 1), 168
)

# --- Caches ---------------------------------------------------------------------------------
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "essaim.core.redis_cache.RedisCache",  # Django's, its client kept
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
elif MODE in {"production", "demo"}:
    # Rate limits must be counted across the web processes of the machine (the demo runs two).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ESSAIM_LOG_LEVEL", "INFO")},
}

# --- Django-dsfr ----------------------------------------------------------------------------
DSFR_USE_INTEGRITY_CHECKSUMS = True

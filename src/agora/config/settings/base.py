"""Django settings for Agora, read from the environment.

Defaults are production-safe: DEBUG off, secure cookies, and a secret key that must be given outside
development. `make run` sets AGORA_DEBUG for the local demo.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[4]
VAR_DIR = Path(os.environ.get("AGORA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("AGORA_DEBUG")
SECRET_KEY = os.environ.get("AGORA_SECRET_KEY") or (
    "insecure-dev-key-only-for-local-demo-0123456789abcdefghijklmnopqrstuvwxyz" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("AGORA_SECRET_KEY doit être défini en production (ou AGORA_DEBUG=1 en local).")
ALLOWED_HOSTS = [h for h in os.environ.get("AGORA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("AGORA_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "agora.core",
    "agora.parties",
    "agora.catalog",
    "agora.ledger",
    "agora.stock",
    "agora.sales",
    "agora.purchasing",
    "agora.procurement",
    "agora.membership",
    "agora.treasury",
    "agora.cash",
    "agora.assets",
    "agora.vat",
    "agora.banking",
    "agora.reconciliation",
    "agora.financials",
    "agora.reporting",
    "agora.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "agora.core.middleware.CurrentOrganisationMiddleware",
]

ROOT_URLCONF = "agora.config.urls"
WSGI_APPLICATION = "agora.config.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agora.web.context.navigation",
            ],
        },
    }
]


def database_config() -> dict:
    """SQLite under var/ by default; any URL (e.g. postgresql://…) through AGORA_DATABASE_URL."""
    url = os.environ.get("AGORA_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'agora.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=60 if url.startswith("postgres") else 0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL + IMMEDIATE transactions: writers queue on the busy timeout instead of failing on upgrade.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            # 64 MB page cache and memory-mapped reads: reports scan millions of lines.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                            "PRAGMA cache_size=-65536;",
        }
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Sessions and cookies: secure unless running the local demo over plain HTTP.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_COOKIE_SECURE = env_bool("AGORA_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("AGORA_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("AGORA_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Login throttling: attempts per (username, address) inside the window before refusing.
AGORA_LOGIN_MAX_ATTEMPTS = int(os.environ.get("AGORA_LOGIN_MAX_ATTEMPTS", "5"))
AGORA_LOGIN_WINDOW_SECONDS = int(os.environ.get("AGORA_LOGIN_WINDOW_SECONDS", "900"))

EMAIL_HOST = os.environ.get("AGORA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("AGORA_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("AGORA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("AGORA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("AGORA_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("AGORA_EMAIL_FROM", "agora@localhost")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("AGORA_LOG_LEVEL", "WARNING")},
}

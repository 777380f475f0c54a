"""Settings for the test suite: fast hashing, plain static storage, debug off as in production."""

import os

os.environ.setdefault("AGORA_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijkl")
os.environ.setdefault("AGORA_SECURE_COOKIES", "0")
os.environ.setdefault("AGORA_SSL_REDIRECT", "0")

from .base import *  # noqa: E402, F403
from .base import STATIC_ROOT, STORAGES  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when the folder is missing

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="agora-test-media-")  # uploads made by tests never land in var/

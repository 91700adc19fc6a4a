"""Production settings: everything secret comes from the environment, or the process refuses to start."""

import os

from django.core.exceptions import ImproperlyConfigured

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production.")
if not os.environ.get("DATABASE_URL"):
    # A silent fallback to a local SQLite file would split data between app servers.
    raise ImproperlyConfigured("DATABASE_URL must be set in production (postgres://…).")

from .base import *  # noqa: E402,F403
from .base import env_bool, env_list  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")

REGISTRY_REQUIRE_KEYS_FROM_ENV = True
# Every certificate's QR code points there: no development default in production (the
# certificates app refuses to start without it, as without its signing key).
REGISTRY_PUBLIC_BASE_URL = os.environ.get("REGISTRY_PUBLIC_BASE_URL", "")
# Stored per-commune report figures, reused until an audited change touches their commune.
REGISTRY_REPORT_CACHE_SECONDS = int(os.environ.get("REGISTRY_REPORT_CACHE_SECONDS", "86400"))

# Throttling counters (token endpoint) must be shared by every worker on every app server;
# the database cache needs no extra service. Its table is created by a migration.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "registry_cache",
    }
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405

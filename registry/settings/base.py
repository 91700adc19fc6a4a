"""Settings read from the environment; safe development defaults, production in production.py."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("REGISTRY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def development_secret(filename: str, generate) -> str:
    """Read a development secret from var/, generating it once on first run (var/ is git-ignored)."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / filename
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(generate())
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or development_secret(
    "secret_key", lambda: secrets.token_urlsafe(50)
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "registry",
    "jobs",
    "beneficiaries",
    "payments",
    "certificates",
    # reports: Resolution 42 indicators (above certificates, below demo)
    "reports",
    "demo",
    # Django's Tasks framework (backport) and its database backend; after "jobs", whose
    # db_worker command extends the package's worker and must win the command name.
    "django_tasks",
    "django_tasks_db",
    # web (browser application): server-rendered pages with htmx (django-htmx ships the script).
    "django_htmx",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "registry.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware so that the 413 answer is in the client's language.
    "registry.api.limits.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "registry.api.errors.ApiExceptionMiddleware",
    # web: request.htmx for the pages' partial updates.
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"

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
            ],
        },
    },
]

# SQLite file under var/ by default; PostgreSQL through DATABASE_URL=postgres://…
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'registry.sqlite3'}"
if DATABASE_URL.startswith("sqlite"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "registry.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads (imports, bank files) are bounded; larger bodies answer 413 (registry/api/limits.py):
# a multipart body up to REGISTRY_MAX_UPLOAD_BYTES, any other body up to DATA_UPLOAD_MAX_MEMORY_SIZE.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("REGISTRY_MAX_BODY_BYTES", 5 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
REGISTRY_MAX_UPLOAD_BYTES = int(os.environ.get("REGISTRY_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))

# Field-encryption keys: never derived from SECRET_KEY. See docs/encryption.md.
REGISTRY_ENCRYPTION_KEYS = os.environ.get("REGISTRY_ENCRYPTION_KEYS", "")
REGISTRY_BLIND_INDEX_KEY = os.environ.get("REGISTRY_BLIND_INDEX_KEY", "")
REGISTRY_KEY_FILE = VAR_DIR / "encryption_keys.json"
REGISTRY_REQUIRE_KEYS_FROM_ENV = False
# Imports: most rows per file, and the age from which a person in a file must carry a personal
# ID number (Law on Identification 2023: a card from 14; younger children may not have the
# number yet). A file must, because its rows are matched against the registry by that number;
# at the desk (API, web) a person whose number is not at hand can be completed later.
REGISTRY_IMPORT_MAX_ROWS = int(os.environ.get("REGISTRY_IMPORT_MAX_ROWS", 50_000))
REGISTRY_IMPORT_NATIONAL_ID_REQUIRED_FROM_AGE = int(
    os.environ.get("REGISTRY_IMPORT_NATIONAL_ID_REQUIRED_FROM_AGE", 14)
)
# Accept personal ID numbers whose first three digits are a country code (born abroad).
REGISTRY_ACCEPT_FOREIGN_BIRTH_CODES = env_bool("REGISTRY_ACCEPT_FOREIGN_BIRTH_CODES", False)

# Background jobs (jobs app): Django's Tasks framework on its database backend; every worker runs
# `manage.py db_worker`. A running job's lease is renewed by a heartbeat; a job whose lease has
# expired (its worker died) is re-queued by any worker's sweeper, at most MAX_ATTEMPTS runs.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
REGISTRY_JOBS_LEASE_SECONDS = float(os.environ.get("REGISTRY_JOBS_LEASE_SECONDS", 60))
REGISTRY_JOBS_HEARTBEAT_SECONDS = float(os.environ.get("REGISTRY_JOBS_HEARTBEAT_SECONDS", 10))
REGISTRY_JOBS_SWEEP_SECONDS = float(os.environ.get("REGISTRY_JOBS_SWEEP_SECONDS", 15))
REGISTRY_JOBS_MAX_ATTEMPTS = int(os.environ.get("REGISTRY_JOBS_MAX_ATTEMPTS", 3))
# Import files larger than this run as a job (202 with the job); smaller ones and dry runs
# answer at once.
REGISTRY_IMPORT_BACKGROUND_BYTES = int(os.environ.get("REGISTRY_IMPORT_BACKGROUND_BYTES", 262_144))

# The consistency report's checks, in report order: (finding kind, check function). Each app lists
# its own here (payments adds shared_payment_account); see beneficiaries/consistency/__init__.py.
REGISTRY_CONSISTENCY_CHECKS = [
    ("deceased_with_open_case", "beneficiaries.consistency.checks.deceased_with_open_case"),
    ("open_cases_in_two_communes", "beneficiaries.consistency.checks.open_cases_in_two_communes"),
    ("meritorious_household_poor", "beneficiaries.consistency.checks.meritorious_household_poor"),
    ("aged_out", "beneficiaries.consistency.entitlement_checks.aged_out"),
    ("possible_duplicate", "beneficiaries.consistency.checks.possible_duplicate"),
    # Payments (payments/)
    ("shared_payment_account", "payments.checks.shared_payment_account"),
]

# audit2: erasure by anonymisation (beneficiaries/services/erasure.py): each app above
# beneficiaries erases its own data about the person: (app, "dotted.path.to.function(person)").
REGISTRY_PERSON_ERASURE_HOOKS = [
    ("payments", "payments.erasure.person_erase_payment_data"),
]

# Certificates (certificates/, docs/certificates.md). The public base URL is what the QR codes
# point to (https://registry.example.org); the signing key is 32 random bytes, base64 (Ed25519).
REGISTRY_PUBLIC_BASE_URL = os.environ.get("REGISTRY_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
REGISTRY_CERTIFICATE_SIGNING_KEY = os.environ.get("REGISTRY_CERTIFICATE_SIGNING_KEY", "")
REGISTRY_CERTIFICATE_KEY_FILE = VAR_DIR / "certificate_signing_key.json"
# How long a beneficiary-status certificate is valid (a household certificate: its review year).
REGISTRY_CERTIFICATE_VALIDITY_DAYS = int(os.environ.get("REGISTRY_CERTIFICATE_VALIDITY_DAYS", 90))
# The status list: how long a downloaded copy may be relied on, and how often to refresh it.
REGISTRY_STATUS_LIST_VALIDITY_HOURS = int(os.environ.get("REGISTRY_STATUS_LIST_VALIDITY_HOURS", 48))
REGISTRY_STATUS_LIST_TTL_HOURS = int(os.environ.get("REGISTRY_STATUS_LIST_TTL_HOURS", 6))
# Requests per client address to the public verification page and endpoints.
REGISTRY_VERIFY_THROTTLE = os.environ.get("REGISTRY_VERIFY_THROTTLE", "60/min")

# The month's list of cases to review (GET /api/v1/cases/review/): (kind, source function), in
# list order. Each app adds its own (payments adds uncollected); see beneficiaries/review.py.
REGISTRY_CASE_REVIEW_SOURCES = [
    ("aged_out", "beneficiaries.review.aged_out"),
    ("custody", "beneficiaries.review.custody"),
    ("suspension_expired", "beneficiaries.review.suspension_expired"),
    ("adjustment", "beneficiaries.review.pending_adjustments"),
    # Payments (payments/)
    ("uncollected", "payments.checks.uncollected"),
]

# reports (reports/, docs/reports.md): the provider of payment figures for the summary report,
# as [("payment_figures", "dotted.path.to.function")]: payments (empty: every
# paid figure is then null). And the programmes whose beneficiaries are entitled to a free
# health-insurance card (domain.md §3: the Decree 20 social-assistance beneficiaries).
REGISTRY_REPORT_PAYMENT_FIGURES: list[tuple[str, str]] = [
    ("payment_figures", "payments.report_figures.payment_figures"),
]
REGISTRY_REPORT_HEALTH_INSURANCE_PROGRAMMES = env_list(
    "REGISTRY_REPORT_HEALTH_INSURANCE_PROGRAMMES", "social_assistance"
)
# Payments (payments/, docs/payments.md): the paying account written in pain.001, and the first
# month arrears may reach back to ("YYYY-MM"; empty: the case's start month).
REGISTRY_PAYMENT_DEBTOR_NAME = os.environ.get("REGISTRY_PAYMENT_DEBTOR_NAME", "UBND XA")
REGISTRY_PAYMENT_DEBTOR_ACCOUNT = os.environ.get("REGISTRY_PAYMENT_DEBTOR_ACCOUNT", "0000000000")
REGISTRY_PAYMENT_DEBTOR_BIC = os.environ.get("REGISTRY_PAYMENT_DEBTOR_BIC", "")
REGISTRY_PAYMENTS_ARREARS_FROM = os.environ.get("REGISTRY_PAYMENTS_ARREARS_FROM", "")
# --- payments (pay2): batches above this many payable cases are generated by a background job ---
REGISTRY_PAYMENTS_BACKGROUND_FROM_CASES = int(
    os.environ.get("REGISTRY_PAYMENTS_BACKGROUND_FROM_CASES", 5000)
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "registry.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_SCHEMA_CLASS": "registry.api.schema.RegistryAutoSchema",
    "EXCEPTION_HANDLER": "registry.api.errors.exception_handler",
    "DEFAULT_METADATA_CLASS": "registry.api.metadata.RegistryMetadata",
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("REGISTRY_TOKEN_THROTTLE", "10/min")},
    # Throttles key on REMOTE_ADDR; behind N reverse proxies set REGISTRY_NUM_PROXIES=N so the
    # client address is read from X-Forwarded-For (which a client could otherwise forge).
    "NUM_PROXIES": int(os.environ.get("REGISTRY_NUM_PROXIES", "0")),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Sổ đăng ký đối tượng an sinh xã hội — API v1",
    "DESCRIPTION": "Beneficiary registry for social-security cases. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags and operation ids come from the path after /api/v1/ (households, persons, …).
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Offline: no call to the public swagger.io validator from the docs page.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "CategoryEnum": "beneficiaries.models.CATEGORY_CHOICES",
        "VitalStatusEnum": "beneficiaries.models.VitalStatus",
        "LivingVitalStatusEnum": ["alive", "missing"],
        "CertificateKindEnum": "certificates.models.CertificateKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "registry.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs request bodies nowhere, but its 500 reports include local variables
        # when DEBUG is on; registry.api.errors logs only the exception type and request id.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# --- audit: tamper-evident audit trail, access hardening, SQLite under concurrency ------------
# (docs/security.md). Argon2id first; older hashes are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "csp"]  # noqa: F405
MIDDLEWARE.insert(  # noqa: F405
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,  # noqa: F405
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(  # noqa: F405
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,  # noqa: F405
    "registry.security.OTPRequiredMiddleware",
)
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "axes.middleware.AxesMiddleware"]  # noqa: F405
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out after repeated failed logins (web form, admin, API token), per username and, apart,
# per client address; a success resets the user's count.
AXES_ENABLED = env_bool("REGISTRY_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("REGISTRY_LOCKOUT_FAILURES", 5))
AXES_COOLOFF_TIME = float(os.environ.get("REGISTRY_LOCKOUT_HOURS", 0.25))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "registry.security.lockout_response"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("REGISTRY_NUM_PROXIES", "0")) or None
AXES_VERBOSE = False
# Sessions end after REGISTRY_SESSION_IDLE_MINUTES without a request (the expiry moves on with
# every request) and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("REGISTRY_SESSION_IDLE_MINUTES", 30)) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A second factor (TOTP, `manage.py otp_enrol USERNAME`) for these roles at every login.
REGISTRY_OTP_REQUIRED_ROLES = env_list("REGISTRY_OTP_REQUIRED_ROLES", "payment_officer,approver")
OTP_TOTP_ISSUER = "So dang ky ASXH"
# Content-Security-Policy: only this origin's scripts and styles, never inline ones.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# SQLite: write-ahead log (readers never block the writer), and every transaction takes the
# write lock at BEGIN and waits up to `timeout` seconds for it, so concurrent requests queue
# instead of failing with "database is locked" (a deferred transaction that reads, then writes,
# cannot wait: SQLite refuses it at once).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("REGISTRY_SQLITE_TIMEOUT", 20)),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
# Backups (manage.py backup / restore): 32 random bytes, base64; kept apart from the archives.
REGISTRY_BACKUP_KEY = os.environ.get("REGISTRY_BACKUP_KEY", "")
# webaudit: a commune's batch print (a background job) leaves its PDF here, encrypted, for the
# one who started it to download; on several application servers, a directory they all share.
REGISTRY_PRINTS_DIR = Path(os.environ.get("REGISTRY_PRINTS_DIR", VAR_DIR / "prints"))
# reports: per-commune figures are stored and reused while no audited change touched their
# commune, and the whole summary cached while the chain head has not moved (every write audits:
# reports/snapshot.py, cache.py), each for at most this many seconds; 0 = off (here, so tests
# that write through factories, which audit nothing, see fresh figures; production sets a day).
REGISTRY_REPORT_CACHE_SECONDS = int(os.environ.get("REGISTRY_REPORT_CACHE_SECONDS", "0"))
# auditgaps: axes keeps keyed hashes of usernames and client addresses (registry/security.py),
# never the plaintext; successful logins are in the audit trail, not in axes' access log (which
# would keep the plain username). Unlock with `manage.py unlock_login USERNAME` / `--address`.
AXES_USERNAME_CALLABLE = "registry.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "registry.security.axes_client_ip"
AXES_DISABLE_ACCESS_LOG = True

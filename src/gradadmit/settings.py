"""Settings from the environment, with defaults that run on a laptop (SQLite, local files, console email)."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Production sets DJANGO_SECRET_KEY; the fallback only serves `make run` and tests.
SECRET_KEY = env("DJANGO_SECRET_KEY") or "django-insecure-gradadmit-development-key-not-for-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
DATA_DIR = Path(env("GRADADMIT_DATA_DIR", str(REPO_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)
SITE_URL = env("GRADADMIT_SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "gradadmit.core",
    "gradadmit.accounts",
    "gradadmit.cycles",
    "gradadmit.applications",
    "gradadmit.outbox",
    "gradadmit.notifications",
    "gradadmit.mailings",
    "gradadmit.documents",
    "gradadmit.recommendations",
    "gradadmit.fees",
    "gradadmit.eligibility",
    "gradadmit.exams",
    "gradadmit.scoring",
    "gradadmit.enrolment",
    "gradadmit.announcements",
    "gradadmit.accesslog",
    "gradadmit.practice",
    "gradadmit.office",
    "gradadmit.api",
    "gradadmit.privacy",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first: counts and times everything below
    "gradadmit.core.requestid.RequestIdMiddleware",  # X-Request-ID on every log line and response
    "django.middleware.security.SecurityMiddleware",
    "gradadmit.core.csp.ContentSecurityPolicyMiddleware",  # every HTML page, error pages included
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "gradadmit.core.faults.DatabaseUnavailableMiddleware",  # database unreachable: a translated 503
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "gradadmit.accounts.middleware.StaffMFAMiddleware",
    "gradadmit.practice.middleware.PracticeAccountMiddleware",  # a practice account gets 404 on real pages
    "django_prometheus.middleware.PrometheusAfterMiddleware",  # last: requests and latencies by view
]

ROOT_URLCONF = "gradadmit.urls"
FORM_RENDERER = "gradadmit.core.renderers.PortalFormRenderer"  # Jinja2 for form widgets and field groups
WSGI_APPLICATION = "gradadmit.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# Argon2id at OWASP's recommended parameters (accounts/hashers.py); PBKDF2 stays to check, and upgrade at sign-in,
# the passwords stored before.
PASSWORD_HASHERS = [
    "gradadmit.accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.i18n",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "gradadmit.notifications.context_processors.portal",
    "gradadmit.practice.context_processors.practice",
    "gradadmit.core.csrf.context",  # one masked CSRF token a response (after Django's own, which it replaces)
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": CONTEXT_PROCESSORS,
            "builtins": ["gradadmit.core.templatetags.portal", "gradadmit.core.templatetags.cached_urls"],
        },
    },
    # Jinja2 (templates under <app>/jinja2/) for the pages of the deadline night's mix (考生專區 and the application's
    # pages, the public cycle and programme pages), long office lists and repeated cards: it compiles templates to
    # Python and draws a page several times faster than the template language. A name the template language does
    # not find comes from here; template-language pages use it through {% jinja2 %} (core.templatetags.portal).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "gradadmit.core.jinja_env.environment",
            "context_processors": [*CONTEXT_PROCESSORS, "gradadmit.core.jinja_env.translations"],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite by default: WAL so readers never wait for the writer, IMMEDIATE so a
# write transaction takes the lock at BEGIN (no deadlock on upgrade), and a
# busy timeout so concurrent writers queue instead of failing.
SQLITE_PATH = DATA_DIR / "gradadmit.sqlite3"
if env("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Parameters bound by the server, and a statement run 5 times on a connection prepared there: PostgreSQL
        # then skips parsing and planning the same few page queries again and again. `off` behind a pooler that
        # cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
        _prepare = env("GRADADMIT_DB_PREPARE_THRESHOLD", "5").strip().lower()
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=None if _prepare in ("", "off") else int(_prepare)
        )
    DATABASES["default"]["TEST"] = {"NAME": f"test_gradadmit_{os.getpid()}"}  # one per test process
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Keep each thread's connection: opening one runs the PRAGMAs below, on every request otherwise.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            # Tests use a file too (not shared-cache memory), so concurrency tests see real SQLite locking;
            # one per test process, so two test runs on one machine never share a database.
            "TEST": {"NAME": str(DATA_DIR / f"test-gradadmit-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: what every app process shares (rate limits, cached sessions, overview figures, slips).
# Several app servers: Redis. The default (`make run`: SQLite, one machine, gunicorn's worker processes): files in
# the data directory, which every worker reads (a process's own memory would count the sign-in limit per worker and
# keep a signed-out session alive in the others). A database server without Redis (one app server on PostgreSQL):
# each process's memory, and sessions from the database only.
if env("REDIS_URL"):
    # Django's Redis cache, keeping one client per connection pool (core/rediscache.py).
    CACHES = {"default": {"BACKEND": "gradadmit.core.rediscache.KeptClientRedisCache", "LOCATION": env("REDIS_URL")}}
    CACHE_IS_SHARED = True
elif not env("DATABASE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "gradadmit.core.filecache.FileCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 50_000},  # sessions of every applicant signed in within two weeks, and more
        }
    }
    CACHE_IS_SHARED = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CACHE_IS_SHARED = False

# --- Files: private storage, served only through permission-checked views --
if env("GRADADMIT_S3_BUCKET"):
    DEFAULT_STORAGE = {
        "BACKEND": "gradadmit.core.storage.PrivateS3Storage",  # no existence check for generated names
        "OPTIONS": {
            "bucket_name": env("GRADADMIT_S3_BUCKET"),
            "endpoint_url": env("GRADADMIT_S3_ENDPOINT_URL") or None,
            "region_name": env("GRADADMIT_S3_REGION", "ap-northeast-1"),
            "access_key": env("GRADADMIT_S3_ACCESS_KEY") or None,
            "secret_key": env("GRADADMIT_S3_SECRET_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "files", "base_url": "/nowhere/"},
    }
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Email: console by default, SMTP when a host is configured ----------------
if env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "20"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "GradAdmit <no-reply@gradadmit.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks ------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("GRADADMIT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Durable jobs (gradadmit.core.jobs): a worker silent for the lease is taken for dead and its task runs again.
GRADADMIT_WORKER_LEASE_SECONDS = float(env("GRADADMIT_WORKER_LEASE_SECONDS", "30"))
GRADADMIT_JOB_MAX_LOST = int(env("GRADADMIT_JOB_MAX_LOST", "10"))
GRADADMIT_JOB_HISTORY_DAYS = int(env("GRADADMIT_JOB_HISTORY_DAYS", "30"))
# The cycle overview counts a whole cycle: its figures are kept this long (seconds; 0 counts on every request).
GRADADMIT_OVERVIEW_CACHE_SECONDS = int(env("GRADADMIT_OVERVIEW_CACHE_SECONDS", "60"))
# Prepared querysets (core/prepared.py) also build and compile afresh at each evaluation and compare: on in the tests.
GRADADMIT_PREPARED_CHECK = env_bool("GRADADMIT_PREPARED_CHECK")
# The schedule kept by the workers (no cron): each slot of each entry runs once, whatever the number of workers.
GRADADMIT_SCHEDULE = [
    {"name": "outbox", "task": "gradadmit.outbox.tasks.deliver_outbox", "every": 30},
    {"name": "recommendation-reminders", "task": "gradadmit.recommendations.tasks.send_recommendation_reminders",
     "every": 3600},
    {"name": "offer-lapses", "task": "gradadmit.enrolment.tasks.lapse_overdue_offers", "every": 300},
    {"name": "scheduled-publications", "task": "gradadmit.scoring.tasks.publish_due_runs", "every": 60},
    {"name": "job-history", "task": "gradadmit.core.tasks.prune_job_history", "every": 86400},
    {"name": "database-statistics", "task": "gradadmit.core.tasks.refresh_database_statistics", "every": 3600},
    {"name": "practice-wipe", "task": "gradadmit.practice.tasks.wipe_practice_data_on_schedule", "every": 3600},
]  # fmt: skip
# Practice cycles (模擬報名): practice accounts and all they did are deleted this long after registering.
GRADADMIT_PRACTICE_KEEP_HOURS = int(env("GRADADMIT_PRACTICE_KEEP_HOURS", "48"))

# --- Email outbox (gradadmit.outbox): every email is a row, sent and retried by the workers ---------
OUTBOX_RATE_PER_MINUTE = int(env("GRADADMIT_EMAIL_RATE_PER_MINUTE", "0"))  # 0: as fast as the relay takes them
OUTBOX_MAX_ATTEMPTS = int(env("GRADADMIT_EMAIL_MAX_ATTEMPTS", "8"))
OUTBOX_RETRY_BASE_SECONDS = float(env("GRADADMIT_EMAIL_RETRY_SECONDS", "60"))
OUTBOX_LEASE_SECONDS = float(env("GRADADMIT_EMAIL_LEASE_SECONDS", "120"))
OUTBOX_BATCH_SIZE = int(env("GRADADMIT_EMAIL_BATCH_SIZE", "50"))
OUTBOX_MESSAGE_ID_DOMAIN = env("GRADADMIT_EMAIL_MESSAGE_ID_DOMAIN", "gradadmit.local")

# --- Accounts (django-allauth) -------------------------------------------
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "gradadmit.accounts.backends.OfficePermissionBackend",
    "gradadmit.accounts.backends.PortalModelBackend",
    "gradadmit.accounts.backends.PortalAuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "gradadmit.accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "gradadmit.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/180s/key",
    "change_password": "5/m/user",
}
# Behind a load balancer every request comes from its address: trust that many proxy hops of X-Forwarded-For so the
# per-address limits above count each applicant, not the balancer (30 sign-ins a minute for everyone otherwise).
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("GRADADMIT_TRUSTED_PROXY_COUNT", "0"))
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[GradAdmit] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG and env_bool("DJANGO_SECURE", False) else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "GradAdmit"
LOGIN_REDIRECT_URL = "applications:dashboard"
LOGIN_URL = "account_login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------
LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [REPO_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "gradadmit_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Security -----------------------------------------------------------------
# With a cache every app process shares (Redis, or the default's files), sessions are read from it and written
# through to the database: no query for the session on a signed-in page. Not with the per-process memory cache: a
# sign-out in one worker would leave the session cached in another.
if CACHE_IS_SHARED:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy of every HTML page (core/csp.py): only the portal's own static scripts and styles,
# no inline code (a test scans the templates). Report-only first when trying a change on a live site.
GRADADMIT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
GRADADMIT_CSP_REPORT_ONLY = env_bool("GRADADMIT_CSP_REPORT_ONLY", False)
GRADADMIT_CSP_REPORT_URI = env("GRADADMIT_CSP_REPORT_URI", "").strip()
if any(ch.isspace() or ch in ";," for ch in GRADADMIT_CSP_REPORT_URI):
    raise ImproperlyConfigured("GRADADMIT_CSP_REPORT_URI must be one URL without spaces, ';' or ','")
if env_bool("DJANGO_SECURE", not DEBUG and bool(env("DJANGO_SECRET_KEY"))):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]  # probes and scrapes from inside the network

# --- Field encryption: national ID and passport numbers (core/crypto.py; README "Personal data") ------------
# Fernet keys, newest first (the first encrypts, all decrypt), and the key of the numbers' search hash. Out of
# the box development keys; with DJANGO_SECRET_KEY set (production) both must be set, or the process stops here.
from gradadmit.core.crypto import keys_from_environment  # noqa: E402

GRADADMIT_FIELD_KEYS, GRADADMIT_FIELD_HASH_KEY = keys_from_environment(
    env("GRADADMIT_FIELD_KEYS", ""),
    env("GRADADMIT_FIELD_HASH_KEY", ""),
    production=not DEBUG and bool(env("DJANGO_SECRET_KEY")),
)

# --- Logging: no personal data (no emails, names, IDs, request bodies) ---------------
# Every line carries the request id ("-" outside a request); GRADADMIT_LOG_FORMAT=json writes one JSON object a
# line. Both formatters redact the whole output (message, traceback, extra fields), as the filter does the message.
LOG_FORMAT = "json" if env("GRADADMIT_LOG_FORMAT", "plain").strip().lower() == "json" else "plain"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "gradadmit.core.logging.RedactPersonalData"},
        "request_id": {"()": "gradadmit.core.requestid.RequestIdFilter"},
    },
    "formatters": {
        "plain": {
            "()": "gradadmit.core.logging.RedactingFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {
            "()": "gradadmit.core.logging.RedactingJsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id", "redact"]}
    },
    "root": {"handlers": ["console"], "level": env("GRADADMIT_LOG_LEVEL", "INFO")},
    # Held above DEBUG whatever GRADADMIT_LOG_LEVEL says: at DEBUG, django.db.backends logs every SQL statement with
    # its parameters and django.template a missing variable with the whole context (request, query string, the
    # objects shown): personal data wholesale (core/tests/test_no_personal_data_in_logs.py).
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.template": {"level": "INFO"},
        "pikepdf": {"level": "WARNING"},
    },
}

# --- Monitoring: /readyz, /metrics (Prometheus), Sentry --------------------------------
GRADADMIT_READY_MAX_QUEUE_AGE = int(env("GRADADMIT_READY_MAX_QUEUE_AGE", "300"))  # seconds the oldest due task may wait
GRADADMIT_METRICS_ALLOWED_IPS = env_list("GRADADMIT_METRICS_ALLOWED_IPS", "127.0.0.1,::1")  # addresses or networks
GRADADMIT_METRICS_TOKEN = env("GRADADMIT_METRICS_TOKEN", "")  # or a bearer token, from anywhere
if env("SENTRY_DSN"):
    from gradadmit.core.sentry import init_sentry

    init_sentry(
        dsn=env("SENTRY_DSN"),
        environment=env("SENTRY_ENVIRONMENT", "production"),
        release=env("SENTRY_RELEASE") or None,
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

GRADADMIT_DEMO_PASSWORD = env("GRADADMIT_DEMO_PASSWORD", "demo-pass-2026")

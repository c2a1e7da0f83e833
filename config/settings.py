"""One settings module; every knob is an environment variable with a safe default.

Defaults are production-safe (DEBUG off); ``make run`` sets DJANGO_DEBUG=1 for the local demo.
Without DATABASE_URL / REDIS_URL everything runs on one machine: SQLite, an in-process channel
layer and background work run in-process after commit. See README.md and .env.example.
"""
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from pythonjsonlogger.core import RESERVED_ATTRS

from config.env import (bucket_sources, default_public_base_url, env, env_bool, env_bounds, env_int, env_list,
                        refuse_loopback_url, refuse_undelivering_backends, tile_source)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
_INSECURE_KEY = "insecure-local-only-key-change-me"
SECRET_KEY = env("DJANGO_SECRET_KEY", _INSECURE_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# A refused form is a Vietnamese page in the site's layout (JSON under /api/), never Django's own.
CSRF_FAILURE_VIEW = "core.error_views.csrf_failure"

if not DEBUG and not env_bool("PAKN_ALLOW_INSECURE", False):
    if SECRET_KEY == _INSECURE_KEY:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS when DEBUG is off.")

# HTTPS: with DEBUG off every request is redirected to https, HSTS is sent and cookies are secure,
# so `manage.py check --deploy` has nothing to report. A proxy that terminates TLS sets
# DJANGO_BEHIND_PROXY=1 (trust its X-Forwarded-Proto); each guard can be relaxed on its own.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
# /healthz answers the proxy's and orchestrator's plain-http probes without a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "channels",
    "django_fsm",
    "django_prometheus",
    "core",
    "workflow",
    "feedback",
    "metrics",
    "open311",
    "notifications",
]

MIDDLEWARE = [
    # Request counts and latencies for /metrics (django-prometheus): first and last, to time everything.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "core.request_id.RequestIdMiddleware",
    "core.middleware.AccessLogMiddleware",
    "open311.middleware.Open311ErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    # django-axes wants to be last; it only turns a locked account's sign-in into core.login_lock's answer.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "core.context_processors.site",
                "core.context_processors.map_settings",
                "notifications.context_processors.unread_count",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (or anything dj-database-url reads) via DATABASE_URL.
# On PostgreSQL each process keeps a bounded pool of connections (psycopg_pool): under ASGI every
# request runs in a thread of its own, and persistent per-thread connections would pile up until
# the server refuses clients. A request borrows a connection and returns it when it ends; past
# DB_POOL_MAX_SIZE requests wait up to DB_POOL_TIMEOUT seconds. DB_POOL_MAX_SIZE=0 turns the pool
# off for an external pooler (PgBouncer in transaction mode), with connections closed after each
# request unless DB_CONN_MAX_AGE says otherwise.
DATABASE_URL = env("DATABASE_URL")
DB_POOL_MIN_SIZE = env_int("DB_POOL_MIN_SIZE", 2)
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 10)
DB_POOL_TIMEOUT = env_int("DB_POOL_TIMEOUT", 15)
if DATABASE_URL:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database.setdefault("OPTIONS", {})
        # The name every connection shows in pg_stat_activity, to count a worker's connections.
        _database["OPTIONS"]["application_name"] = env("DB_APPLICATION_NAME", "pakn")
        if DB_POOL_MAX_SIZE > 0:
            _database["CONN_MAX_AGE"] = 0  # the pool keeps the connections, not each thread
            _database["OPTIONS"]["pool"] = {
                "min_size": min(DB_POOL_MIN_SIZE, DB_POOL_MAX_SIZE), "max_size": DB_POOL_MAX_SIZE,
                "timeout": DB_POOL_TIMEOUT, "max_idle": env_int("DB_POOL_MAX_IDLE", 300),
            }
    # A connection dropped by a database restart is noticed before use and replaced.
    _database["CONN_HEALTH_CHECKS"] = True
    DATABASES = {"default": _database}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # WAL lets the ASGI server read while a write is under way; a busy timeout turns a
            # brief lock into a short wait instead of an error.
            # IMMEDIATE transactions take the write lock at BEGIN: two writers on different rows
            # wait for each other instead of one failing to upgrade a read lock.
            "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # One publish per group, fanned out in each process (notifications.layers); PAKN_CHANNEL_LAYER=list
    # for channels_redis' list-based layer (one Redis message per socket).
    CHANNEL_LAYERS = {"default": {"BACKEND": {
        "pubsub": "notifications.layers.PubSubChannelLayer", "list": "channels_redis.core.RedisChannelLayer",
    }[env("PAKN_CHANNEL_LAYER", "pubsub")], "CONFIG": {"hosts": [REDIS_URL]}}}
    # The cache only speeds things up (throttle counters, the calendar's version): while Redis is
    # down it answers "nothing cached" instead of failing the request, so citizens can still
    # submit and officials still act. Throttling is then off until Redis returns.
    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "pakn.cache"
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: Celery when a broker is configured, otherwise in-process after commit.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_TASK_ACKS_LATE = True
# With the broker down, queueing a task gives up quickly (the outbox row stays pending for the
# sweep) instead of holding the request that made the change.
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "core.login_lock.AccountLockBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Per-account sign-in lock (core/login_lock.py); the per-address budget is PAKN_LOGIN_RATE.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = env_int("PAKN_LOGIN_ACCOUNT_FAILURES", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PAKN_LOGIN_LOCK_MINUTES", 30))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # else anyone could keep an account locked
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.login_lock.lockout_response"
AXES_IPWARE_PROXY_COUNT = env_int("PAKN_NUM_PROXIES", 0) or None
AXES_VERBOSE = False  # its log lines carry usernames and addresses
# axes.W006 asks for a lock per address as well. The per-address limit is the login throttle
# (PAKN_LOGIN_RATE, on the sign-in page and the token endpoint alike); an axes lock per address
# on top would let one person at an office behind a NAT lock every colleague out for half an hour.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_URL = "workflow:login"
LOGIN_REDIRECT_URL = "workflow:inbox"
LOGOUT_REDIRECT_URL = "feedback:home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
# Typed dates are read day first in both languages (config/formats).
FORMAT_MODULE_PATH = ["config.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files from the ASGI workers themselves; with finders on, no
# collectstatic step is needed (make run). Set STATIC_ROOT to collect them (for a CDN or proxy).
STATIC_ROOT = env("STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = env_bool("PAKN_STATIC_FROM_FINDERS", True)
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Photos: local disk (MEDIA_ROOT) by default; an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME
# is set, with django-storages' usual variables. In the bucket every photo is private and goes
# out as a signed URL valid PAKN_PHOTO_URL_SECONDS (at most an hour); a photo the public may see
# (core.photo_files, the rule in workflow.photos) is made public-read and linked by a plain URL
# that browsers and a CDN may cache. PAKN_S3_PUBLIC_ACL=0 for a bucket without object ACLs:
# every photo is then signed.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
PAKN_PHOTO_URL_SECONDS = min(env_int("PAKN_PHOTO_URL_SECONDS", 3600), 3600)
if AWS_STORAGE_BUCKET_NAME:
    _photo_storage = {"BACKEND": "core.storage.S3PhotoStorage", "OPTIONS": {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env("AWS_S3_REGION_NAME") or None,
        "access_key": env("AWS_ACCESS_KEY_ID") or env("AWS_S3_ACCESS_KEY_ID") or None,
        "secret_key": env("AWS_SECRET_ACCESS_KEY") or env("AWS_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": env("AWS_S3_ADDRESSING_STYLE") or None,  # "path" for MinIO
        "custom_domain": env("AWS_S3_CUSTOM_DOMAIN") or None,  # a CDN in front of public photos
        "location": env("AWS_LOCATION", ""),
        "signature_version": "s3v4",
        "querystring_expire": PAKN_PHOTO_URL_SECONDS,
        "default_acl": None,  # private: the bucket's own default
        "file_overwrite": True,  # names are random: no existence check before each upload
        "public_acl": env_bool("PAKN_S3_PUBLIC_ACL", True),
        "connect_timeout": env_int("AWS_S3_CONNECT_TIMEOUT", 3),
        "read_timeout": env_int("AWS_S3_READ_TIMEOUT", 20),
        "max_attempts": env_int("AWS_S3_MAX_ATTEMPTS", 3),
    }}
else:
    _photo_storage = {"BACKEND": env("PAKN_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")}
STORAGES = {
    "default": _photo_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Closed unless a view declares who may use it (public views say AllowAny themselves).
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.DenyUnlessDeclared"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # Proxies in front of the app: throttling keys on the client address they report, and
    # trusts no X-Forwarded-For at all when there are none (else anyone could pick their own).
    "NUM_PROXIES": env_int("PAKN_NUM_PROXIES", 0),
    "DEFAULT_SCHEMA_CLASS": "core.schema.PaknAutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "submissions": env("PAKN_SUBMISSION_RATE", "20/hour"),
        "citizen_actions": env("PAKN_CITIZEN_ACTION_RATE", "60/hour"),
        "login": env("PAKN_LOGIN_RATE", "30/hour"),
        # Public reads, per address, in two budgets (core.throttles says why): by tracking code (the
        # public page, its API and the lookup form share one) and by place or figures (the nearby
        # search, the public map and statistics).
        "lookups": env("PAKN_LOOKUP_RATE", "120/hour"),
        "public_reads": env("PAKN_PUBLIC_READ_RATE", "300/minute"),
        "csp_reports": env("PAKN_CSP_REPORT_RATE", "60/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PAKN API",
    "DESCRIPTION": "Phản ánh, kiến nghị: tiếp nhận, xử lý, theo dõi và đo lường.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
}

# API tokens (core/auth.py): their lifetime; a password change or deactivation ends them at once.
PAKN_TOKEN_TTL_DAYS = env_int("PAKN_TOKEN_TTL_DAYS", 30)

# Intake limits.
PAKN_PHOTO_MAX_COUNT = env_int("PAKN_PHOTO_MAX_COUNT", 5)
PAKN_PHOTO_MAX_BYTES = env_int("PAKN_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
PAKN_PHOTO_MAX_PIXELS = env_int("PAKN_PHOTO_MAX_PIXELS", 50_000_000)
# All the photos of one request together, checked before any is decoded (core/images.py).
PAKN_PHOTO_REQUEST_MAX_PIXELS = env_int("PAKN_PHOTO_REQUEST_MAX_PIXELS", 100_000_000)
# Decoding threads per process: at most this many decodes at once, whatever the traffic
# (default: half the CPUs, at least one).
PAKN_PHOTO_WORKERS = env_int("PAKN_PHOTO_WORKERS", 0) or None
PAKN_PHOTO_MAX_SIDE = env_int("PAKN_PHOTO_MAX_SIDE", 2048)
PAKN_PHOTO_THUMB_SIDE = env_int("PAKN_PHOTO_THUMB_SIDE", 400)
PAKN_REQUEST_MAX_BYTES = env_int("PAKN_REQUEST_MAX_BYTES", 55 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
PAKN_DESCRIPTION_MAX_CHARS = 4000

# The province this installation serves (vietnam-provinces code; 24 = Bắc Ninh) and its tracking
# code prefix.
PAKN_PROVINCE_CODE = env_int("PAKN_PROVINCE_CODE", 24)
PAKN_TRACKING_PREFIX = env("PAKN_TRACKING_PREFIX", "BN")
PAKN_SITE_NAME = env("PAKN_SITE_NAME", "Phản ánh, kiến nghị tỉnh Bắc Ninh")
# The province's bounding box, min_lon,min_lat,max_lon,max_lat: a photo's GPS outside it is ignored
# (a phone that travelled), and maps open on it. Default: Bắc Ninh since July 2025 (with the former
# Bắc Giang), with a small margin.
PAKN_PROVINCE_BOUNDS = env_bounds("PAKN_PROVINCE_BOUNDS", "105.85,20.95,107.05,21.70")
# Map tiles (Leaflet, static/vendor/leaflet): OpenStreetMap by default; a province may use its own
# tile server. The attribution is HTML shown on every map; keep the tile provider's required credit.
PAKN_MAP_TILE_URL = env("PAKN_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
PAKN_MAP_ATTRIBUTION = env("PAKN_MAP_ATTRIBUTION",
                           '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>')
PAKN_MAP_MAX_ZOOM = env_int("PAKN_MAP_MAX_ZOOM", 19)
# "Similar feedback nearby" on the form (GET /api/v1/feedback/nearby/).
PAKN_NEARBY_RADIUS_M = env_int("PAKN_NEARBY_RADIUS_M", 300)
PAKN_NEARBY_DAYS = env_int("PAKN_NEARBY_DAYS", 60)
# Transparency pages (the public map and statistics) answer from the cache: the map's entries
# follow every change to a case and expire after this; the figures only expire.
PAKN_PUBLIC_MAP_CACHE_SECONDS = env_int("PAKN_PUBLIC_MAP_CACHE_SECONDS", 300)
PAKN_PUBLIC_STATS_CACHE_SECONDS = env_int("PAKN_PUBLIC_STATS_CACHE_SECONDS", 600)

# Content-Security-Policy on every response (django-csp): scripts only from the site's own files,
# never inline (pages pass data through data-* attributes or json_script); map tiles from the host
# of PAKN_MAP_TILE_URL; violations reported to /csp-report/ (logged without personal data).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # blob: the form's previews of chosen photos; data: small images inlined by stylesheets;
        # the map's tile server; photos in a bucket load from the bucket's host.
        "img-src": [SELF, "data:", "blob:", *tile_source(PAKN_MAP_TILE_URL), *bucket_sources(
            bucket=AWS_STORAGE_BUCKET_NAME, endpoint_url=env("AWS_S3_ENDPOINT_URL"),
            custom_domain=env("AWS_S3_CUSTOM_DOMAIN"))],
        "connect-src": [SELF],  # fetch and the live-update sockets (CSP3 'self' covers ws/wss)
        "font-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": "/csp-report/",
    },
}

# Working time and deadlines (see workflow/working_time.py and workflow/deadlines.py).
PAKN_OFFICE_HOURS = env("PAKN_OFFICE_HOURS", "07:30-11:30,13:30-17:00")
PAKN_RATING_WINDOW_DAYS = env_int("PAKN_RATING_WINDOW_DAYS", 7)
PAKN_MOBILE_TARGET_PERCENT = env_int("PAKN_MOBILE_TARGET_PERCENT", 90)

# Open311 GeoReport v2 (/open311/): the one jurisdiction served, what discovery says, and the GET
# budget per client address (each client's POST budget is set on the client, in the admin).
OPEN311_JURISDICTION = env("OPEN311_JURISDICTION", "bacninh.gov.vn")
OPEN311_GET_RATE = env("OPEN311_GET_RATE", "600/min")
OPEN311_CHANGESET = env("OPEN311_CHANGESET", "2026-12-01T00:00:00+07:00")
OPEN311_CONTACT = env("OPEN311_CONTACT", "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh, quản trị hệ thống PAKN.")
OPEN311_KEY_SERVICE = env("OPEN311_KEY_SERVICE", "Đề nghị cấp khóa api_key: liên hệ quản trị hệ thống PAKN.")

# Email and SMS. The demo (DEBUG) writes them to the console; production sends email through SMTP
# (a local MTA unless EMAIL_HOST says otherwise) and SMS only through a configured gateway (none:
# no SMS is sent). Production refuses a backend that delivers nothing, unless
# PAKN_ALLOW_CONSOLE_MESSAGES=1 says so on purpose (a test server on one machine).
EMAIL_BACKEND = env("EMAIL_BACKEND", "notifications.email_backends.ConsoleEmailBackend" if DEBUG
                    else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "pakn@localhost")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH") or None  # for django.core.mail.backends.filebased.EmailBackend
PAKN_SMS_BACKEND = env("PAKN_SMS_BACKEND", "notifications.sms.ConsoleSmsBackend" if DEBUG else "")
# The address citizens' messages link to: by default the first allowed host over https.
PAKN_PUBLIC_BASE_URL = env("PAKN_PUBLIC_BASE_URL") or default_public_base_url(ALLOWED_HOSTS, debug=DEBUG)
if not DEBUG:
    refuse_undelivering_backends({"EMAIL_BACKEND": EMAIL_BACKEND, "PAKN_SMS_BACKEND": PAKN_SMS_BACKEND},
                                 allowed=env_bool("PAKN_ALLOW_CONSOLE_MESSAGES", False))
    refuse_loopback_url("PAKN_PUBLIC_BASE_URL", PAKN_PUBLIC_BASE_URL,
                        allowed=env_bool("PAKN_ALLOW_LOOPBACK_URL", False))
# SMS costs the province money for every message: with this on (the default) a citizen's SMS goes
# only when neither their email nor a push to their phone reaches them (notifications.services).
PAKN_SMS_ONLY_AS_FALLBACK = env_bool("PAKN_SMS_ONLY_AS_FALLBACK", True)

# Web Push (notifications.push): the province's VAPID key pair signs every push (RFC 8292) and
# browsers subscribe with its public half. PAKN_VAPID_PRIVATE_KEY is a PEM key or the raw key in
# base64url (`manage.py generate_vapid_keys` prints one), also from PAKN_VAPID_PRIVATE_KEY_FILE;
# without it the PEM file PAKN_VAPID_KEY_FILE is read (`make run` writes one once, under var/).
# The public key is derived from the private one; PAKN_VAPID_PUBLIC_KEY, if set, must match it.
# Changing the pair makes every browser subscribe again.
PAKN_VAPID_PRIVATE_KEY = env("PAKN_VAPID_PRIVATE_KEY", "")
PAKN_VAPID_PUBLIC_KEY = env("PAKN_VAPID_PUBLIC_KEY", "")
PAKN_VAPID_KEY_FILE = env("PAKN_VAPID_KEY_FILE", "")
PAKN_VAPID_SUBJECT = env("PAKN_VAPID_SUBJECT", f"mailto:{DEFAULT_FROM_EMAIL}")
# How long a push service keeps a message for a phone that is off or out of coverage.
PAKN_PUSH_TTL_SECONDS = env_int("PAKN_PUSH_TTL_SECONDS", 4 * 24 * 3600)
PAKN_PUSH_TIMEOUT_SECONDS = env_int("PAKN_PUSH_TIMEOUT_SECONDS", 5)
# The push services a subscription may point at (a host, or a domain and its subdomains): the
# server posts to whatever address a browser gives, so only the browsers' own services are taken
# ("*": any public https host). Loopback addresses are also accepted when DEBUG is on.
PAKN_PUSH_SERVICE_HOSTS = env_list("PAKN_PUSH_SERVICE_HOSTS", [
    "fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"])
# Browsers that may follow one submission (a phone, a tablet, …); the oldest gives way.
PAKN_PUSH_DEVICES_PER_SUBMISSION = env_int("PAKN_PUSH_DEVICES_PER_SUBMISSION", 5)

# Logs go to standard output, one JSON object per line in production (LOG_FORMAT=json, the default
# with DEBUG off) for the log collector, plain text for a local demo. Every line carries the
# request id (core.request_id), in the Celery tasks a request queued too.
LOG_FORMAT = env("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_id.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            # Django attaches the request to its error lines; its repr has the query string, where
            # a private link's key lives: never written out.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
# Celery keeps the logging set up here (JSON, request ids) instead of installing its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Photos on local disk are served through the application, which applies the privacy rule
# (workflow/photos.py: private photos only to staff who may see the case and through signed
# links valid PAKN_PHOTO_URL_SECONDS, like a bucket's). Behind nginx, set PAKN_MEDIA_ACCEL_REDIRECT
# to an `internal` location aliasing MEDIA_ROOT: the check stays here and nginx sends the bytes.
# Never let a proxy serve MEDIA_ROOT directly. With photos in a bucket this serves nothing.
PAKN_SERVE_MEDIA = env_bool("PAKN_SERVE_MEDIA", True)
PAKN_MEDIA_ACCEL_REDIRECT = env("PAKN_MEDIA_ACCEL_REDIRECT", "")

# Notifications: outbox retries, channel-layer key prefix and the periodic jobs (Celery beat).
PAKN_OUTBOX_RETRY_SECONDS = env_int("PAKN_OUTBOX_RETRY_SECONDS", 60)
PAKN_OUTBOX_RETRY_MAX_SECONDS = env_int("PAKN_OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)
PAKN_OUTBOX_MAX_ATTEMPTS = env_int("PAKN_OUTBOX_MAX_ATTEMPTS", 8)
if REDIS_URL:
    from redis.asyncio.retry import Retry as _AsyncRetry
    from redis.backoff import ExponentialBackoff as _Backoff
    from redis.exceptions import ConnectionError as _RedisConnectionError

    def _redis_retry():
        return _AsyncRetry(_Backoff(cap=0.5, base=0.05), retries=2)

    CHANNEL_LAYERS["default"]["CONFIG"].update({
        # redis-py 8 reads with a 5 s socket timeout by default, which kills the layer's blocking
        # 5 s BZPOPMIN (and with it every consumer): allow reads a margin above that.
        # After a Redis restart the pooled connections are dead: a command that meets one retries
        # on a fresh connection instead of failing the socket that sent it.
        "hosts": [{"address": REDIS_URL, "socket_timeout": env_int("PAKN_CHANNEL_SOCKET_TIMEOUT", 30),
                   "retry": _redis_retry(), "retry_on_error": [_RedisConnectionError]}],
        # Several installations (or test runs) may share one Redis: keep their groups apart.
        "prefix": env("PAKN_CHANNEL_PREFIX", "pakn"),
    })
# Operations (core.health, core.monitoring): who may read /metrics and /readyz, and when the
# outbox's oldest waiting message counts as a problem.
PAKN_METRICS_TOKEN = env("PAKN_METRICS_TOKEN", "")
PAKN_METRICS_ALLOWED_NETWORKS = env_list("PAKN_METRICS_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"])
PAKN_OUTBOX_ALERT_SECONDS = env_int("PAKN_OUTBOX_ALERT_SECONDS", 15 * 60)

# Errors to Sentry when SENTRY_DSN is set, without personal data (core.sentry scrubs each event).
SENTRY_DSN = env("SENTRY_DSN", "")
if SENTRY_DSN:
    from core.sentry import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", "production"),
                release=env("SENTRY_RELEASE") or None,
                traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0") or 0))

CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {"task": "workflow.send_deadline_reminders", "schedule": 5 * 60},
    "close-expired-cases": {"task": "workflow.close_expired_cases", "schedule": 60 * 60},
    "sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": 60},
    "erase-expired-contacts": {"task": "feedback.erase_expired_contacts", "schedule": 24 * 60 * 60},
}
# Personal data: a submitter's contact data is erased this many days after their case ended
# (closed, rejected, withdrawn); see feedback/lifecycle.py.
PAKN_CONTACT_RETENTION_DAYS = env_int("PAKN_CONTACT_RETENTION_DAYS", 365)

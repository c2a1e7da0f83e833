"""One settings module; every knob is an environment variable with a safe default.

Defaults are production-safe (DEBUG off); ``make run`` sets DJANGO_DEBUG=1 for the local demo.
Without DATABASE_URL / REDIS_URL everything runs on one machine: SQLite, an in-process channel
layer and background work run in-process after commit. See README.md and .env.example.
"""
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env, env_bool, env_bounds, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
_INSECURE_KEY = "insecure-local-only-key-change-me"
SECRET_KEY = env("DJANGO_SECRET_KEY", _INSECURE_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# A refused form is a Vietnamese page in the site's layout (JSON under /api/), never Django's own.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

if not DEBUG and not env_bool("PAKN_ALLOW_INSECURE", False):
    if SECRET_KEY == _INSECURE_KEY:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS when DEBUG is off.")

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
    "channels",
    "django_fsm",
    "core",
    "workflow",
    "feedback",
    "metrics",
    "notifications",
]

MIDDLEWARE = [
    "core.middleware.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
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
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
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
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: Celery when a broker is configured, otherwise in-process after commit.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_TASK_ACKS_LATE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "workflow:login"
LOGIN_REDIRECT_URL = "workflow:inbox"
LOGOUT_REDIRECT_URL = "feedback:home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
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
STORAGES = {
    "default": {"BACKEND": env("PAKN_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # Proxies in front of the app: throttling keys on the client address they report, and
    # trusts no X-Forwarded-For at all when there are none (else anyone could pick their own).
    "NUM_PROXIES": env_int("PAKN_NUM_PROXIES", 0),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "submissions": env("PAKN_SUBMISSION_RATE", "20/hour"),
        "citizen_actions": env("PAKN_CITIZEN_ACTION_RATE", "60/hour"),
        "login": env("PAKN_LOGIN_RATE", "30/hour"),
        "public_reads": env("PAKN_PUBLIC_READ_RATE", "300/minute"),
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

# Intake limits.
PAKN_PHOTO_MAX_COUNT = env_int("PAKN_PHOTO_MAX_COUNT", 5)
PAKN_PHOTO_MAX_BYTES = env_int("PAKN_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
PAKN_PHOTO_MAX_PIXELS = env_int("PAKN_PHOTO_MAX_PIXELS", 50_000_000)
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

# Working time and deadlines (see workflow/working_time.py and workflow/deadlines.py).
PAKN_OFFICE_HOURS = env("PAKN_OFFICE_HOURS", "07:30-11:30,13:30-17:00")
PAKN_RATING_WINDOW_DAYS = env_int("PAKN_RATING_WINDOW_DAYS", 7)
PAKN_MOBILE_TARGET_PERCENT = env_int("PAKN_MOBILE_TARGET_PERCENT", 90)

# Email and SMS.
EMAIL_BACKEND = env("EMAIL_BACKEND", "notifications.email_backends.ConsoleEmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "pakn@localhost")
PAKN_SMS_BACKEND = env("PAKN_SMS_BACKEND", "notifications.sms.ConsoleSmsBackend")
PAKN_PUBLIC_BASE_URL = env("PAKN_PUBLIC_BASE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# Serve uploaded photos from the application (one-machine setups); behind a proxy or with S3
# storage leave this off and let the proxy or the bucket serve them.
PAKN_SERVE_MEDIA = env_bool("PAKN_SERVE_MEDIA", True)

# Notifications: outbox retries, channel-layer key prefix and the periodic jobs (Celery beat).
PAKN_OUTBOX_RETRY_SECONDS = env_int("PAKN_OUTBOX_RETRY_SECONDS", 60)
PAKN_OUTBOX_RETRY_MAX_SECONDS = env_int("PAKN_OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)
PAKN_OUTBOX_MAX_ATTEMPTS = env_int("PAKN_OUTBOX_MAX_ATTEMPTS", 8)
if REDIS_URL:
    CHANNEL_LAYERS["default"]["CONFIG"].update({
        # redis-py 8 reads with a 5 s socket timeout by default, which kills the layer's blocking
        # 5 s BZPOPMIN (and with it every consumer): allow reads a margin above that.
        "hosts": [{"address": REDIS_URL, "socket_timeout": env_int("PAKN_CHANNEL_SOCKET_TIMEOUT", 30)}],
        # Several installations (or test runs) may share one Redis: keep their groups apart.
        "prefix": env("PAKN_CHANNEL_PREFIX", "pakn"),
    })
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {"task": "workflow.send_deadline_reminders", "schedule": 5 * 60},
    "close-expired-cases": {"task": "workflow.close_expired_cases", "schedule": 60 * 60},
    "sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": 60},
}

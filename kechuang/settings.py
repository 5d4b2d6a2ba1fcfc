"""Settings: every environment-specific value comes from an environment variable."""

from pathlib import Path

import dj_database_url

from kechuang.env import envbool, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("KECHUANG_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)
# Pins "today" for business rules (YYYY-MM-DD); empty in production. See core/clock.py.
KECHUANG_TODAY = envstr("KECHUANG_TODAY", "")
# Generated when neither SECRET_KEY nor SECRET_KEY_FILE is set; check --deploy then warns.
SECRET_KEY, SECRET_KEY_GENERATED = envsecret("SECRET_KEY", VAR_DIR / "secret_key")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kechuang.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # A 16 MB page cache (used as needed) keeps big imports' indexes in memory.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Connections are kept like PostgreSQL's: a new SQLite connection reads the whole schema
    # (some 2 ms) before its first query. Restore writes through the backup API into the same
    # file, which open connections see.

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "kechuang.core",
    "kechuang.enterprises",
    "kechuang.institutions",
    "kechuang.eligibility",
    "kechuang.indicators",
    "kechuang.transfer",
    "kechuang.platforms",
    "kechuang.talent",
    "kechuang.loans",
    "kechuang.support",
    "kechuang.commissioners",
    "kechuang.liaison",
    "kechuang.projects",
    "kechuang.challenges",
    "kechuang.workplan",
    "kechuang.reports",
    "kechuang.demo",
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
    "simple_history.middleware.HistoryRequestMiddleware",
    "kechuang.core.middleware.LoginRequiredMiddleware",
    "kechuang.core.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "kechuang.urls"
WSGI_APPLICATION = "kechuang.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

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
                "kechuang.core.context_processors.navigation",
            ],
        },
    },
]

# Django's form templates, but selects and inputs written in Python (see core/renderers.py).
FORM_RENDERER = "kechuang.core.renderers.FormRenderer"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in lockout (login page and POST /api/token/): after LOGIN_FAILURE_LIMIT failures for one
# username, or LOGIN_ADDRESS_FAILURE_LIMIT from one client address, each within
# LOGIN_LOCKOUT_MINUTES of the previous one, that username or address is refused for
# LOGIN_LOCKOUT_MINUTES. The address limit is higher: an office shares one address behind NAT.
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 50)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
# API tokens expire this many days after they are issued.
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", 30)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when serving finders
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve assets straight from the finders, so a demo needs no collectstatic.
WHITENOISE_USE_FINDERS = True
# Uploaded files (attachments) live under MEDIA_ROOT, which is never served as static files
# (no MEDIA_URL route): they are read only through the attachment views, which apply scoping.
MEDIA_ROOT = VAR_DIR / "media"
# Attachments: the STORAGES alias they are stored in (the local disk under MEDIA_ROOT unless
# another alias is configured) and the largest file accepted, in MB.
ATTACHMENTS_STORAGE = envstr("ATTACHMENTS_STORAGE", "default")
ATTACHMENT_MAX_MB = envint("ATTACHMENT_MAX_MB", 20)
IMPORT_UPLOAD_DIR = VAR_DIR / "imports"
# An import of more rows than this runs as a background job, with a progress bar.
IMPORT_JOB_ROWS = envint("IMPORT_JOB_ROWS", 2000)

# Background jobs: Django's tasks API (the django-tasks backport) with jobs kept in the
# database, taken by `kechuang db_worker` processes on any machine; no broker.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Uploads: files above UPLOAD_MAX_MB are refused before they are read; above
# FILE_UPLOAD_MAX_MEMORY_SIZE an upload streams to a temporary file rather than memory, and
# the other fields of a request may hold at most DATA_UPLOAD_MAX_MEMORY_SIZE.
UPLOAD_MAX_MB = envint("UPLOAD_MAX_MB", 20)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)

# Production hardening, switched on behind TLS (see README).
# Trust X-Forwarded-Proto only when told a proxy sets it: otherwise any client could claim HTTPS.
if envbool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Throttling counts requests in the cache; the database cache is shared by every process and
# server (its table is created by core's migrations).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kechuang_cache",
    },
    # Signed-in pages, per process, keyed by the data version (core/pagecache.py).
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kechuang-pages",
        "OPTIONS": {"MAX_ENTRIES": envint("PAGE_CACHE_ENTRIES", 2000)},
    },
}
# How long a signed-in page is kept at most (0: no page cache); a write invalidates it at once.
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 600)
# Pages never kept: a job's page shows its elapsed time.
PAGE_CACHE_SKIP_PREFIXES = ["/jobs/"]

REST_FRAMEWORK = {
    # Tokens first: a refused token answers 401 with a WWW-Authenticate challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kechuang.core.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": envstr("API_THROTTLE_ANON", "60/min"),
        "user": envstr("API_THROTTLE_USER", "1200/min"),
        "token": envstr("API_THROTTLE_TOKEN", "20/min"),
    },
    # Reverse proxies in front of the app: the client address is taken from X-Forwarded-For
    # that many hops from the right (throttling and the login lockout). 0: REMOTE_ADDR.
    "NUM_PROXIES": envint("NUM_PROXIES", 0),
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "kechuang.core.api.KechuangAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "PREPROCESSING_HOOKS": ["kechuang.core.api.only_api_paths"],
    "TITLE": "科创 Kechuang API",
    "DESCRIPTION": "县级科技局科技创新业务平台接口。所有数据按用户的区域与角色限定可见范围。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema describes endpoints, not data: readable by the systems that integrate with it.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI served from the installed package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several records have a "status": each choice set gets its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "EnterpriseStatusEnum": "kechuang.enterprises.choices.EnterpriseStatus",
        "PoolStatusEnum": "kechuang.enterprises.choices.PoolStatus",
        "DemandStatusEnum": "kechuang.transfer.choices.DemandStatus",
        "MatchStatusEnum": "kechuang.transfer.choices.MatchStatus",
        # Platform grades and talent evaluation results share one choice set.
        "EvaluationGradeEnum": "kechuang.platforms.choices.Grade",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

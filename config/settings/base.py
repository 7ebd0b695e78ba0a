"""Settings shared by every environment; everything tunable comes from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SHARED_DIR = BASE_DIR.parent / "shared"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-insecure-change-me-0f3b9c1e6a7d4e2b8c5a")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/bzpeer")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

INSTALLED_APPS = [
    "config.cli",  # first: its createsuperuser replaces django.contrib.auth's (email only)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sites",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.orcid",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "researchers",
    "papers",
    "graph",
    "trust",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed on the fly (a 100 KB profile is ~15 KB gzipped); static files come from
    # whitenoise's precompressed copies before this runs. BREACH: Django masks the CSRF token per
    # response and GZipMiddleware pads the gzip header with random bytes, so secrets on a page
    # cannot be recovered from compressed sizes.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# The claim wizard posts one checkbox per work, and some researchers have thousands of works.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
# node_modules is collected through explicit STATICFILES_DIRS entries so only the
# built assets we ship are served, never the whole npm tree.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/cytoscape", BASE_DIR / "node_modules" / "cytoscape" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SITE_ID = 1
# The public address: links in emails sent outside a request (Celery) and the Site row allauth's
# mails name ("Hello from …"); the Site row follows it at every migrate (researchers/signals.py).
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", default="BZPEER")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# allauth: email is the identity, and it must be verified before it counts.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = False
ACCOUNT_MAX_EMAIL_ADDRESSES = 5
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[BZPEER] "
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
ORCID_CLIENT_ID = env("ORCID_CLIENT_ID", default="")
ORCID_SECRET = env("ORCID_SECRET", default="")
ORCID_SANDBOX = env.bool("ORCID_SANDBOX", default=False)
SOCIALACCOUNT_PROVIDERS = {
    "orcid": {
        "BASE_DOMAIN": "sandbox.orcid.org" if ORCID_SANDBOX else "orcid.org",
        "MEMBER_API": False,
        **(
            {"APPS": [{"client_id": ORCID_CLIENT_ID, "secret": ORCID_SECRET, "key": ""}]}
            if ORCID_CLIENT_ID
            else {}
        ),
    }
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="BZPEER <no-reply@bzpeer.local>")

# Redis cache (also the rate-limit store); local memory only where no Redis answers.
if env("CACHE_BACKEND", default="redis") == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="bzpeer")
# Anonymous profile pages are kept whole in the cache for at most this long (researchers/page_cache.py
# keys them on the record's state, so changes show at once; this bounds what the key cannot see,
# such as a coauthor's new name on the bylines). 0 turns the page cache off.
PROFILE_PAGE_CACHE_SECONDS = env.int("PROFILE_PAGE_CACHE_SECONDS", default=300)

# Celery: JSON only, bounded task time, results kept in Redis for status polling.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_DEFAULT_QUEUE = "default"
# Queues per workload so ingest (long, CPU-bound) never starves graph builds (bursty).
CELERY_TASK_ROUTES = {
    # Derived paper data (search vectors) after each committed import batch: workers of this
    # queue keep pace with an import side by side instead of inside its transactions.
    "papers.tasks.derive_search_vectors": {"queue": "derive"},
    "papers.tasks.derive_pending_search_vectors": {"queue": "derive"},
    # Beside a long import on the ingest queue, not behind it.
    "papers.tasks.ensure_reader_indexes": {"queue": "derive"},
    "papers.tasks.*": {"queue": "ingest"},
    "graph.tasks.*": {"queue": "graph"},
    "trust.tasks.*": {"queue": "trust"},
    # Embedding papers is minutes of CPU per batch: its own queue keeps it off the others' way.
    "papers.discovery.tasks.*": {"queue": "embed"},
    # The identity queue's lost-task sweep runs beside its backlog, not behind it.
    "researchers.disambiguation.tasks.redispatch_stale_blocks": {"queue": "default"},
    # Author disambiguation (S2AND), one task per batch of name blocks.
    "researchers.disambiguation.tasks.*": {"queue": "identity"},
}
CELERY_BEAT_SCHEDULE = {}
# Similar papers: embed papers that have no vector yet (a no-op query when all are done).
CELERY_BEAT_SCHEDULE["discovery-embed-new-papers"] = {
    "task": "papers.discovery.tasks.embed_new_papers",
    "schedule": 300.0,
}
# Search vectors a lost or unsent per-batch task still owes (a no-op query when all are done).
CELERY_BEAT_SCHEDULE["papers-derive-pending-search-vectors"] = {
    "task": "papers.tasks.derive_pending_search_vectors",
    "schedule": 300.0,
}
# Name blocks whose identity task was lost (a flushed broker, a killed worker) are sent again.
CELERY_BEAT_SCHEDULE["identity-redispatch-stale-blocks"] = {
    "task": "researchers.disambiguation.tasks.redispatch_stale_blocks",
    "schedule": 600.0,
}
# Nightly full trust recompute (trust/tasks.py), after the nightly harvest has landed.
CELERY_BEAT_SCHEDULE["trust-recompute-nightly"] = {
    "task": "trust.tasks.recompute_trust",
    "schedule": crontab(hour=3, minute=30),
}
# Follow digests: hourly sweep; each user gets theirs once per day/week (researchers/tasks.py).
CELERY_BEAT_SCHEDULE["researchers-send-due-digests"] = {
    "task": "researchers.tasks.send_due_digests",
    "schedule": crontab(minute=5),
}
# Imports killed without closing their run (SIGKILL, OOM) are marked interrupted once their heartbeat
# (written every batch) is older than this (papers/services.py import_runs_mark_interrupted).
IMPORT_HEARTBEAT_STALE_SECONDS = env.int("IMPORT_HEARTBEAT_STALE_SECONDS", default=15 * 60)
CELERY_BEAT_SCHEDULE["papers-mark-interrupted-imports"] = {
    "task": "papers.tasks.mark_interrupted_imports",
    "schedule": crontab(minute="*/5"),
}
# A first load builds some indexes only at its end; killed before, they are built here (a no-op
# catalog query when all are there, and nothing while a first load still runs).
CELERY_BEAT_SCHEDULE["papers-ensure-reader-indexes"] = {
    "task": "papers.tasks.ensure_reader_indexes",
    "schedule": crontab(minute="*/5"),
}
CELERY_BEAT_SCHEDULE["researchers-prune-follow-rate-events"] = {
    "task": "researchers.tasks.prune_follow_rate_events",
    "schedule": crontab(hour=4, minute=15),
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token first: DRF takes the WWW-Authenticate challenge from the first class, so anonymous
    # API calls get 401 (Token) instead of a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.api.NewestFirstCursorPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "config.api.problem_details_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.AnonFixedWindowThrottle",
        "config.throttling.UserFixedWindowThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/min"),
        "user": env("API_THROTTLE_USER", default="600/min"),
    },
}
# Client addresses: X-Forwarded-For is client-supplied, so only the hops added by proxies this
# deployment runs are believed. 0 (no proxy) keys throttles and lockouts on the socket address;
# behind one reverse proxy set TRUSTED_PROXY_COUNT=1. DRF and allauth read the same number.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

SPECTACULAR_SETTINGS = {
    "TITLE": "BZPEER API",
    "DESCRIPTION": "Researchers, papers, topics, graph slices and trust scores built from arXiv metadata.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    # Separate request components carry minLength/required as the serializers enforce them.
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.add_problem_responses",
    ],
}

# Where the real arXiv samples live; absent on machines without shared/.
ARXIV_SAMPLES_DIR = Path(env("ARXIV_SAMPLES_DIR", default=str(SHARED_DIR / "data" / "arxiv-samples")))
ARXIV_OAI_ENDPOINT = env("ARXIV_OAI_ENDPOINT", default="https://oaipmh.arxiv.org/oai")
ARXIV_API_ENDPOINT = env("ARXIV_API_ENDPOINT", default="https://export.arxiv.org/api/query")
ARXIV_API_DELAY_SECONDS = env.float("ARXIV_API_DELAY_SECONDS", default=3.0)

# CITATIONS (papers.impact): OpenAlex first, Semantic Scholar as an optional second source.
OPENALEX_SAMPLES_DIR = Path(env("OPENALEX_SAMPLES_DIR", default=str(SHARED_DIR / "data" / "openalex-samples")))
OPENALEX_ENDPOINT = env("OPENALEX_ENDPOINT", default="https://api.openalex.org")
OPENALEX_MAILTO = env("OPENALEX_MAILTO", default="")  # joins OpenAlex's polite pool
OPENALEX_API_KEY = env("OPENALEX_API_KEY", default="")  # optional (2026 keys: higher daily budget)
S2_ENDPOINT = env("S2_ENDPOINT", default="https://api.semanticscholar.org")
S2_API_KEY = env("S2_API_KEY", default="")
# Figures older than this are fetched again by enrich_openalex (after papers with none).
CITATIONS_MAX_AGE_DAYS = env.int("CITATIONS_MAX_AGE_DAYS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Similar papers: the persisted ANN index (usearch) of the paper embeddings; rebuilt from the table if missing.
EMBEDDINGS_DIR = Path(env("EMBEDDINGS_DIR", default=str(BASE_DIR / "var" / "embeddings")))

# RESILIENCE: a Redis or Postgres outage degrades the site instead of failing it (issue 15).
# A connection kept across requests is pinged before reuse, so a Postgres restart costs no 500s.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Redis answers in well under a millisecond when it is up: give up fast when it is not, and let
# config.cache.FailSoftRedisCache degrade (rate limits open, locks unknown) instead of raising.
REDIS_CONNECT_TIMEOUT_SECONDS = env.float("REDIS_CONNECT_TIMEOUT_SECONDS", default=0.5)
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["default"]["BACKEND"] = "config.cache.FailSoftRedisCache"
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
        "socket_timeout": 2.0,
    }
# Publishing a task must not hold a web request for the broker's default 19 s of retries: one
# quick attempt, then researchers.outbox keeps the task in Postgres and beat re-sends it.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
# Redis re-delivers an unacked message after the visibility timeout, even if it is still running:
# sized past the longest non-resumable task (a file import, 12 h hard limit; harvests checkpoint
# every page, so a re-delivery resumes). A worker process killed mid-task gives its message back
# at once through task_reject_on_worker_lost, and graph builds take over stale locks after 2 min
# (graph/services.py), so nothing user-facing waits for this timeout.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=13 * 3600),
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
    "socket_timeout": 5,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
    "socket_timeout": 5,
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1},
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_TIMEOUT = 5
# Tasks whose enqueue failed (broker down) are re-sent from the outbox every minute.
CELERY_BEAT_SCHEDULE["outbox-drain"] = {"task": "researchers.outbox.tasks.drain_outbox", "schedule": 60.0}

# CONTENT SECURITY POLICY (django-csp), in every environment so the browser tests run under it.
# Scripts come only from our own static files (or carry the per-request nonce): no inline code,
# no eval (htmx runs with allowEval off, see base.html). Styles allow inline: Cytoscape and htmx
# insert <style> elements, and the admin and allauth templates use style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        # The graph's PNG export and Swagger UI's icons are data:/blob: images.
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    },
}

"""Settings, read from the environment: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS."""

import datetime
import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from corsheaders import defaults as corsheaders_defaults
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG")
# The site's own domain, for identifiers that must not depend on the address a request used
# (calendar UIDs): the same event whether read at localhost or through a proxy.
SITE_DOMAIN = os.environ.get("SITE_DOMAIN", "maakindustrie.limburg.nl").strip()
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for a local, insecure key).")
    SECRET_KEY = "insecure-local-development-key"
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    "import_export",
    "limburg_maak.apps.LockoutConfig",
    "csp",
    # Sign-in (limburg_maak.sign_in): the province's identity provider over OpenID Connect,
    # and for local break-glass accounts a password with a second factor (TOTP).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "limburg_maak",
    "common",
    "programs",
    "budgets",
    "subscriptions",
    "website",
]

MIDDLEWARE = [
    # Outermost: counts every request the process serves.
    "limburg_maak.middleware.freeze_what_warm_up_loaded",
    # X-Forwarded-Proto from a trusted proxy only, before anything asks whether it is HTTPS.
    "limburg_maak.middleware.forwarded_headers_from_trusted_proxies_only",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL in the path or the query is a 400 before any database sees it.
    "limburg_maak.middleware.RefuseNulCharactersMiddleware",
    # Before anything that touches the session or the database: overload is refused cheaply.
    "limburg_maak.middleware.LoadSheddingMiddleware",
    # The request's user and client address for the audit log's lines of every write below.
    "limburg_maak.audit.AuditRequestMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, except that the API and the feeds are always Dutch.
    "limburg_maak.middleware.PagesLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A session signed in by a local password alone counts as no sign-in until its second factor.
    "limburg_maak.sign_in.SecondFactorMiddleware",
    # `?openbaar`: staff see a page as the public does.
    "limburg_maak.middleware.PublicViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "limburg_maak.middleware.NoStoreForEditorsMiddleware",
    "common.api.ApiVersionMiddleware",
    # An ETag from the content on every GET; If-None-Match answers 304 (for syncing systems).
    # Below ApiVersionMiddleware, so a 304 still says which API version answered.
    "django.middleware.http.ConditionalGetMiddleware",
    # Inside it, so a 304 carries the same Cache-Control as the 200 it stands for.
    "limburg_maak.middleware.PublicCacheMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

ROOT_URLCONF = "limburg_maak.urls"
WSGI_APPLICATION = "limburg_maak.wsgi.application"

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
                "limburg_maak.context_processors.public_data",
                "limburg_maak.context_processors.concept_view",
            ],
        },
    },
]

# Connections are kept for 60 s, and checked before a request reuses one: a connection the
# server dropped (a restart, a failover, an idle timeout) is replaced, not a 500.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Security (OWASP ASVS level 2, BIO). Strict unless DEBUG; the site runs behind a proxy that
# terminates TLS and sets X-Forwarded-Proto and X-Forwarded-For.
if "NUM_PROXIES" in os.environ:
    raise ImproperlyConfigured(
        "NUM_PROXIES is no longer read: anyone who reaches the app directly could choose their "
        "own address with it. Set TRUSTED_PROXIES to the proxies' addresses or networks "
        "instead (e.g. TRUSTED_PROXIES=10.0.0.0/8), and remove NUM_PROXIES."
    )


def networks(name):
    """The comma-separated IP networks (or addresses) in environment variable `name`."""
    found = []
    for entry in os.environ.get(name, "").split(","):
        if entry.strip():
            try:
                found.append(str(ipaddress.ip_network(entry.strip())))
            except ValueError as error:
                raise ImproperlyConfigured(f"{name}: {error}") from None
    return found


# The proxies whose X-Forwarded-For is believed (limburg_maak.addresses.client_ip): the client
# address of the login lockout, the API throttling and the audit log. None by default: a client
# that reaches the app directly is its socket's address, whatever headers it sends.
TRUSTED_PROXIES = networks("TRUSTED_PROXIES")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
# Editors are logged out after 30 idle minutes and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The admin's address, so it can be moved away from the well-known /admin/.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Admin login lockout (django-axes): 5 failures per user name and client address lock for
# 15 minutes; the client address is the one a trusted proxy saw (TRUSTED_PROXIES).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The one rule for a client's address, for the apps that may not import the project package.
CLIENT_IP_CALLABLE = "limburg_maak.addresses.client_ip"
AXES_CLIENT_IP_CALLABLE = CLIENT_IP_CALLABLE
# allauth's login form names its field `login`; the credentials it authenticates say `username`.
AXES_USERNAME_CALLABLE = "limburg_maak.sign_in.axes_username"

# Sign-in (django-allauth, limburg_maak.sign_in). Staff sign in with the province's identity
# provider (Microsoft Entra ID) over OpenID Connect; its groups (or app roles) claim gives
# the roles. Local accounts are for break-glass use only: a password and a second factor
# (TOTP, with recovery codes). No one signs up: accounts come from the identity provider, or
# a superuser makes them in the admin.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/" + ADMIN_URL
ACCOUNT_ADAPTER = "limburg_maak.sign_in.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "limburg_maak.sign_in.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
# Signup is closed (AccountAdapter); these fields say that accounts have a user name and a
# password, so that allauth signs in with them.
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SESSION_REMEMBER = False
# django-axes is the one lockout for failed passwords (by user name and the address that
# TRUSTED_PROXIES gives); allauth's own count of failures would answer before it.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Maakindustrie Limburg")
# Local accounts have no verified e-mail address (nothing is sent); a superuser makes them.
MFA_ALLOW_UNVERIFIED_EMAIL = True


def oidc_group_map(text):
    """{claim value: role group} from `OIDC_GROUP_MAP` ("<id-or-name>=Redacteur,...")."""
    roles = {"Lezer", "Redacteur", "Publicist"}
    found = {}
    for entry in text.split(","):
        if not entry.strip():
            continue
        value, _sep, role = entry.rpartition("=")
        if not value.strip() or role.strip() not in roles:
            expected = "|".join(sorted(roles))
            raise ImproperlyConfigured(
                f"OIDC_GROUP_MAP: {entry.strip()!r} is not <claim value>=<{expected}>"
            )
        found[value.strip()] = role.strip()
    return found


# The identity provider (OpenID Connect): without OIDC_ISSUER there is no such sign-in.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip()
OIDC_PROVIDER_ID = "entra"
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups").strip()
OIDC_GROUP_MAP = oidc_group_map(os.environ.get("OIDC_GROUP_MAP", ""))
# Entra ID enforces its own multi-factor authentication (Conditional Access); with this on, a
# sign-in whose ID token does not say so (`amr` holds `mfa`) is refused as well.
OIDC_REQUIRE_MFA_CLAIM = env_flag("OIDC_REQUIRE_MFA_CLAIM")
# Signing out here signs out at the identity provider too (its end_session_endpoint). Off by
# default: with Entra ID that ends the user's Microsoft session in every application.
OIDC_LOGOUT_AT_PROVIDER = env_flag("OIDC_LOGOUT_AT_PROVIDER")


def origin(url):
    """The scheme, host and port of `url`: what a Content-Security-Policy names."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# The sign-in form posts to the site, which redirects to the identity provider (and so does
# signing out, with OIDC_LOGOUT_AT_PROVIDER): browsers hold such redirects to `form-action`.
if OIDC_ISSUER:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(origin(OIDC_ISSUER))
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": OIDC_PROVIDER_ID,
                "name": os.environ.get("OIDC_NAME", "Provincie Limburg"),
                "client_id": os.environ.get("OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": OIDC_ISSUER, "oauth_pkce_enabled": True},
            }
        ]
        if OIDC_ISSUER
        else [],
    }
}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switch stores the choice in a cookie; like the others, HTTPS only, no script.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Our own files, and the NL Design System CSS that `make assets` copies from node_modules
# (git-ignored, built on every clone by `make run` and `make test`).
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}


# The shared cache: Redis in production (REDIS_URL), so throttling counts across workers. It is
# an accelerator: with Redis unreachable the site answers from the database
# (limburg_maak.cache.ForgivingRedisCache), and a Redis that does not answer costs a request
# at most a fraction of a second, once every few seconds.
def redis_cache(url):
    """The cache settings for the Redis server at `url`."""
    return {
        "BACKEND": "limburg_maak.cache.ForgivingRedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.25")),
            "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "1")),
        },
    }


CACHES = {
    "default": (
        redis_cache(os.environ["REDIS_URL"])
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Load shedding (limburg_maak.middleware.LoadSheddingMiddleware): requests running at once per
# process, and how long a request may wait for a turn before it is answered 503.
MAX_CONCURRENT_REQUESTS = int(os.environ.get("MAX_CONCURRENT_REQUESTS", "4"))
REQUEST_QUEUE_SECONDS = float(os.environ.get("REQUEST_QUEUE_SECONDS", "1"))
# How long a shared cache (nginx, a CDN) and a browser may keep an anonymous read of a public
# page or of the API, in seconds (limburg_maak.middleware.PublicCacheMiddleware). 0: not at all.
PUBLIC_MAX_AGE = int(os.environ.get("PUBLIC_MAX_AGE", "60"))
# Request bodies above 1 MB are refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_REQUEST_BYTES", str(1024 * 1024)))
API_THROTTLE_RATES = {
    "anonymous": os.environ.get("API_RATE_ANONYMOUS", "120/minute"),
    "user": os.environ.get("API_RATE_USER", "600/minute"),
    "token": os.environ.get("API_RATE_TOKEN", "1200/minute"),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "limburg_maak.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["limburg_maak.throttling.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": [
        "common.renderers.CamelCaseJSONRenderer",
        "djangorestframework_camel_case.render.CamelCaseBrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["common.parsers.JSONParser"],
    "DEFAULT_PERMISSION_CLASSES": [
        "common.permissions.ModelPermissionsOrAnonReadOnly",
        "common.permissions.PublishedRecordsNeedPublishRight",
    ],
    "DEFAULT_PAGINATION_CLASS": "common.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "common.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "common.negotiation.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "common.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.problem_exception_handler",
    "ORDERING_PARAM": "ordering",
    "SEARCH_PARAM": "search",
}

# Open data: any web page may read the API. No credentials cross origins (no cookies), so a
# foreign page cannot write with an editor's session; API keys go in the Authorization header.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (*corsheaders_defaults.default_headers, "if-match", "change-reason")
CORS_EXPOSE_HEADERS = ["API-Version", "ETag", "Retry-After"]

# Backups keep the history's timestamps to the microsecond.
SERIALIZATION_MODULES = {"json": "common.json_format"}

# The licence of the open data (the 360Giving package, the Fiscal Data Package, the table
# downloads): CC0-1.0 (public domain, the default) or CC-BY-4.0 (attribution), the two the
# province publishes open data under.
OPEN_DATA_LICENCES = {
    "CC0-1.0": {
        "name": "CC0-1.0",
        "title": "Creative Commons Zero v1.0 Universal",
        "path": "https://creativecommons.org/publicdomain/zero/1.0/",
    },
    "CC-BY-4.0": {
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    },
}
OPEN_DATA_LICENCE = os.environ.get("OPEN_DATA_LICENCE", "CC0-1.0").strip()
if OPEN_DATA_LICENCE not in OPEN_DATA_LICENCES:
    raise ImproperlyConfigured(
        f"OPEN_DATA_LICENCE must be one of {', '.join(OPEN_DATA_LICENCES)}, "
        f"not {OPEN_DATA_LICENCE!r}."
    )

API_VERSION = "1.0.0"
SPECTACULAR_SETTINGS = {
    "TITLE": "Limburg maakindustrie tracker API",
    "DESCRIPTION": (
        "Programma's, begrotingsposten, subsidies, toezeggingen en moties van Provincie Limburg "
        "voor de maakindustrie. Alleen gepubliceerde gegevens; bedragen in euro als decimale tekst."
    ),
    "VERSION": API_VERSION,
    "CONTACT": {
        "name": "Provincie Limburg",
        "url": "https://www.limburg.nl",
        "email": os.environ.get("API_CONTACT_EMAIL", "post@prvlimburg.nl"),
    },
    # ADR /core/uri-version: the major version lives in the server URL, paths are relative.
    "SERVERS": [{"url": "/api/v1", "description": "Deze server"}],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "CAMELIZE_NAMES": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.contrib.djangorestframework_camel_case.camelize_serializer_fields",
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.openapi.adr_conformance",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "programs.models.Document.Kind",
        "OrganisationKindEnum": "programs.models.Organisation.Kind",
        "ProgramKindEnum": "programs.models.Program.Kind",
        "ProgramStatusEnum": "programs.models.Program.Status",
        "CommitmentKindEnum": "programs.models.Commitment.Kind",
        "CommitmentStatusEnum": "programs.models.Commitment.Status",
        "VoteOutcomeEnum": "programs.models.Commitment.VoteOutcome",
        "ActionStatusEnum": "programs.models.Action.Status",
        "ChangeActionEnum": "programs.models.PublicChange.Action",
        "OrganisationRoleEnum": "programs.models.ProgramOrganisation.Role",
        "SubsidyStatusEnum": "budgets.models.Subsidy.Status",
        "ContributionKindEnum": "budgets.models.ContributionKind",
        "FunderEnum": "budgets.models.Funder",
        "PrecisionEnum": "common.fuzzydates.Precision",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Logins and writes, one JSON object per line, for the security log (BIO).
        "limburg_maak.audit": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Mails written to the log while EMAIL_HOST is not set.
        "subscriptions.mail": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# The API answers at `/api/v1` and `/api/v1/...` without trailing slashes (ADR), which needs
# routes that begin with a slash inside the `api/v1` include.
SILENCED_SYSTEM_CHECKS = ["urls.W002"]

# Spreadsheet imports (django-import-export): each import is one transaction, and the empty
# lines spreadsheets keep below the data are no records.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
# The largest spreadsheet an import accepts. Between the preview and the confirmation it is
# kept in the cache (programs.spreadsheets.PreviewStorage), shared by every app server.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))

# A commitment is "due soon" when its deadline period ends within this many days.
COMMITMENT_DUE_SOON_DAYS = int(os.environ.get("COMMITMENT_DUE_SOON_DAYS", "30"))

# django-filter: the empty choice of a filter's select reads "Alle" (all), not dashes.
FILTERS_EMPTY_CHOICE_LABEL = _("Alle")

# A public filter form lists a related record's choices in a select up to this many; beyond it
# the reader types the record's kenmerk (slug), so a page never renders a whole large table.
FILTER_CHOICES_LISTED_MAX = 100

# Where the accessibility statement (/toegankelijkheid) tells visitors to report a problem.
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "postbus@prvlimburg.nl")

# The site's address as mails link to it (a digest is sent by a command, not in a request).
SITE_URL = os.environ.get(
    "SITE_URL", "http://127.0.0.1:8000" if DEBUG else f"https://{SITE_DOMAIN}"
).rstrip("/")

# Mail (subscriptions: confirmations and digests) through SMTP, with Django's own settings
# names. Without EMAIL_HOST mails are written to the log instead (subscriptions.mail), and the
# system check says so when the app starts.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Provincie Limburg (maakindustrie) <noreply@prvlimburg.nl>"
)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "subscriptions.mail.LoggingBackend"
)
# Requests to follow: at most this many confirmation mails to one address a day, and this
# many requests from one client an hour, so the form cannot flood anyone's inbox.
FOLLOW_REQUESTS_PER_ADDRESS_PER_DAY = int(os.environ.get("FOLLOW_REQUESTS_PER_ADDRESS", "3"))
FOLLOW_REQUESTS_PER_CLIENT_PER_HOUR = int(os.environ.get("FOLLOW_REQUESTS_PER_CLIENT", "10"))

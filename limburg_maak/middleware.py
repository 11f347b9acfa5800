import gc
import itertools
import threading
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousOperation
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from common.api import api_problem
from limburg_maak.addresses import from_trusted_proxy
from programs.models import can_read_concepts

#: The query parameter of the public view of a page.
PUBLIC_VIEW = "openbaar"

# What a refused client is told to wait before trying again.
RETRY_AFTER_SECONDS = 5


def forwarded_headers_from_trusted_proxies_only(get_response):
    """`X-Forwarded-Proto` counts only from a proxy in `TRUSTED_PROXIES`.

    Django believes the header wherever it comes from (`SECURE_PROXY_SSL_HEADER`), so a client
    that reaches the app directly could call plain HTTP secure and skip the HTTPS redirect.
    First in the chain, before `SecurityMiddleware` asks `request.is_secure()`.
    """

    def middleware(request):
        if not from_trusted_proxy(request):
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        return get_response(request)

    return middleware


#: Requests a process serves before what they left alive is frozen.
WARM_UP_REQUESTS = 100


def freeze_what_warm_up_loaded(get_response):
    """After a process's first `WARM_UP_REQUESTS` requests, keep what they left alive out of
    the garbage collector (`gc.freeze`), as `limburg_maak.wsgi` does with what it loaded.

    What the first requests load lazily (URL patterns, compiled templates, translations, form
    and serializer fields: some 90.000 objects once every page has been served) lives as long
    as the process, yet sits in the collector's oldest generation, which each full collection
    walks again: a 20-50 ms pause, now and then, in any request (docs/performance.md).
    """
    served = itertools.count(1)

    def middleware(request):
        response = get_response(request)
        if next(served) == WARM_UP_REQUESTS:
            gc.collect()  # the garbage of the requests so far is not kept forever
            gc.freeze()
        return response

    return middleware


class NulCharacterInRequest(SuspiciousOperation):
    """A NUL character in the path or the query: no text of ours holds one."""


class RefuseNulCharactersMiddleware:
    """A request whose path or query holds a NUL character (`%00`) is a 400.

    PostgreSQL refuses NUL in a string, so a NUL in an admin filter, a search or an
    autocomplete term turned into a 500 wherever the value reached a query. No path, filter or
    search of ours has a use for one. Raised as a `SuspiciousOperation`, so Django answers with
    its 400 handler (problem+json under /api/) and logs it as a security event.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if "\x00" in request.path or any(
            "\x00" in name or any("\x00" in value for value in query.getlist(name))
            for name in query
        ):
            raise NulCharacterInRequest("NUL character in the path or the query string")
        return self.get_response(request)


class NoStoreForEditorsMiddleware:
    """Pages and API answers that may hold concept data are never kept by a cache or browser."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(self.admin_prefix) or can_read_concepts(user):
            patch_cache_control(response, no_store=True, private=True)
        return response


class PublicCacheMiddleware:
    """Anonymous reads of public pages and of the API may be kept by a shared cache.

    A `200` to a GET or HEAD that no signed-in person, API key or `?openbaar` asked for, that
    sets no cookie and says nothing of its own about caching, gets `Cache-Control: public,
    max-age=PUBLIC_MAX_AGE`: it holds only published data, the same for every anonymous reader.
    A proxy in front (README: nginx) then answers the public's repeated reads without Python,
    and shows a publication at most `PUBLIC_MAX_AGE` seconds late. Its `Vary` names what else
    the content depends on: the language (cookie or Accept-Language) for pages, the key for the
    API, so a staff member or a key holder never gets the public's copy. The ETag and the 304
    come from `ConditionalGetMiddleware` around it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.private_prefixes = (f"/{settings.ADMIN_URL}", "/accounts/", "/i18n/")

    def __call__(self, request):
        response = self.get_response(request)
        max_age = settings.PUBLIC_MAX_AGE
        if max_age and self.is_public(request, response):
            patch_cache_control(response, public=True, max_age=max_age)
            if request.path.startswith("/api/"):
                patch_vary_headers(response, ["Authorization"])
            else:
                patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response

    def is_public(self, request, response):
        return (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.has_header("Cache-Control")
            and not response.cookies
            and "HTTP_AUTHORIZATION" not in request.META
            and PUBLIC_VIEW not in request.GET
            and not request.user.is_authenticated
            and not request.path.startswith(self.private_prefixes)
        )


class PublicViewMiddleware:
    """`?openbaar` on a page shows it to a member of staff as the public sees it: without
    concept records, and with the public's figures. Pages only; never kept by a cache."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.skipped = (f"/{settings.ADMIN_URL}", "/api/")

    def __call__(self, request):
        if PUBLIC_VIEW not in request.GET or request.path.startswith(self.skipped):
            return self.get_response(request)
        # Said on the page only to whom it hides something.
        request.public_view = can_read_concepts(request.user)
        request.user = AnonymousUser()
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response


class PagesLocaleMiddleware(LocaleMiddleware):
    """Pages follow the reader's language (cookie, then Accept-Language); machine outputs don't.

    The API, the Atom feed and the deadline calendar are documented as Dutch (`"label":
    "medio 2016"`, `€ 8,9 mln`) and other systems store what they read, so an English
    browser or client must not change them.
    """

    dutch_only_prefixes = ("/api/", "/wijzigingen.atom", "/termijnen.ics")

    def process_request(self, request):
        if request.path_info.startswith(self.dutch_only_prefixes):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)


# When the request the current thread serves was queued for a thread (`time.monotonic()`), or
# None: set by gunicorn.conf.py's `post_worker_init` hook for its threaded workers.
queued = threading.local()


class LoadSheddingMiddleware:
    """Refuse work the server cannot start soon with a quick 503, instead of queueing it.

    A request may wait `REQUEST_QUEUE_SECONDS` in all before it starts: in gunicorn's queue for
    a thread (the time gunicorn.conf.py stamps), then for one of the process's
    `MAX_CONCURRENT_REQUESTS` slots. Past that it is answered `503` with `Retry-After`. That
    keeps the latency of the requests that are served bounded under overload, and bounds the
    database connections in use (a flood could otherwise exhaust the server's connections and
    turn into 500s). It sits before everything that touches the database or the session, so a
    refusal costs next to nothing. Static files (WhiteNoise, above it) are not counted.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.slots = threading.BoundedSemaphore(settings.MAX_CONCURRENT_REQUESTS)
        self.queue_seconds = settings.REQUEST_QUEUE_SECONDS

    def __call__(self, request):
        since = getattr(queued, "since", None)
        waited = time.monotonic() - since if since is not None else 0
        if waited > self.queue_seconds or not self.slots.acquire(
            timeout=self.queue_seconds - waited
        ):
            return overloaded(request)
        try:
            return self.get_response(request)
        finally:
            self.slots.release()


def overloaded(request):
    """The 503 of `LoadSheddingMiddleware`: problem+json under /api/, a short page elsewhere."""
    if request.path.startswith("/api/"):
        detail = "De server is op dit moment te druk. Probeer het over enkele seconden opnieuw."
        response = api_problem(request, 503, "Dienst tijdelijk niet beschikbaar", detail)
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response

import math

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.throttling import SimpleRateThrottle

from limburg_maak.addresses import client_ip
from limburg_maak.cache import CacheUnreachable

# This process's own counts, for while the shared cache is unreachable.
process_counts = LocMemCache("limburg_maak.throttling", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


class ClientRateThrottle(SimpleRateThrottle):
    """Requests per API token, per logged-in editor, or per anonymous client address.

    A count per client and window of the rate's duration (a minute): the window's counter is
    created with `add` and counted with `incr`, both atomic in Redis (and in the local-memory
    cache), so simultaneous requests cannot read the same count and all pass, as they could
    with DRF's list of request times (read, append, write back). The first `num_requests` of
    a window pass, the rest get 429 until the window ends. A client that spreads its
    requests over a window's boundary can get up to twice the rate through in one duration,
    never more.

    Counts live in the shared cache (Redis in production), so every worker sees them; while
    it is unreachable, each process counts for itself. The rates are read when a request
    comes in, so they follow the settings.
    """

    scope = "anonymous"

    def get_rate(self):
        return settings.API_THROTTLE_RATES[self.scope]

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        self.scope = (
            "token"
            if request.auth is not None
            else ("user" if request.user.is_authenticated else "anonymous")
        )
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        return self.count(f"{key}:{window}") <= self.num_requests

    def count(self, key):
        """This request's number in its window."""
        try:
            return self.increment(self.cache, key)
        except CacheUnreachable:
            return self.increment(process_counts, key)

    def increment(self, cache, key):
        cache.add(key, 0, self.duration)
        try:
            return cache.incr(key)
        except ValueError:
            # Gone between add and incr (the cache was cleared): this is the first again.
            cache.add(key, 0, self.duration)
            return cache.incr(key)

    def wait(self):
        return max(1, math.ceil(self.window_ends - self.now))

    def get_cache_key(self, request, view):
        if request.auth is not None:
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

"""The shared cache: Redis, as an accelerator the site can do without.

With Redis unreachable (stopped, restarting, the network down) every read is a miss and every
write is dropped, so pages and the API answer from the database, only slower; `incr` raises
`CacheUnreachable`, so a counter (API throttling) can fall back to one of its own. The log
says so at most once a minute per process. After a failure the process leaves Redis alone
for `RETRY_SECONDS` (each request would otherwise wait for a connection that fails), then
tries again.

A write that was dropped may leave an older value in Redis: a data version of
`common.caching` that a write should have replaced, say, and with it figures of the data as
it was. So the process remembers the keys it could not write or delete, and deletes them
first thing once Redis answers again.
"""

import logging
import re
import threading
import time
from collections import defaultdict

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: What an unreachable or stalled Redis raises.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
#: After a failure, how long the process answers without asking Redis.
RETRY_SECONDS = 5
#: At most one warning per process in this many seconds.
WARN_SECONDS = 60
#: The dropped writes remembered per process; beyond them the whole cache is cleared on return.
LOST_KEYS_MAX = 10_000

clock = time.monotonic
PASSWORD = re.compile(r"//[^/@]*@")
#: `lost_keys` of a write that would have touched every key (`clear`).
EVERYTHING = object()


class CacheUnreachable(Exception):
    """The cache cannot be reached: raised by `incr`/`decr`, which have no miss to answer."""


class Outage:
    """One process's view of one Redis server: whether to try it, when it last warned, and
    the writes it could not make."""

    def __init__(self):
        self.lock = threading.Lock()
        self.retry_at = None
        self.warned_at = None
        self.lost = defaultdict(set)  # {version: {key, ...}}
        self.lost_count = 0
        self.overflowed = False

    def skipping(self):
        retry_at = self.retry_at
        return retry_at is not None and clock() < retry_at

    def failed(self, server, error):
        now = clock()
        with self.lock:
            self.retry_at = now + RETRY_SECONDS
            warn = self.warned_at is None or now - self.warned_at >= WARN_SECONDS
            if warn:
                self.warned_at = now
        if warn:
            logger.warning(
                "Cache unreachable (%s): answering from the database; retrying every %d s. %s",
                server,
                RETRY_SECONDS,
                error,
            )

    def remember(self, keys, version):
        with self.lock:
            if keys is EVERYTHING:
                self.overflowed = True
                return
            for key in keys:
                if self.lost_count >= LOST_KEYS_MAX:
                    self.overflowed = True
                    return
                if key not in self.lost[version]:
                    self.lost[version].add(key)
                    self.lost_count += 1

    def take_lost(self):
        with self.lock:
            lost, overflowed = dict(self.lost), self.overflowed
            self.lost, self.lost_count, self.overflowed = defaultdict(set), 0, False
        return lost, overflowed

    def give_back(self, lost, overflowed):
        for version, keys in lost.items():
            self.remember(keys, version)
        if overflowed:
            self.overflowed = True


# Per process and server; Django makes a cache object per thread, which all share this.
outages = defaultdict(Outage)
outages_lock = threading.Lock()


def outage_of(server):
    with outages_lock:
        return outages[server]


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache, answering a miss instead of raising when Redis is unreachable.

    Set it with short socket timeouts (settings.CACHES), so that a Redis that does not answer
    costs a request a fraction of a second, once per `RETRY_SECONDS`.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        server = server if isinstance(server, str) else ",".join(server)
        self.server = PASSWORD.sub("//", server)  # for the log: no password in it
        self.outage = outage_of(server)

    def attempt(self, operation, miss, lost_keys=(), version=None):
        """`operation()`, or `miss()` when Redis is unreachable; the keys it would have
        written or deleted (`lost_keys`) are deleted when Redis answers again."""
        outage = self.outage
        if outage.skipping():
            outage.remember(lost_keys, version)
            return miss()
        try:
            self.delete_lost()
            result = operation()
        except UNREACHABLE as error:
            outage.remember(lost_keys, version)
            outage.failed(self.server, error)
            return miss()
        outage.retry_at = None
        return result

    def delete_lost(self):
        if not self.outage.lost_count and not self.outage.overflowed:
            return
        lost, overflowed = self.outage.take_lost()
        if not lost and not overflowed:
            return
        try:
            if overflowed:
                super().clear()
            else:
                for version, keys in lost.items():
                    super().delete_many(list(keys), version=version)
        except UNREACHABLE:
            self.outage.give_back(lost, overflowed)
            raise
        logger.warning("Cache reachable again (%s): stale entries removed.", self.server)

    # Reads: a miss.

    def get(self, key, default=None, version=None):
        redis = super()
        return self.attempt(lambda: redis.get(key, default, version), lambda: default)

    def get_many(self, keys, version=None):
        redis = super()
        return self.attempt(lambda: redis.get_many(keys, version), dict)

    def has_key(self, key, version=None):
        redis = super()
        return self.attempt(lambda: redis.has_key(key, version), lambda: False)

    # Writes: dropped, and their keys remembered.

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        redis = super()
        return self.attempt(
            lambda: redis.set(key, value, timeout, version), lambda: None, [key], version
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        redis = super()
        return self.attempt(
            lambda: redis.set_many(data, timeout, version), lambda: list(data), data, version
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        redis = super()
        return self.attempt(lambda: redis.add(key, value, timeout, version), lambda: False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        redis = super()
        return self.attempt(lambda: redis.touch(key, timeout, version), lambda: False)

    def delete(self, key, version=None):
        redis = super()
        return self.attempt(lambda: redis.delete(key, version), lambda: False, [key], version)

    def delete_many(self, keys, version=None):
        redis = super()
        keys = list(keys)
        return self.attempt(lambda: redis.delete_many(keys, version), lambda: None, keys, version)

    def clear(self):
        redis = super()
        return self.attempt(redis.clear, lambda: False, EVERYTHING)

    # Counters: no answer to give.

    def incr(self, key, delta=1, version=None):
        redis = super()

        def unreachable():
            raise CacheUnreachable(self.server)

        return self.attempt(lambda: redis.incr(key, delta, version), unreachable)

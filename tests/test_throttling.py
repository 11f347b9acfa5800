"""API throttling holds under concurrency: parallel requests from one client get exactly the
limit through, with the local-memory cache and with Redis."""

import socket
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import override_settings
from rest_framework.request import Request

from limburg_maak.settings import redis_cache
from limburg_maak.throttling import ClientRateThrottle

LIMIT = 40
ATTEMPTS = 320
THREADS = 32
NOW = 1_800_000_000.0  # one moment, so that every request falls in the same window


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def switching_often():
    """Threads switch after every few bytecodes, so a read-modify-write count races."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def allowed_in_parallel(rf):
    """How many of ATTEMPTS simultaneous requests from one address the throttle lets through."""
    start = threading.Barrier(THREADS)

    def attempt(number):
        if number < THREADS:
            start.wait()
        throttle = ClientRateThrottle()
        throttle.timer = lambda: NOW
        request = Request(rf.get("/api/v1/themes", REMOTE_ADDR="203.0.113.7"))
        return throttle.allow_request(request, None)

    with ThreadPoolExecutor(THREADS) as pool:
        return sum(pool.map(attempt, range(ATTEMPTS)))


def test_parallel_requests_from_one_address_get_exactly_the_limit(rf, settings, switching_often):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anonymous": f"{LIMIT}/minute"}
    assert allowed_in_parallel(rf) == LIMIT


@pytest.mark.skipif(not redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_parallel_requests_from_one_address_get_exactly_the_limit_with_redis(
    rf, settings, switching_often
):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anonymous": f"{LIMIT}/minute"}
    shared = {**redis_cache("redis://127.0.0.1:6379/11"), "KEY_PREFIX": uuid.uuid4().hex}
    # The counts expire with their window; nothing to clear.
    with override_settings(CACHES={"default": shared}):
        assert allowed_in_parallel(rf) == LIMIT


def test_a_refused_client_is_told_when_its_window_ends(rf, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anonymous": "2/minute"}
    answers = []
    for _ in range(3):
        throttle = ClientRateThrottle()
        throttle.timer = lambda: NOW + 15  # 15 s into a minute
        request = Request(rf.get("/api/v1/themes", REMOTE_ADDR="203.0.113.7"))
        answers.append(throttle.allow_request(request, None))
    assert answers == [True, True, False]
    assert throttle.wait() == 60 - (NOW + 15) % 60

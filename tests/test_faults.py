"""Faults degrade the site, they don't break it: Redis unreachable, a dropped database
connection."""

import logging
import socket
import uuid
from collections import defaultdict
from decimal import Decimal
from wsgiref.util import setup_testing_defaults

import psycopg2
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from limburg_maak import cache as forgiving
from limburg_maak.settings import redis_cache

from .factories import BudgetLineFactory, DocumentFactory, ProgramFactory, ThemeFactory

TOTALS = "/api/v1/budget-lines/totals"


def closed_port():
    """A local port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def fresh_outages(monkeypatch):
    """This process has seen no Redis fail yet."""
    monkeypatch.setattr(forgiving, "outages", defaultdict(forgiving.Outage))


@pytest.fixture
def redis_down(fresh_outages):
    with override_settings(CACHES={"default": redis_cache(f"redis://127.0.0.1:{closed_port()}/0")}):
        yield


@pytest.fixture
def public_data(db, committed):
    with committed():
        document = DocumentFactory(slug="begroting")
        program = ProgramFactory(slug="groeiregeling")
        BudgetLineFactory(document=document, program=program, amount=Decimal("1000000.00"))
        ThemeFactory(slug="digitalisering")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/programmas",
        "/programmas/groeiregeling",
        "/api/v1/programs",
        "/api/v1/programs/groeiregeling",
        TOTALS,
        "/api/v1/themes",
    ],
)
def test_pages_and_the_api_answer_from_the_database_with_redis_unreachable(
    public_data, redis_down, path
):
    response = APIClient().get(path)
    assert response.status_code == 200


def test_figures_are_right_with_redis_unreachable(public_data, redis_down, committed):
    api = APIClient()
    assert api.get(TOTALS).json()["amount"] == "1000000.00"
    with committed():
        BudgetLineFactory(program=ProgramFactory(slug="tweede"), amount=Decimal("2000000.00"))
    assert api.get(TOTALS).json()["amount"] == "3000000.00"


def test_the_log_says_at_most_once_a_minute_that_the_cache_is_unreachable(
    public_data, redis_down, caplog, monkeypatch
):
    caplog.set_level(logging.WARNING, logger="limburg_maak.cache")
    api = APIClient()
    now = forgiving.clock()

    def warnings_after(seconds):
        monkeypatch.setattr(forgiving, "clock", lambda: now + seconds)
        for _ in range(3):
            assert api.get("/api/v1/programs").status_code == 200
        return [r for r in caplog.records if r.name == "limburg_maak.cache"]

    assert len(warnings_after(0)) == 1
    assert "unreachable" in warnings_after(0)[0].getMessage()
    assert len(warnings_after(30)) == 1  # retried after a few seconds, failed again: quiet
    assert len(warnings_after(61)) == 2


def test_throttling_counts_per_process_with_redis_unreachable(db, redis_down, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anonymous": "3/minute"}
    api = APIClient(REMOTE_ADDR=f"192.0.2.{uuid.uuid4().int % 250}")
    statuses = [api.get("/api/v1/themes").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.skipif(not redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_a_write_while_redis_was_unreachable_is_seen_once_it_is_back(
    public_data, fresh_outages, committed, monkeypatch
):
    shared = {**redis_cache("redis://127.0.0.1:6379/11"), "KEY_PREFIX": uuid.uuid4().hex}
    api = APIClient()
    with override_settings(CACHES={"default": shared}):
        assert api.get(TOTALS).json()["amount"] == "1000000.00"  # now cached in Redis
        # Redis goes away: the write cannot replace the data version it should.
        [outage] = forgiving.outages.values()
        monkeypatch.setattr(outage, "retry_at", forgiving.clock() + 3600)
        with committed():
            BudgetLineFactory(program=ProgramFactory(slug="tweede"), amount=Decimal("2000000.00"))
        assert api.get(TOTALS).json()["amount"] == "3000000.00"
        # Redis is back, with the figure of before the write in it.
        monkeypatch.setattr(outage, "retry_at", None)
        assert api.get(TOTALS).json()["amount"] == "3000000.00"
    # The keys carry this test's own prefix; its figures expire within the hour.


def request(path):
    """One request as a WSGI server makes it: Django's request signals and all (the test
    client leaves out the connection handling at the request's start and end)."""
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "localhost"}
    setup_testing_defaults(environ)
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    response = WSGIHandler()(environ, start_response)
    b"".join(response)
    response.close()
    return int(statuses[0].split()[0])


@pytest.mark.django_db(transaction=True)
def test_a_dropped_database_connection_is_replaced_before_the_next_request():
    if connection.vendor != "postgresql":
        pytest.skip("terminates a PostgreSQL server process")
    ThemeFactory(slug="digitalisering")
    assert request("/api/v1/themes") == 200
    pid = connection.connection.info.backend_pid
    # The server drops the connection the app keeps (a restart, a failover, an idle timeout).
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other, other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()
    assert request("/api/v1/themes") == 200


def test_the_log_never_shows_the_cache_password(db, fresh_outages, caplog):
    caplog.set_level(logging.WARNING, logger="limburg_maak.cache")
    url = f"redis://:geheim-wachtwoord@127.0.0.1:{closed_port()}/0"
    with override_settings(CACHES={"default": redis_cache(url)}):
        assert APIClient().get("/api/v1/themes").status_code == 200
    [warning] = [r.getMessage() for r in caplog.records if r.name == "limburg_maak.cache"]
    assert "127.0.0.1" in warning and "geheim" not in warning

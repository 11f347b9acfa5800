"""Load shedding: a request that cannot start soon is refused with a quick 503, never queued
without bound or turned into a 500.

The view stand-in blocks on an event, so a test holds the process's slots for exactly as long
as it needs them; nothing sleeps. The tests have no database access (pytest-django refuses
it without the `db` fixture), so a refusal that touched the database would fail them.
"""

import json
import runpy
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from limburg_maak.middleware import LoadSheddingMiddleware, queued

WAIT = 10  # seconds; only reached if the code under test is broken


class BlockingView:
    """A view that holds its slot until `release` is set."""

    def __init__(self):
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()

    def __call__(self, request):
        self.entered.release()
        assert self.release.wait(WAIT)
        return HttpResponse("ok")


def hold_slots(middleware, view, count):
    threads = [
        threading.Thread(target=middleware, args=(RequestFactory().get("/"),)) for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    for _ in range(count):
        assert view.entered.acquire(timeout=WAIT)
    return threads


def let_go(view, threads):
    view.release.set()
    for thread in threads:
        thread.join(WAIT)


def test_the_middleware_runs_before_sessions_and_the_database():
    shedding = settings.MIDDLEWARE.index("limburg_maak.middleware.LoadSheddingMiddleware")
    assert shedding < settings.MIDDLEWARE.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )
    assert shedding > settings.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware")


@override_settings(MAX_CONCURRENT_REQUESTS=2, REQUEST_QUEUE_SECONDS=0)
def test_an_api_request_beyond_the_running_limit_gets_a_503_problem_with_retry_after():
    view = BlockingView()
    middleware = LoadSheddingMiddleware(view)
    threads = hold_slots(middleware, view, 2)
    try:
        response = middleware(RequestFactory().get("/api/v1/programs"))
    finally:
        let_go(view, threads)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert response["API-Version"] == settings.API_VERSION
    assert "no-store" in response["Cache-Control"]
    body = json.loads(response.content)
    assert body["status"] == 503
    assert "te druk" in body["detail"]


@override_settings(MAX_CONCURRENT_REQUESTS=1, REQUEST_QUEUE_SECONDS=0)
def test_a_page_beyond_the_running_limit_gets_a_short_503_page():
    view = BlockingView()
    middleware = LoadSheddingMiddleware(view)
    threads = hold_slots(middleware, view, 1)
    try:
        response = middleware(RequestFactory().get("/toezeggingen"))
    finally:
        let_go(view, threads)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Het is op dit moment te druk" in response.content.decode()


@override_settings(MAX_CONCURRENT_REQUESTS=1, REQUEST_QUEUE_SECONDS=WAIT)
def test_a_waiting_request_is_served_when_a_turn_frees_within_the_queue_time():
    view = BlockingView()
    middleware = LoadSheddingMiddleware(view)
    threads = hold_slots(middleware, view, 1)
    answers = []
    waiting = threading.Thread(target=lambda: answers.append(middleware(RequestFactory().get("/"))))
    waiting.start()

    let_go(view, threads)
    waiting.join(WAIT)

    assert [answer.status_code for answer in answers] == [200]


@override_settings(MAX_CONCURRENT_REQUESTS=1, REQUEST_QUEUE_SECONDS=0)
def test_a_request_that_fails_gives_its_turn_back():
    def failing_view(request):
        raise RuntimeError("boom")

    middleware = LoadSheddingMiddleware(failing_view)
    with pytest.raises(RuntimeError):
        middleware(RequestFactory().get("/"))

    middleware.get_response = lambda request: HttpResponse("ok")
    assert middleware(RequestFactory().get("/")).status_code == 200


@override_settings(MAX_CONCURRENT_REQUESTS=1, REQUEST_QUEUE_SECONDS=1)
def test_a_request_that_waited_too_long_for_a_thread_is_refused_without_being_served():
    served = []
    middleware = LoadSheddingMiddleware(lambda request: served.append(request) or HttpResponse())
    queued.since = time.monotonic() - 5
    try:
        response = middleware(RequestFactory().get("/api/v1/programs"))
    finally:
        queued.since = None

    assert response.status_code == 503
    assert served == []


class ThreadedWorker:
    """The two methods of gunicorn's gthread worker that the hook wraps."""

    def __init__(self):
        self.seen = []

    def enqueue_req(self, connection):
        self.handle(connection)

    def handle(self, connection):
        self.seen.append(queued.since)


def test_gunicorn_stamps_each_request_when_it_is_queued_for_a_thread():
    hook = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))["post_worker_init"]
    worker = ThreadedWorker()
    hook(worker)
    connection = SimpleNamespace()

    before = time.monotonic()
    worker.enqueue_req(connection)

    assert before <= connection.queued_at <= time.monotonic()
    assert worker.seen == [connection.queued_at]
    assert getattr(queued, "since", None) is None


def test_gunicorns_settings_run_threaded_workers_within_the_databases_connections():
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))

    assert config["worker_class"] == "gthread"
    # Each thread keeps a database connection; PostgreSQL allows 100 by default.
    assert config["workers"] * config["threads"] < 100

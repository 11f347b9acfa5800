"""What lives as long as the process is kept out of the garbage collector's full collections:
what the application loads at start (`limburg_maak.wsgi`) and what its first requests load."""

import gc

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from limburg_maak import middleware


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_what_the_first_requests_left_alive_is_frozen_once(monkeypatch, unfrozen):
    monkeypatch.setattr(middleware, "WARM_UP_REQUESTS", 3)
    # Counted by its calls: the freeze count also drops when a frozen object is freed (seen in
    # CI, by one, between two requests).
    freezes = []
    freeze = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(1) or freeze())
    loaded = []

    def view(request):
        loaded.append({"compiled": [request.path]})  # as a template cache keeps what it compiles
        return HttpResponse("ok")

    serve = middleware.freeze_what_warm_up_loaded(view)
    request = RequestFactory().get("/")
    for _ in range(2):
        serve(request)
    assert gc.get_freeze_count() == 0, "frozen before the process has warmed up"
    serve(request)
    assert gc.get_freeze_count() > 0
    collected = {id(thing) for thing in gc.get_objects()}
    assert gc.is_tracked(loaded[0]) and id(loaded[0]) not in collected, "left in the collector"
    for _ in range(5):
        serve(request)
    assert len(freezes) == 1, "frozen once, not after every request"


def test_the_freeze_counts_every_request_the_process_serves():
    assert settings.MIDDLEWARE[0] == "limburg_maak.middleware.freeze_what_warm_up_loaded"

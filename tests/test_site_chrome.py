"""What every page carries besides its content: the page icon, the menu, and a program's status
that does not claim it still runs after its end."""

import datetime

import pytest
from django.utils import timezone

from .factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_every_page_names_an_icon_that_is_served(client):
    page = client.get("/").content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    old_address = client.get("/favicon.ico")
    assert old_address.status_code == 302
    assert old_address["Location"] == "/static/favicon.svg"


def test_the_menus_api_link_goes_to_the_api_documentation(client):
    page = client.get("/").content.decode()

    assert '<a href="/api/v1/docs">API</a>' in page
    assert client.get("/api/v1/docs").status_code == 200


def test_a_running_program_past_its_end_says_its_term_has_passed(client):
    year = timezone.localdate().year
    ended = ProgramFactory(status="lopend", start=f"begin {year - 4}", end=f"eind {year - 1}")
    running = ProgramFactory(status="lopend", start=f"begin {year - 1}", end=f"eind {year + 2}")
    finished = ProgramFactory(status="afgerond", end=f"eind {year - 1}")

    assert client.get(ended.get_absolute_url()).context["program"].status_label == (
        "looptijd verstreken"
    )
    assert "<dd>looptijd verstreken</dd>" in client.get(ended.get_absolute_url()).content.decode()
    assert running.status_label == "lopend"
    assert finished.status_label == "afgerond"
    listing = client.get("/programmas").content.decode()
    assert listing.count("looptijd verstreken") == 1


def test_a_program_ending_today_still_runs(client, monkeypatch):
    today = datetime.date(2030, 12, 31)
    monkeypatch.setattr(timezone, "localdate", lambda *args: today)
    program = ProgramFactory(status="lopend", end="eind 2030")

    assert program.status_label == "lopend"

"""The start page's timeline shows a window around today (the last 12 months and the next 24),
with the coming deadlines even when old ones are many, a legend, and links to the full list."""

import datetime
import re

import pytest
from django.utils import timezone

from website.dashboard import TIMELINE_ROWS

from .factories import ActionFactory, CommitmentFactory, ProgramFactory
from .test_public_pages import text_of

pytestmark = pytest.mark.django_db


def in_days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def timeline_of(client):
    response = client.get("/")
    assert response.status_code == 200
    return response, response.context["dashboard"]


def test_the_window_is_the_last_year_and_the_next_two_in_whole_months(client, memo):
    today = timezone.localdate()
    _, dashboard = timeline_of(client)
    year, month = today.year + 2, today.month + 1
    if month == 13:
        year, month = year + 1, 1
    assert dashboard.timeline_window == (
        datetime.date(today.year - 1, today.month, 1),
        datetime.date(year, month, 1) - datetime.timedelta(days=1),
    )


def test_coming_deadlines_are_drawn_even_when_old_ones_are_many(client, db):
    for number in range(60):
        CommitmentFactory(number=f"oud-{number}", title=f"Oud {number}", deadline="2016")
    for number in range(5):
        CommitmentFactory(
            number=f"nu-{number}", title=f"Komt {number}", deadline=in_days(30 + number)
        )
    ActionFactory(title="Actie die komt", due=in_days(90))
    CommitmentFactory(number="ver", title="Verre toekomst", deadline="2060")
    CommitmentFactory(number="kort", title="Kortgeleden", deadline=in_days(-40))
    _, dashboard = timeline_of(client)
    labels = [span.label for span in dashboard.timeline.spans]
    assert len(labels) <= TIMELINE_ROWS
    for number in range(5):
        assert any(label.endswith(f"Komt {number}") for label in labels)
    assert "Actie die komt" in labels
    assert any(label.endswith("Kortgeleden") for label in labels)
    assert not any("Oud " in label or "Verre toekomst" in label for label in labels)
    # In date order, and every marker inside the chart.
    spans = dashboard.timeline.spans
    assert all(0 <= span.x <= 100 and span.x + span.width <= 100.01 for span in spans)
    # The table still lists them all.
    # 60 old and 5 coming deadlines, 2 more, the action and its program.
    assert len(dashboard.timeline_entries) == 60 + 5 + 2 + 1 + 1


def test_programs_in_the_window_are_drawn_cut_at_its_edges(client, db):
    ProgramFactory(name="Loopt al jaren", start="2010", end=None)
    ProgramFactory(name="Afgelopen", start="2010", end="2012")
    ProgramFactory(name="Begint later", start="2070", end=None)
    _, dashboard = timeline_of(client)
    spans = {span.label: span for span in dashboard.timeline.spans}
    assert set(spans) == {"Loopt al jaren"}
    assert spans["Loopt al jaren"].x == 0


def test_the_timeline_has_a_legend_and_links_to_everything(client, db):
    CommitmentFactory(title="Komt", deadline=in_days(20))
    response, _ = timeline_of(client)
    body = response.content.decode()
    legend = re.search(r'<ul class="chart-legend">(.*?)</ul>', body, re.S).group(1)
    text = text_of(response)
    for meaning in (
        "Programma: looptijd",
        "Termijn van een actie",
        "Termijn van een toezegging of motie",
        "Vandaag",
    ):
        assert meaning in legend
    assert 'href="/?tabel=tijdlijn">Alle programma\'s, acties en termijnen' in body
    assert 'href="/toezeggingen?status=open">Alle openstaande termijnen in het register' in body
    assert "De tijdlijn toont" in text

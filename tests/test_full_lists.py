"""Every list offers "Alles tonen / afdrukken": all its rows on one page without the form,
with the filters in force, the number of rows, the totals and the date, so a council member
can read or print a whole list (the rappellijst above all)."""

import re

import pytest

from budgets.models import ContributionKind
from common import tables
from common.tables import PER_PAGE

from .factories import BudgetLineFactory, CommitmentFactory, ProgramFactory
from .test_public_pages import text_of

pytestmark = pytest.mark.django_db

LISTS = {
    "/toezeggingen": "toezeggingen",
    "/toezeggingen/rappellijst?datum=2030-01-01": "rappellijst",
    "/programmas": "programmas",
    "/documenten": "documenten",
    "/organisaties": "organisaties",
    "/acties": "acties",
    "/themas": "themas",
}


@pytest.fixture
def long_register(db):
    """More commitments than a page holds, all overdue by 2030."""
    return CommitmentFactory.create_batch(PER_PAGE + 5, deadline="2020")


@pytest.mark.parametrize("url", LISTS)
def test_every_list_links_to_its_whole_list(client, memo, url):
    body = client.get(url).content.decode()
    name = LISTS[url]
    link = re.search(rf'<a href="([^"]*tabel={name})">Alles tonen / afdrukken', body)
    assert link, url
    whole = client.get(link.group(1).replace("&amp;", "&"))
    assert whole.status_code == 200
    assert "<form" not in whole.content.decode().split("<main", 1)[1].split("</main>")[0]


def test_the_whole_register_shows_every_row_with_its_count_filters_and_date(client, long_register):
    paged = client.get("/toezeggingen", {"status": "open"})
    assert len(paged.context["tables"]["toezeggingen"].records) == PER_PAGE
    response = client.get("/toezeggingen", {"status": "open", "tabel": "toezeggingen"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<th scope="row">') == PER_PAGE + 5
    text = text_of(response)
    assert f"{PER_PAGE + 5} rijen in totaal." in text
    assert f"Totaal: {PER_PAGE + 5} rijen." in text
    assert "Filters: Status: open" in text
    assert re.search(r"Stand op \d{1,2} \w+ \d{4}\.", text)
    assert 'class="pagination"' not in body
    # The way back keeps the filters.
    assert 'href="/toezeggingen?status=open">Terug naar de pagina met filters' in body


def test_the_whole_rappellijst_is_headed_by_its_date_and_lists_every_item(client, long_register):
    response = client.get(
        "/toezeggingen/rappellijst", {"datum": "2030-01-01", "tabel": "rappellijst"}
    )
    text = text_of(response)
    assert "<h1>Rappellijst: 1 januari 2030</h1>" in response.content.decode()
    assert f"Totaal: {PER_PAGE + 5} rijen." in text


def test_a_whole_list_keeps_the_tables_totals(client, db):
    program = ProgramFactory()
    BudgetLineFactory(program=program, amount=1_500_000)
    BudgetLineFactory(program=program, contribution_kind=ContributionKind.PM, amount=None)
    response = client.get(program.get_absolute_url(), {"tabel": "begrotingsposten"})
    assert response.status_code == 200
    assert "€ 1,5 mln + 1 × PM" in text_of(response)


def test_a_list_longer_than_a_page_can_hold_says_so_and_points_to_the_download(
    client, long_register, monkeypatch
):
    monkeypatch.setattr(tables, "FULL_LIST_MAX", 10)
    response = client.get("/toezeggingen", {"tabel": "toezeggingen"})
    body = response.content.decode()
    assert body.count('<th scope="row">') == 10
    text = text_of(response)
    assert "De eerste 10 rijen; de lijst is langer." in text
    assert "tabel=toezeggingen&amp;format=csv" in body


def test_an_unknown_table_is_a_404(client, memo):
    assert client.get("/toezeggingen", {"tabel": "bestaat-niet"}).status_code == 404


def test_a_paged_list_says_on_paper_how_to_print_it_whole(client, long_register):
    body = client.get("/toezeggingen").content.decode()
    assert '<span class="print-only"> Deze afdruk bevat één pagina van de lijst' in body

"""Public lists show a page of rows at a time, without counting whole tables; downloads hold
every row of the filtered list."""

import csv
import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.tables import PER_PAGE
from programs.models import Action, Program

from . import factories

pytestmark = pytest.mark.django_db


def shown(response, table):
    return response.context["tables"][table].records


def content_of(response):
    return html.unescape(response.content.decode())


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def actions(count, **kwargs):
    program = factories.ProgramFactory()
    owner = factories.OrganisationFactory()
    return [factories.ActionFactory(program=program, owner=owner, **kwargs) for _ in range(count)]


def test_a_long_list_shows_a_page_of_rows_and_says_which(client):
    actions(PER_PAGE + 20)
    first = client.get("/acties")
    assert first.status_code == 200
    assert len(shown(first, "acties")) == PER_PAGE
    assert f"Rijen 1–{PER_PAGE}." in content_of(first)
    last = client.get("/acties?pagina=2")
    assert len(shown(last, "acties")) == 20
    # The last page knows the total without counting: it is where the list ends.
    total = PER_PAGE + 20
    assert f"Rijen {PER_PAGE + 1}–{total} van {total}." in content_of(last)


def test_a_short_list_shows_no_page_navigation(client):
    actions(3)
    content = content_of(client.get("/acties"))
    assert 'class="pagination"' not in content
    assert "Rijen" not in content


def test_the_navigation_is_labelled_and_marks_the_current_page(client):
    actions(2 * PER_PAGE + 1)
    content = content_of(client.get("/acties?pagina=2"))
    nav = re.search(r'<nav class="pagination" aria-label="([^"]+)">(.*?)</nav>', content, re.S)
    assert nav, "a navigation landmark with a name"
    assert nav[1] == "Pagina's van „Acties”"
    assert '<a href="/acties?pagina=2" aria-current="page">Pagina 2</a>' in nav[2]
    assert '<a href="/acties" rel="prev">Vorige pagina</a>' in nav[2]
    assert '<a href="/acties?pagina=3" rel="next">Volgende pagina</a>' in nav[2]


def test_pages_together_hold_every_row_once_in_order(client):
    made = actions(2 * PER_PAGE + 5, due="najaar 2015")  # equal sort keys: the key decides
    seen = []
    for page in (1, 2, 3):
        seen += [action.pk for action in shown(client.get(f"/acties?pagina={page}"), "acties")]
    assert sorted(seen) == sorted(action.pk for action in made)
    assert len(seen) == len(set(seen))


def test_a_page_past_the_end_is_a_404(client):
    actions(PER_PAGE + 1)
    assert client.get("/acties?pagina=2").status_code == 200
    assert client.get("/acties?pagina=3").status_code == 404
    assert client.get("/acties?pagina=99999999999999999999999").status_code == 404
    assert client.get("/organisaties?pagina=2").status_code == 404


def test_the_first_page_of_an_empty_list_is_the_empty_table(client):
    response = client.get("/acties?status=afgerond")
    assert response.status_code == 200
    assert "Geen acties." in content_of(response)


@pytest.mark.parametrize("value", ["twee", "0", "-1", "1.5", "²", ""])
def test_a_malformed_page_number_is_a_400_that_says_what_is_wrong(client, value):
    actions(2)
    response = client.get("/acties", {"pagina": value})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    content = content_of(response)
    assert f"Paginanummer ‘{value}’ klopt niet: geef een geheel getal vanaf 1." in content
    assert 'class="downloads"' not in content


def test_page_links_keep_the_filters_and_the_download_link_drops_the_page(client):
    actions(PER_PAGE + 1, status=Action.Status.PLANNED)
    actions(5, status=Action.Status.DONE)
    content = content_of(client.get("/acties?status=aangekondigd&pagina=2"))
    assert '<a href="/acties?status=aangekondigd" rel="prev">' in content
    assert 'href="/acties?status=aangekondigd&tabel=acties&format=csv"' in content
    assert "Download alle rijen van „Acties”, niet alleen deze pagina:" in content
    content = content_of(client.get("/acties?status=aangekondigd"))
    assert '<a href="/acties?status=aangekondigd&pagina=2" rel="next">' in content


def test_the_download_holds_every_row_of_the_filtered_list_not_only_the_page(client):
    planned = actions(PER_PAGE + 7, status=Action.Status.PLANNED)
    actions(5, status=Action.Status.DONE)
    for file_format in ("csv", "xlsx"):
        response = client.get(
            f"/acties?status=aangekondigd&pagina=2&tabel=acties&format={file_format}"
        )
        assert response.status_code == 200
    rows = csv_rows(client.get("/acties?status=aangekondigd&pagina=2&tabel=acties&format=csv"))
    assert {row[0] for row in rows[1:]} == {action.title for action in planned}


def test_a_removed_filter_or_another_status_starts_at_the_first_page(client):
    for number in range(PER_PAGE + 1):
        factories.CommitmentFactory(number=str(5000 + number))
    content = content_of(client.get("/toezeggingen?kind=toezegging&pagina=2"))
    assert 'href="?kind=toezegging&status=voldaan"' in content
    assert 'href="/toezeggingen"' in content, "the active filter's remove link"
    assert "pagina=2&status=" not in content


def test_each_table_of_a_detail_page_pages_on_its_own(client):
    theme = factories.ThemeFactory()
    program = factories.ProgramFactory(themes=[theme])
    for _ in range(PER_PAGE + 3):
        factories.CommitmentFactory().themes.add(theme)
    for action in actions(PER_PAGE + 2):
        action.themes.add(theme)
    url = theme.get_absolute_url()
    response = client.get(f"{url}?pagina-toezeggingen=2")
    assert len(shown(response, "toezeggingen")) == 3
    assert len(shown(response, "acties")) == PER_PAGE
    assert shown(response, "programmas") == [program]
    content = content_of(response)
    assert f'href="{url}?pagina-toezeggingen=2&pagina-acties=2" rel="next"' in content
    assert client.get(f"{url}?pagina-toezeggingen=3").status_code == 404
    assert client.get(f"{url}?pagina-acties=nul").status_code == 400


def test_the_program_list_pages_through_the_tree_in_order(client):
    parents = [factories.ProgramFactory(name=f"Hoofd {n:03}") for n in range(PER_PAGE)]
    for parent in parents[:3]:
        factories.ProgramFactory(name=f"Onderdeel van {parent.name}", parent=parent)
    first = shown(client.get("/programmas"), "programmas")
    second = shown(client.get("/programmas?pagina=2"), "programmas")
    listed = first + second
    assert len(first) == PER_PAGE and len(listed) == Program.objects.count()
    assert [program.name for program in listed[:3]] == [
        "Hoofd 000",
        "Onderdeel van Hoofd 000",
        "Hoofd 001",
    ]
    assert second[-1].name == "Hoofd 049"


# Query counts: a page costs the same queries whether the list holds one row or many.


def grow(count, theme, organisation, program):
    """`count` more of every row the pages below list, tied to the records they show."""
    document = factories.DocumentFactory()
    for _ in range(count):
        part = factories.ProgramFactory(parent=program, themes=[theme])
        factories.ProgramOrganisationFactory(program=part, organisation=organisation)
        factories.SubsidyFactory(instrument=part, recipient=organisation)
        factories.BudgetLineFactory(program=part, document=document)
        factories.IndicatorFactory(program=program).themes.add(theme)
        action = factories.ActionFactory(owner=organisation, program=program)
        action.themes.add(theme)
        commitment = factories.CommitmentFactory(deadline="2016", made_by=factories.PersonFactory())
        commitment.themes.add(theme)
        commitment.programs.add(program)
        action.commitments.add(commitment)
        factories.SettlementFactory(commitment=commitment)
        factories.ThemeFactory()
        factories.OrganisationFactory()
        factories.DocumentFactory(issuer=organisation, date="2016")


PAGED_URLS = [
    ("/documenten", "pagina"),
    ("/programmas", "pagina"),
    ("/toezeggingen", "pagina"),
    ("/toezeggingen/rappellijst?datum=2017-01-01", "pagina"),
    ("/acties", "pagina"),
    ("/organisaties", "pagina"),
    ("/themas", "pagina"),
    ("/themas/{theme}", "pagina-toezeggingen"),
    ("/organisaties/{organisation}", "pagina-subsidies"),
    ("/programmas/{program}", "pagina-subsidies"),
]


@pytest.mark.parametrize(("url", "parameter"), PAGED_URLS)
def test_a_list_page_costs_the_same_queries_for_one_row_or_a_hundred(
    client, url, parameter, django_assert_max_num_queries
):
    theme = factories.ThemeFactory(slug="reshoring")
    organisation = factories.OrganisationFactory(slug="liof")
    program = factories.ProgramFactory(slug="limburgmakers")
    url = url.format(theme=theme.slug, organisation=organisation.slug, program=program.slug)

    def rows(response):
        assert response.status_code == 200
        return sum(len(table.records) for table in response.context["tables"].values())

    grow(1, theme, organisation, program)
    with CaptureQueriesContext(connection) as one:
        few = rows(client.get(url))
    grow(2 * PER_PAGE + 10, theme, organisation, program)
    with django_assert_max_num_queries(len(one)):
        many = rows(client.get(url))
    separator = "&" if "?" in url else "?"
    with django_assert_max_num_queries(len(one)):
        second = rows(client.get(f"{url}{separator}{parameter}=2"))
    assert many > few, "the page lists the new rows"
    assert second > 0


def test_a_later_page_skips_earlier_rows_by_their_keys_alone(client):
    actions(PER_PAGE + 5)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/acties", {"pagina": 2}).status_code == 200

    page_query = next(entry["sql"] for entry in captured if "OFFSET" in entry["sql"].upper())
    assert re.search(r'IN \(SELECT \w+\."id"( AS "pk")? FROM [^()]* OFFSET \d+\)', page_query)

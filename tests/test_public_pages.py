"""The memo as public pages: its annex as the memo shows it, programs and commitments."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from .factories import BudgetLineFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode())))


def test_start_page_says_what_this_is_and_links_onwards(client, memo):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/documenten/sterke-maakindustrie-2015"' in body
    assert 'href="/programmas"' in body
    assert 'href="/toezeggingen"' in body
    assert "€ 77,57 mln + 6 × PM" in text_of(response)
    assert "3 voldaan" in text_of(response)
    assert "0 deels voldaan" in text_of(response)


def test_start_page_costs_the_same_queries_for_one_document_or_many(client, memo):
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for _ in range(3):
        BudgetLineFactory.create_batch(2, document=DocumentFactory())

    with CaptureQueriesContext(connection) as many:
        response = client.get("/")

    assert len(many) == len(one)
    assert text_of(response).count("provinciale bijdrage € 2,0 mln") == 3


def test_memo_page_shows_the_annex_in_order_with_its_total_row(client, memo):
    response = client.get("/documenten/sterke-maakindustrie-2015")
    assert response.status_code == 200
    rows = [
        (line.position, line.label, line.contribution_label)
        for line in response.context["overview"].rows
    ]
    assert [position for position, *_ in rows] == list(range(1, 18))
    assert rows[0] == (1, "Programma LimburgMakers", "€ 8,9 mln")
    assert rows[1][2] == "op kosten EU"
    assert rows[-1] == (17, "Hannover Messe deelname", "PM")
    text = text_of(response)
    assert "Totaal (1 post op kosten van derden) € 77,57 mln + 6 × PM" in text
    positions = [text.index(label) for _, label, _ in rows]
    assert positions == sorted(positions), "rows appear in the memo's order"


def test_memo_page_shows_its_commitments_key_figures_and_actions(client, memo):
    text = text_of(client.get("/documenten/sterke-maakindustrie-2015"))
    assert "Toezegging 1887" in text
    assert "Motie 615" in text
    assert "ruim 47.000 werkzame personen" in text
    assert "€ 3,2 mln" in text
    assert "najaar 2015" in text


def test_program_page_shows_money_parts_and_source(client, memo):
    response = client.get("/programmas/limburgmakers")
    assert response.status_code == 200
    text = text_of(response)
    assert "medio 2013 – medio 2016" in text
    assert "€ 8,9 mln" in text
    assert "KennisCheque" in text
    assert "Hotraco Group BV" in text
    assert "LIOF" in text
    assert "Een sterke maakindustrie in Limburg" in text


def test_program_list_and_organisation_page_answer(client, memo):
    assert "Programma LimburgMakers" in text_of(client.get("/programmas"))
    response = client.get("/organisaties/hotraco-group")
    assert response.status_code == 200
    assert "Horst" in text_of(response)


def test_commitment_pages_show_status_and_fulfilment(client, memo):
    text = text_of(client.get("/toezeggingen"))
    assert "Toezegging 1886" in text or "toezegging 1886" in text
    response = client.get("/toezeggingen/motie-615")
    assert response.status_code == 200
    text = text_of(response)
    assert "Heemels" in text
    assert "aangenomen" in text
    assert "Een sterke maakindustrie in Limburg" in text


@pytest.mark.parametrize(
    "path",
    [
        "/documenten/bestaat-niet",
        "/programmas/bestaat-niet",
        "/organisaties/bestaat-niet",
        "/toezeggingen/motie-9999",
        "/toezeggingen/geen-soort-1",
    ],
)
def test_unknown_records_are_404(client, memo, path):
    response = client.get(path)

    assert response.status_code == 404
    page = response.content.decode()
    assert page.count("<h1>") == 1 and "Pagina niet gevonden" in page
    assert 'href="/"' in page, "a way back to the start page"


def test_admin_document_page_shows_the_same_annex_and_total(admin_client, memo):
    response = admin_client.get(f"/admin/programs/document/{memo.pk}/change/")
    assert response.status_code == 200
    assert [line.position for line in response.context["overview"].rows] == list(range(1, 18))
    assert "€ 77,57 mln + 6 × PM" in text_of(response)


@pytest.mark.parametrize(
    "query",
    ["theme=financiering", "programLine=innovatiekracht-en-topsectoren", "periodFrom=2016"],
)
def test_the_program_list_takes_the_dashboard_filters_as_the_api_does(client, api, memo, query):
    response = client.get(f"/programmas?{query}")
    assert response.status_code == 200
    shown = {row[0].text for row in response.context["tables"]["programmas"].body}
    listed = api.get(f"/api/v1/programs?{query}&pageSize=100").json()["results"]
    assert shown == {program["name"] for program in listed}
    assert 0 < len(shown) < 22
    assert "Actieve filters" in text_of(response)


def test_the_program_list_refuses_a_bad_filter_with_a_400(client, memo):
    response = client.get("/programmas?periodFrom=ooit")
    assert response.status_code == 400
    assert "Controleer de filters." in text_of(response)

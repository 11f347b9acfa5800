"""`/documenten`: every document a reader may see, newest first, filtered by kind, year and
issuer, reachable from the menu and the start page."""

import re

import pytest

from .factories import DocumentFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def titles(response):
    assert response.status_code == 200, response.content
    return [document.title for document in response.context["tables"]["documenten"].records]


def test_the_memo_is_one_click_from_the_start_page(client, memo):
    start = client.get("/").content.decode()
    assert '<a href="/documenten">Documenten</a>' in start
    assert '<a href="/documenten">Alle documenten</a>' in start

    listing = client.get("/documenten")
    assert "Een sterke maakindustrie in Limburg" in titles(listing)
    assert '<a href="/documenten/sterke-maakindustrie-2015">' in listing.content.decode()
    assert 'aria-current="page">Documenten</a>' in listing.content.decode()


def test_documents_are_listed_newest_first_and_concepts_only_for_staff(client, admin_client):
    DocumentFactory(title="Nota 2014", date="2014")
    DocumentFactory(title="Begroting 2020", date="november 2019")
    DocumentFactory(title="Zonder datum")
    DocumentFactory(title="Concept 2021", date="2021", publication_status="concept")

    assert titles(client.get("/documenten")) == ["Begroting 2020", "Nota 2014", "Zonder datum"]
    assert "Concept 2021" in titles(admin_client.get("/documenten"))


def test_documents_filter_by_kind_year_and_issuer(client):
    province = OrganisationFactory(slug="provincie-limburg", name="Provincie Limburg")
    DocumentFactory(title="Nota", kind="nota", date="medio 2015", issuer=province)
    DocumentFactory(title="Rapport", kind="rapport", date="2015")
    DocumentFactory(title="Later", kind="nota", date="2017", issuer=province)

    assert titles(client.get("/documenten", {"kind": "nota"})) == ["Later", "Nota"]
    assert titles(client.get("/documenten", {"year": 2015})) == ["Nota", "Rapport"]
    assert titles(client.get("/documenten", {"issuer": "provincie-limburg", "year": 2017})) == [
        "Later"
    ]
    page = client.get("/documenten", {"kind": "nota"}).content.decode()
    assert re.search(r'<option value="provincie-limburg">Provincie Limburg\b', page)
    assert '<option value="-issued">Datum (aflopend)</option>' in page


def test_an_unreadable_filter_is_a_400_that_says_what_is_wrong(client):
    response = client.get("/documenten", {"year": "vorig jaar"})

    assert response.status_code == 400
    assert "Controleer de filters." in response.content.decode()


def test_the_api_filters_documents_by_year_too(api):
    DocumentFactory(slug="oud", date="2014")
    DocumentFactory(slug="nieuw", date="2019")

    body = api.get("/api/v1/documents", {"year": 2019}).json()

    assert [document["slug"] for document in body["results"]] == ["nieuw"]

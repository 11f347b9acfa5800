"""Search as a council member uses it: a number or an exact name first, numbers matched whole,
a snippet that says why a record matched, and every result of a type a click away."""

import re

import pytest

from .factories import CommitmentFactory, OrganisationFactory, ProgramFactory
from .test_public_pages import text_of

pytestmark = pytest.mark.django_db


def first_result(client, query):
    groups = client.get("/zoeken", {"q": query}).context["groups"]
    return groups[0].label, groups[0].results[0].title


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("1886", "Toezegging 1886"),
        ("toezegging 1886", "Toezegging 1886"),
        ("toezegging-1886", "Toezegging 1886"),
        ("motie 615", "Motie 615"),
        ("615", "Motie 615"),
    ],
)
def test_a_commitments_number_comes_first(client, memo, query, title):
    label, first = first_result(client, query)
    assert label == "Toezeggingen en moties"
    assert first.startswith(title)


def test_a_number_matches_whole_not_inside_another(client, memo):
    CommitmentFactory(number="188", title="Een ander nummer")
    OrganisationFactory(slug="gen-188", name="Bedrijf 188")
    groups = client.get("/zoeken", {"q": "1886"}).context["groups"]
    titles = [result.title for group in groups for result in group.results]
    assert not [title for title in titles if "188" in title and "1886" not in title], titles


def test_an_exact_name_comes_first(client, db):
    ProgramFactory(name="Innovatiefonds Limburg voor innovatie")
    ProgramFactory(name="Innovatie")
    ProgramFactory(name="Regeling innovatie en groei")
    label, first = first_result(client, "innovatie")
    assert (label, first) == ("Programma's en regelingen", "Innovatie")


def test_a_result_says_why_it_matched_with_the_words_marked_and_escaped(client, db):
    CommitmentFactory(
        title="Reshoring",
        text="GS onderzoeken <b>hoe</b> reshoring van maakbedrijven naar Limburg kan.",
    )
    body = client.get("/zoeken", {"q": "maakbedrijven"}).content.decode()
    snippet = re.search(r'<p class="search-snippet">(.*?)</p>', body).group(1)
    assert "<mark>maakbedrijven</mark>" in snippet
    assert "&lt;b&gt;hoe&lt;/b&gt;" in snippet


def test_all_results_of_a_type_are_a_click_away_and_paged(client, db):
    for number in range(60):
        ProgramFactory(name=f"Programma robotica {number}")
    response = client.get("/zoeken", {"q": "robotica"})
    body = response.content.decode()
    link = re.search(r'<a href="([^"]*soort=programmas[^"]*)">Alle 60 resultaten', body)
    assert link, text_of(response)
    # The link holds the query only ("?q=…&soort=…"), as the browser resolves it.
    first = client.get("/zoeken" + link.group(1).replace("&amp;", "&"))
    assert first.status_code == 200
    assert "Resultaten 1–50 van 60" in text_of(first)
    assert len(first.context["results"]) == 50
    second = client.get("/zoeken", {"q": "robotica", "soort": "programmas", "pagina": 2})
    assert len(second.context["results"]) == 10
    assert (
        client.get("/zoeken", {"q": "robotica", "soort": "programmas", "pagina": 3}).status_code
        == 404
    )
    assert (
        client.get("/zoeken", {"q": "robotica", "soort": "programmas", "pagina": "x"}).status_code
        == 400
    )
    assert client.get("/zoeken", {"q": "robotica", "soort": "bestaat-niet"}).status_code == 404

"""Staff know what they see: concept records carry a "Concept" label, pages that include them
say so, and `?openbaar` shows the page as the public sees it."""

import pytest
from django.contrib.auth.models import Group

from .factories import ProgramFactory

pytestmark = pytest.mark.django_db

BANNER = "de cijfers op deze pagina zijn inclusief conceptgegevens"
LABEL = '<span class="concept-label">Concept</span>'


@pytest.fixture
def editor(client, django_user_model):
    """A client logged in as a Redacteur, who reads concept records."""
    user = django_user_model.objects.create_user("redacteur", is_staff=True)
    user.groups.add(Group.objects.get(name="Redacteur"))
    client.force_login(user)
    return client


@pytest.fixture
def programs():
    ProgramFactory(name="Openbaar programma", slug="openbaar")
    return ProgramFactory(name="Nog niet vastgesteld", slug="concept", publication_status="concept")


def page(response):
    assert response.status_code == 200
    return response.content.decode()


def test_a_concept_record_is_labelled_in_lists_and_on_its_page(editor, programs):
    listing = page(editor.get("/programmas"))
    concept_row = f'<a href="/programmas/concept">Nog niet vastgesteld</a> {LABEL}</th>'
    assert concept_row in listing
    assert listing.count(LABEL) == 1
    assert LABEL in page(editor.get("/programmas/concept")).split("</h1>")[0]
    assert LABEL not in page(editor.get("/programmas/openbaar"))


def test_staff_are_told_the_figures_include_concepts_and_can_see_the_public_view(editor, programs):
    content = page(editor.get("/programmas", {"pagina": 1}))
    assert BANNER in content
    assert (
        '<a href="/programmas?pagina=1&amp;openbaar=1">Bekijk de openbare weergave</a>' in content
    )

    public = editor.get("/programmas", {"pagina": 1, "openbaar": 1})
    content = page(public)
    assert "Nog niet vastgesteld" not in content
    assert "Openbaar programma" in content
    assert BANNER not in content
    assert "zoals het publiek haar ziet" in content
    assert (
        '<a href="/programmas?pagina=1">Terug naar de weergave met conceptgegevens</a>' in content
    )
    assert "no-store" in public["Cache-Control"]
    assert editor.get("/programmas/concept", {"openbaar": 1}).status_code == 404


def test_the_public_sees_neither_label_nor_banner(client, programs):
    content = page(client.get("/programmas"))

    assert BANNER not in content
    assert LABEL not in content
    assert "openbaar=1" not in content
    assert "zoals het publiek haar ziet" not in page(client.get("/programmas", {"openbaar": 1}))


def test_the_public_view_leaves_the_admin_and_the_api_alone(editor, programs):
    # The API knows no public view: the parameter is refused as unknown, not obeyed.
    refused = editor.get("/api/v1/programs", {"openbaar": 1})
    api = editor.get("/api/v1/programs").json()

    assert refused.status_code == 400
    assert [param["name"] for param in refused.json()["invalidParams"]] == ["openbaar"]
    assert "Nog niet vastgesteld" in [record["name"] for record in api["results"]]


@pytest.mark.parametrize("url", ["/", "/toezeggingen", "/programmas", "/toezeggingen/rappellijst"])
def test_filtering_in_the_public_view_keeps_the_public_view(editor, url):
    hidden = '<input type="hidden" name="openbaar" value="1">'
    public = editor.get(url, {"openbaar": 1}).content.decode()
    form = public.split('<form method="get"', 1)[1].split("</form>", 1)[0]
    assert hidden in form
    assert hidden not in editor.get(url).content.decode()

"""A filter on a related record takes the record's name, not only its kenmerk: typed by hand,
picked from the suggestions that appear while typing, or pasted from an address. The address
always ends up holding the kenmerk, so a shared link does not depend on a name that may change.
"""

import re

import pytest
from django.utils.html import escape

from programs.models import Organisation, PublicationStatus

from .factories import (
    ActionFactory,
    CommitmentFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    ProgramFactory,
    ProgramOrganisationFactory,
)
from .test_public_pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def few_listed(settings):
    """More than two records make a text field, so a handful of factories is 'many'."""
    settings.FILTER_CHOICES_LISTED_MAX = 2


@pytest.fixture
def partners(db):
    """Three organisations, each partner in its own program, and one in concept."""
    names = ["Brightlands Chemelot Campus", "Brightlands Smart Services Campus", "LIOF"]
    places = ["Geleen", "Venlo", "Maastricht"]
    found = {}
    for name, place in zip(names, places, strict=True):
        organisation = OrganisationFactory(name=name, place=place)
        ProgramOrganisationFactory(organisation=organisation, program=ProgramFactory())
        found[name] = organisation
    OrganisationFactory(name="Brightlands Concept", publication_status=PublicationStatus.CONCEPT)
    return found


def field_value(response, name):
    field = re.search(rf'<input type="text" name="{name}"[^>]*>', response.content.decode())
    return re.search(r'value="([^"]*)"', field.group()).group(1)


def test_a_typed_name_redirects_to_the_kenmerk_and_filters(client, partners):
    chemelot = partners["Brightlands Chemelot Campus"]
    response = client.get("/programmas", {"organisation": "brightlands chemelot  campus"})
    assert response.status_code == 302
    assert response["Location"] == f"/programmas?organisation={chemelot.slug}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = text_of(page)
    assert "Organisatie: Brightlands Chemelot Campus" in text
    assert chemelot.programs.get().name in text
    assert partners["LIOF"].programs.get().name not in text
    # The field shows the label the suggestions use, so the form can be sent again as it is.
    assert field_value(page, "organisation") == escape(str(chemelot))


def test_the_label_from_the_suggestions_is_taken_too(client, partners):
    chemelot = partners["Brightlands Chemelot Campus"]
    response = client.get("/programmas", {"organisation": str(chemelot), "kind": "programma"})
    assert response.status_code == 302
    assert response["Location"] == f"/programmas?organisation={chemelot.slug}&kind=programma"


def test_a_kenmerk_is_taken_as_it_was_without_a_redirect(client, partners):
    chemelot = partners["Brightlands Chemelot Campus"]
    assert client.get("/programmas", {"organisation": chemelot.slug}).status_code == 200


def test_a_shared_name_is_refused_with_the_kenmerk_of_each(client, partners):
    twin = OrganisationFactory(name="LIOF", place="Roermond")
    response = client.get("/programmas", {"organisation": "LIOF"})
    assert response.status_code == 400
    text = text_of(response)
    assert "Meer dan één organisatie heet zo" in text
    assert f"LIOF (Maastricht) (kenmerk {partners['LIOF'].slug})" in text
    assert f"LIOF (Roermond) (kenmerk {twin.slug})" in text
    # Their labels tell them apart, and so do the kenmerken.
    located = client.get("/programmas", {"organisation": "LIOF (Roermond)"})
    assert located["Location"] == f"/programmas?organisation={twin.slug}"


def test_an_unknown_name_offers_the_nearest(client, partners):
    response = client.get("/programmas", {"organisation": "Brightlands"})
    assert response.status_code == 400
    text = text_of(response)
    assert "Geen organisatie met de naam of het kenmerk 'Brightlands'. Bedoelt u:" in text
    assert "Brightlands Chemelot Campus (Geleen)" in text
    # Nothing a reader may not see, not even as a suggestion.
    assert "Brightlands Concept" not in text
    nothing = text_of(client.get("/programmas", {"organisation": "Zuyd"}))
    assert "Geen organisatie met de naam of het kenmerk 'Zuyd'." in nothing


def test_suggestions_hold_every_typed_word_names_that_start_with_it_first(client, partners):
    response = client.get("/programmas", {"suggest": "organisation", "q": "campus bright"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    labels = [record["label"] for record in response.json()]
    assert labels == [
        "Brightlands Chemelot Campus (Geleen)",
        "Brightlands Smart Services Campus (Venlo)",
    ]
    starting = client.get("/programmas", {"suggest": "organisation", "q": "li"}).json()
    assert starting[0]["label"] == "LIOF (Maastricht)"
    assert starting[0]["kenmerk"] == partners["LIOF"].slug


def test_suggestions_leave_out_concepts_for_the_public_not_for_staff(
    client, admin_client, partners
):
    query = {"suggest": "organisation", "q": "concept"}
    assert client.get("/programmas", query).json() == []
    assert [r["label"] for r in admin_client.get("/programmas", query).json()] == [
        "Brightlands Concept (Venlo)"
    ]


def test_suggestions_offer_only_what_the_pages_form_offers(client, partners):
    """The list of actions filters on owners of actions: only those are suggested."""
    ActionFactory(owner=partners["LIOF"])
    OrganisationFactory.create_batch(3, name="Eigenaar zonder actie")
    for number in range(3):
        ActionFactory(owner=OrganisationFactory(name=f"Eigenaar met actie {number}"))
    labels = [
        r["label"] for r in client.get("/acties", {"suggest": "owner", "q": "eigenaar"}).json()
    ]
    assert labels == [f"Eigenaar met actie {number} (Venlo)" for number in range(3)]


def test_suggestions_for_an_unknown_field_are_a_400(client, partners):
    assert client.get("/programmas", {"suggest": "status", "q": "lo"}).status_code == 400


def test_a_portfolio_holder_chosen_by_name_narrows_the_register(client, db):
    holder = PersonFactory(name="Hubert Mackus", role="gedeputeerde", party="CDA")
    others = PersonFactory.create_batch(3)
    CommitmentFactory(title="Toezegging van Mackus", made_by=holder)
    CommitmentFactory(title="Toezegging van een ander", made_by=others[0])
    query = {"portfolioHolder": "hubert mackus", "status": "openstaand"}
    response = client.get("/toezeggingen", query)
    assert response.status_code == 302
    assert response["Location"] == f"/toezeggingen?portfolioHolder={holder.slug}&status=openstaand"
    text = text_of(client.get(response["Location"]))
    assert "Toezegging van Mackus" in text
    assert "Toezegging van een ander" not in text


def test_a_meeting_chosen_by_its_label_makes_its_rappellijst(client, db):
    meetings = MeetingFactory.create_batch(3)
    response = client.get("/toezeggingen/rappellijst", {"vergadering": str(meetings[1])})
    assert response.status_code == 302
    assert response["Location"] == f"/toezeggingen/rappellijst?vergadering={meetings[1].slug}"
    text = text_of(client.get(response["Location"]))
    assert f"Rappellijst: {meetings[1]}" in text


def test_the_api_takes_only_the_kenmerk(api, partners):
    response = api.get("/api/v1/programs", {"organisation": "LIOF"})
    assert response.status_code == 400
    assert api.get("/api/v1/programs", {"organisation": partners["LIOF"].slug}).status_code == 200


def test_few_records_stay_a_select_of_names(client, partners, settings):
    settings.FILTER_CHOICES_LISTED_MAX = 100
    body = client.get("/programmas").content.decode()
    liof = Organisation.objects.get(name="LIOF")
    assert f'<option value="{liof.slug}">LIOF (Maastricht)</option>' in body


def test_the_organisations_are_searched_by_name_and_place_and_filtered_by_kind(client, partners):
    OrganisationFactory(name="Gemeente Venlo", kind=Organisation.Kind.GOVERNMENT, place="Venlo")
    found = text_of(client.get("/organisaties", {"search": "brightlands"}))
    assert "Brightlands Chemelot Campus" in found
    assert "Brightlands Smart Services Campus" in found
    assert "LIOF" not in found
    assert "Brightlands Concept" not in found
    in_venlo = text_of(client.get("/organisaties", {"search": "venlo", "kind": "overheid"}))
    assert "Gemeente Venlo" in in_venlo
    assert "Brightlands Smart Services Campus" not in in_venlo


def test_an_organisation_search_of_one_letter_says_why_it_is_refused(client, partners):
    response = client.get("/organisaties", {"search": "b"})
    assert response.status_code == 400
    assert "ten minste 2 tekens" in text_of(response)


@pytest.mark.parametrize("url", ["/", "/programmas", "/toezeggingen", "/toezeggingen/rappellijst"])
def test_a_form_that_suggests_loads_the_sites_own_script_once_and_deferred(client, url):
    OrganisationFactory.create_batch(3)
    PersonFactory.create_batch(3)
    MeetingFactory.create_batch(3)
    body = client.get(url).content.decode()
    assert re.findall(r"<script[^>]*>", body) == ['<script src="/static/js/suggest.js" defer>']
    assert "</script>" in body and not re.search(r"<script[^>]*>[^<]", body), "no inline script"


def test_a_form_without_suggestions_loads_no_script(client, settings):
    settings.FILTER_CHOICES_LISTED_MAX = 100
    OrganisationFactory.create_batch(3)
    assert "<script" not in client.get("/programmas").content.decode()

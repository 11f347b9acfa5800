"""The links of a commitment in the API (submitters, themes, programs, actions), read in the
page's own query: in the linked model's order, and only what the reader may see."""

import pytest

from programs.models import Action, PublicationStatus

from . import factories

CONCEPT = PublicationStatus.CONCEPT


@pytest.fixture
def commitment(db):
    commitment = factories.CommitmentFactory()
    commitment.submitters.set(
        [
            factories.PersonFactory(name="Zegers", party="CDA"),
            factories.PersonFactory(name="Aerts", party=""),
            factories.PersonFactory(name="Meulen", publication_status=CONCEPT),
        ]
    )
    commitment.themes.set(
        [
            factories.ThemeFactory(name="Zorgtechnologie"),
            factories.ThemeFactory(name="Chemie", publication_status=CONCEPT),
            factories.ThemeFactory(name="Automotive"),
        ]
    )
    commitment.programs.set(
        [factories.ProgramFactory(name="Zuid"), factories.ProgramFactory(name="Brightlands")]
    )
    for title, due in [("Zaaien", "2021"), ("Oogsten", "2019"), ("Wieden", "")]:
        factories.ActionFactory(title=title, due=due).commitments.add(commitment)
    return commitment


def links(body):
    return {
        "submitters": [(link["name"], link["party"]) for link in body["submitters"]],
        "themes": [link["name"] for link in body["themes"]],
        "programs": [link["name"] for link in body["programs"]],
        "actions": [link["title"] for link in body["actions"]],
    }


def get_list(client):
    response = client.get("/api/v1/commitments")
    assert response.status_code == 200, response.content
    (body,) = response.json()["results"]
    return body


def test_the_public_reads_the_published_links_in_their_models_order(api, commitment):
    body = get_list(api)

    assert links(body) == {
        "submitters": [("Aerts", ""), ("Zegers", "CDA")],
        "themes": ["Automotive", "Zorgtechnologie"],
        "programs": ["Brightlands", "Zuid"],
        # By due date, then title; where an unknown date sorts is the database's choice.
        "actions": list(Action.objects.values_list("title", flat=True)),
    }
    assert body["themes"][0].keys() == {"slug", "name"}
    assert body["submitters"][0].keys() == {"slug", "name", "party"}
    assert body["actions"][0].keys() == {"slug", "title"}


def test_staff_read_concept_links_too(staff_api, commitment):
    body = get_list(staff_api)

    assert links(body)["submitters"] == [("Aerts", ""), ("Meulen", ""), ("Zegers", "CDA")]
    assert links(body)["themes"] == ["Automotive", "Chemie", "Zorgtechnologie"]


def test_the_list_and_the_detail_show_the_same_links(api, commitment):
    detail = api.get(f"/api/v1/commitments/{commitment.public_id}").json()

    assert links(get_list(api)) == links(detail)


def test_a_commitment_without_links_has_empty_lists(api, db):
    factories.CommitmentFactory()

    assert links(get_list(api)) == {"submitters": [], "themes": [], "programs": [], "actions": []}

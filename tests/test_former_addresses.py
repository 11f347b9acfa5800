"""A record's address may change (its slug, its document's slug); its uuid never does. A
former address keeps working: pages answer 301 to the new one, the API a 301 (a write: 308)
problem naming it, for the records the reader may see."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from budgets.models import BudgetLine
from common.api import PROBLEM_JSON
from limburg_maak.models import ApiToken
from programs.models import Document, Program, PublicationStatus

from . import factories

API = "/api/v1"


@pytest.fixture
def publicist(django_user_model):
    account = django_user_model.objects.create_user("systeem", is_staff=True)
    account.groups.add(Group.objects.get(name="Publicist"))
    _token, key = ApiToken.issue("Systeem", account)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def renamed(record, slug):
    record.slug = slug
    record.save()
    return record


def test_patching_a_slug_renames_the_record_and_answers_it_at_its_new_address(db, publicist):
    factories.ThemeFactory(slug="oude-naam", name="Thema")
    detail = publicist.get(f"{API}/themes/oude-naam")

    response = publicist.patch(
        f"{API}/themes/oude-naam",
        {"slug": "nieuwe-naam"},
        format="json",
        HTTP_IF_MATCH=detail["ETag"],
        HTTP_CHANGE_REASON="Betere naam",
    )

    assert response.status_code == 200, response.content
    assert response.json()["slug"] == "nieuwe-naam"
    assert response.json()["uuid"] == detail.json()["uuid"]
    assert publicist.get(f"{API}/themes/nieuwe-naam").status_code == 200


def test_the_api_answers_a_former_slug_with_a_301_problem_naming_the_new_address(db, api):
    program = renamed(factories.ProgramFactory(slug="was-zo"), "is-nu-zo")

    response = api.get(f"{API}/programs/was-zo")

    assert response.status_code == 301
    assert response["Content-Type"] == PROBLEM_JSON
    assert response["Location"] == "http://testserver/api/v1/programs/is-nu-zo"
    assert "is-nu-zo" in response.json()["detail"]
    assert api.get(response["Location"]).json()["uuid"] == str(program.uuid)


def test_the_api_answers_a_records_uuid_with_its_address(db, api):
    program = factories.ProgramFactory(slug="met-uuid")
    commitment = factories.CommitmentFactory(number="4001")

    assert api.get(f"{API}/programs/{program.uuid}")["Location"].endswith("/programs/met-uuid")
    assert api.get(f"{API}/commitments/{commitment.uuid}")["Location"].endswith(
        "/commitments/toezegging-4001"
    )


def test_a_write_to_a_former_address_is_a_308_to_repeat_at_the_new_one(db, publicist):
    renamed(factories.ThemeFactory(slug="oud-thema"), "nieuw-thema")

    response = publicist.patch(f"{API}/themes/oud-thema", {"name": "X"}, format="json")

    assert response.status_code == 308
    assert response["Location"].endswith("/api/v1/themes/nieuw-thema")


def test_a_budget_line_keeps_its_address_from_before_its_document_was_renamed(db, api):
    document = factories.DocumentFactory(slug="nota-2015")
    line = factories.BudgetLineFactory(document=document, position=3)
    renamed(Document.objects.get(pk=document.pk), "nota-2015-herzien")

    response = api.get(f"{API}/budget-lines/nota-2015-3")

    assert response.status_code == 301
    assert response["Location"].endswith("/api/v1/budget-lines/nota-2015-herzien-3")
    assert BudgetLine.objects.get(pk=line.pk).public_id == "nota-2015-herzien-3"


def test_the_newest_holder_of_a_slug_wins_and_a_current_slug_is_never_redirected(db, api):
    first = renamed(factories.ThemeFactory(slug="gedeeld"), "eerste")
    second = renamed(factories.ThemeFactory(slug="gedeeld-2"), "gedeeld")
    renamed(second, "tweede")

    assert api.get(f"{API}/themes/gedeeld")["Location"].endswith("/themes/tweede")
    factories.ThemeFactory(slug="gedeeld")
    assert api.get(f"{API}/themes/gedeeld").status_code == 200
    assert first.slug == "eerste"


def test_a_former_address_of_a_record_now_in_concept_reveals_nothing(db, api, client):
    program = renamed(factories.ProgramFactory(slug="openbaar-was"), "geheime-nieuwe-naam")
    program.publication_status = PublicationStatus.CONCEPT
    program.save()

    response = api.get(f"{API}/programs/openbaar-was")
    page = client.get("/programmas/openbaar-was")

    assert response.status_code == 404
    assert b"geheime-nieuwe-naam" not in response.content
    assert page.status_code == 404


@pytest.mark.parametrize(
    "make, address",
    [
        (lambda: renamed(factories.ProgramFactory(slug="p-oud"), "p-nieuw"), "/programmas/p-oud"),
        (lambda: renamed(factories.ThemeFactory(slug="t-oud"), "t-nieuw"), "/themas/t-oud"),
        (lambda: renamed(factories.ActionFactory(slug="a-oud"), "a-nieuw"), "/acties/a-oud"),
        (
            lambda: renamed(factories.OrganisationFactory(slug="o-oud"), "o-nieuw"),
            "/organisaties/o-oud",
        ),
        (
            lambda: renamed(factories.DocumentFactory(slug="d-oud"), "d-nieuw"),
            "/documenten/d-oud",
        ),
    ],
)
def test_a_page_at_a_former_address_redirects_permanently_to_the_new_one(db, client, make, address):
    record = make()

    response = client.get(address)

    assert response.status_code == 301
    assert response["Location"] == record.get_absolute_url()


def test_a_commitment_page_answers_its_uuid_with_its_address(db, client):
    commitment = factories.CommitmentFactory(number="4002")

    response = client.get(f"/toezeggingen/{commitment.uuid}")

    assert response.status_code == 301
    assert response["Location"] == "/toezeggingen/toezegging-4002"


def test_finding_a_former_address_reads_the_history_with_one_query(
    db, django_assert_max_num_queries
):
    renamed(factories.ProgramFactory(slug="een"), "twee")

    with django_assert_max_num_queries(2):
        found = Program.objects.published().formerly_at("een")

    assert found.slug == "twee"

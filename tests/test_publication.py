"""Concept records are for editors: anonymous readers never see them, on pages or in the API."""

import re
from decimal import Decimal

import pytest

from budgets.models import BudgetLine, ContributionKind
from programs.models import Program, PublicationStatus

from .factories import (
    ActionFactory,
    BudgetLineFactory,
    CommitmentFactory,
    DocumentFactory,
    IndicatorFactory,
    OrganisationFactory,
    ProgramFactory,
    ProgramOrganisationFactory,
    SubsidyFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

CONCEPT = {"publication_status": PublicationStatus.CONCEPT}
MARKER = "GEHEIMCONCEPT"


@pytest.fixture
def concepts(memo):
    """Concept records of every kind, each hooked onto published memo records where it can be."""
    limburgmakers = Program.objects.get(slug="limburgmakers")
    theme = ThemeFactory(name=f"{MARKER} thema", slug="geheim-thema", **CONCEPT)
    limburgmakers.themes.add(theme)
    organisation = OrganisationFactory(name=f"{MARKER} bv", slug="geheim-bv", **CONCEPT)
    ProgramOrganisationFactory(program=limburgmakers, organisation=organisation)
    child = ProgramFactory(
        name=f"{MARKER} regeling", slug="geheim-regeling", parent=limburgmakers, **CONCEPT
    )
    BudgetLineFactory(
        document=memo,
        position=18,
        label=f"{MARKER} post",
        program=limburgmakers,
        amount=Decimal("999000000"),
        **CONCEPT,
    )
    BudgetLineFactory(document=memo, position=19, label=f"{MARKER} post van concept", program=child)
    document = DocumentFactory(title=f"{MARKER} notitie", slug="geheime-notitie", **CONCEPT)
    ProgramFactory(name="Gepubliceerd met geheime bron", slug="open-programma", source=document)
    SubsidyFactory(slug="geheime-subsidie", description=MARKER, instrument=limburgmakers, **CONCEPT)
    SubsidyFactory(slug="subsidie-aan-geheim", description="open", recipient=organisation)
    CommitmentFactory(number="9001", title=f"{MARKER} toezegging", **CONCEPT)
    ActionFactory(slug="geheime-actie", title=f"{MARKER} actie", **CONCEPT)
    IndicatorFactory(
        slug="geheim-kengetal", name=f"{MARKER} kengetal", program=limburgmakers, **CONCEPT
    )
    return limburgmakers


API_PATHS = [
    "/api/v1/documents",
    "/api/v1/documents/sterke-maakindustrie-2015",
    "/api/v1/documents/sterke-maakindustrie-2015/overview",
    "/api/v1/programs?pageSize=100",
    "/api/v1/programs/limburgmakers",
    "/api/v1/programs/open-programma",
    "/api/v1/budget-lines?pageSize=100",
    "/api/v1/subsidies",
    "/api/v1/commitments",
    "/api/v1/organisations?pageSize=100",
    "/api/v1/themes",
    "/api/v1/actions?pageSize=100",
    "/api/v1/indicators?pageSize=100",
]
PAGES = [
    "/",
    "/documenten/sterke-maakindustrie-2015",
    "/programmas",
    "/programmas/limburgmakers",
    "/programmas/open-programma",
    "/toezeggingen",
]

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.mark.parametrize("path", API_PATHS + PAGES)
def test_anonymous_readers_never_see_concept_data(client, concepts, path):
    response = client.get(path)
    assert response.status_code == 200
    assert MARKER not in response.content.decode()
    # Without the uuids, whose random hex digits may hold a 999 of their own.
    text = UUID.sub("", response.content.decode())
    assert "999" not in text.replace("9999", "")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/programs/geheim-regeling",
        "/api/v1/documents/geheime-notitie",
        "/api/v1/subsidies/geheime-subsidie",
        "/api/v1/subsidies/subsidie-aan-geheim",
        "/api/v1/commitments/toezegging-9001",
        "/api/v1/budget-lines/sterke-maakindustrie-2015-18",
        "/api/v1/budget-lines/sterke-maakindustrie-2015-19",
        "/programmas/geheim-regeling",
        "/documenten/geheime-notitie",
        "/organisaties/geheim-bv",
        "/toezeggingen/toezegging-9001",
    ],
)
def test_concept_records_are_not_found_by_anonymous_readers(client, concepts, path):
    assert client.get(path).status_code == 404


def test_anonymous_totals_ignore_concept_lines(api, concepts):
    totals = api.get("/api/v1/documents/sterke-maakindustrie-2015/overview").json()["totals"]
    assert totals["amount"] == "77570000.00"
    assert totals["label"] == "€ 77,57 mln + 6 × PM"


def test_filtering_on_a_concept_record_reveals_nothing(api, concepts):
    response = api.get("/api/v1/programs?theme=geheim-thema")
    assert response.status_code == 400
    assert MARKER not in response.content.decode()


def test_editors_see_concept_records(staff_api, admin_client, concepts):
    body = staff_api.get("/api/v1/programs/limburgmakers").content.decode()
    assert f"{MARKER} thema" in body
    assert f"{MARKER} bv" in body
    overview = staff_api.get("/api/v1/documents/sterke-maakindustrie-2015/overview").json()
    assert len(overview["rows"]) == 19
    assert overview["totals"]["amount"] == "1077570000.00"
    assert admin_client.get("/programmas/geheim-regeling").status_code == 200


def test_a_published_line_of_a_concept_program_stays_hidden(concepts):
    lines = BudgetLine.objects.published().filter(contribution_kind=ContributionKind.AMOUNT)
    assert not lines.filter(label__contains=MARKER).exists()

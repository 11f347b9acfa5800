"""Query counts of the read API: a list costs at most six queries, and as many for a page of
a hundred records as for a page of one; a detail at most eight. For anonymous readers and for
staff, who also read concepts.

Every record is made with its related records (themes, organisations with roles, submitters,
commitments on actions, sources), so each `select_related` and prefetch has work to do. The
related records the lists filter on are shared, so that each filter selects exactly the
records made. A page always has a next page (two records for a page of one, 101 for a page of
a hundred), so that the count of the list is part of the cost.
"""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.feeds import TYPES_BY_NAME
from budgets.models import ContributionKind, Funder
from programs.models import Commitment, Document, Organisation, Program, ProgramOrganisation

from . import factories

API = "/api/v1"
ROWS = 100
LIST_MAX_QUERIES = 6
DETAIL_MAX_QUERIES = 8


@dataclass
class Shared:
    """Related records that many records point at: what the lists filter on."""

    document: Document
    issuer: Organisation
    parent_organisation: Organisation
    organisation: Organisation
    parent_program: Program
    program: Program
    themes: list
    persons: list
    programs: list
    commitments: list


@pytest.fixture
def shared(db):
    themes = [factories.ThemeFactory(), factories.ThemeFactory()]
    organisation = factories.OrganisationFactory(kind=Organisation.Kind.KNOWLEDGE)
    program = factories.ProgramFactory(themes=themes)
    factories.ProgramOrganisationFactory(program=program, organisation=organisation)
    return Shared(
        document=factories.DocumentFactory(),
        issuer=factories.OrganisationFactory(kind=Organisation.Kind.GOVERNMENT),
        parent_organisation=factories.OrganisationFactory(kind=Organisation.Kind.GOVERNMENT),
        organisation=organisation,
        parent_program=factories.ProgramFactory(),
        program=program,
        themes=themes,
        persons=[factories.PersonFactory(), factories.PersonFactory()],
        programs=[factories.ProgramFactory(), factories.ProgramFactory()],
        commitments=[factories.CommitmentFactory(), factories.CommitmentFactory()],
    )


def make_document(shared):
    return factories.DocumentFactory(issuer=shared.issuer, kind=Document.Kind.POLICY_PAPER)


def make_program(shared):
    program = factories.ProgramFactory(
        kind=Program.Kind.SCHEME,
        parent=shared.parent_program,
        source=shared.document,
        themes=shared.themes,
    )
    for role in (ProgramOrganisation.Role.LEAD, ProgramOrganisation.Role.FUNDER):
        factories.ProgramOrganisationFactory(
            program=program, organisation=shared.organisation, role=role
        )
    return program


def make_budget_line(shared):
    # Alternate the kinds of contribution so that each label is rendered.
    line = factories.BudgetLineFactory(document=shared.document, program=shared.program)
    if line.position % 3 == 1:
        line.contribution_kind, line.amount = ContributionKind.PM, None
    elif line.position % 3 == 2:
        line.contribution_kind, line.amount, line.funder = (
            ContributionKind.EXTERNAL,
            None,
            Funder.EU,
        )
    line.save()
    return line


def make_subsidy(shared):
    return factories.SubsidyFactory(
        instrument=shared.program, recipient=shared.organisation, source=shared.document
    )


def make_commitment(shared):
    commitment = factories.CommitmentFactory(
        kind=Commitment.Kind.MOTION,
        vote_outcome=Commitment.VoteOutcome.ADOPTED,
        status=Commitment.Status.FULFILLED,
        made_by=shared.persons[0],
        fulfilled_by=shared.document,
        fulfilled_on="begin 2015",
        deadline="eind 2015",
        source=shared.document,
    )
    commitment.submitters.set(shared.persons)
    commitment.themes.set(shared.themes)
    commitment.programs.set(shared.programs)
    return commitment


def make_organisation(shared):
    organisation = factories.OrganisationFactory(
        kind=Organisation.Kind.COMPANY,
        parent=shared.parent_organisation,
        source=shared.document,
    )
    factories.ProgramOrganisationFactory(organisation=organisation, program=shared.program)
    return organisation


def make_theme(shared):
    return factories.ThemeFactory(description="Een thema van de maakindustrie.")


def make_action(shared):
    action = factories.ActionFactory(
        source=shared.document, program=shared.program, owner=shared.organisation
    )
    action.themes.set(shared.themes)
    action.commitments.set(shared.commitments)
    return action


def make_indicator(shared):
    indicator = factories.IndicatorFactory(source=shared.document, program=shared.program)
    indicator.themes.set(shared.themes)
    return indicator


@dataclass
class Resource:
    make: object
    # Lists that show exactly the records made: filters, search and orderings the API offers.
    lists: object
    public_id: object
    max_queries: int = LIST_MAX_QUERIES


RESOURCES = {
    "documents": Resource(
        make_document,
        lambda shared: [
            {"issuer": shared.issuer.slug},
            {"kind": Document.Kind.POLICY_PAPER, "ordering": "-issued"},
            {"issuer": shared.issuer.slug, "ordering": "title"},
        ],
        lambda record: record.slug,
    ),
    "programs": Resource(
        make_program,
        lambda shared: [
            {"kind": Program.Kind.SCHEME},
            {"parent": shared.parent_program.slug, "ordering": "-start"},
            {"kind": Program.Kind.SCHEME, "theme": shared.themes[0].slug, "ordering": "name"},
        ],
        lambda record: record.slug,
    ),
    "budget-lines": Resource(
        make_budget_line,
        lambda shared: [
            {"document": shared.document.slug},
            {"program": shared.program.slug, "ordering": "-amount"},
            {"theme": shared.themes[0].slug, "ordering": "position"},
        ],
        lambda record: record.public_id,
    ),
    "subsidies": Resource(
        make_subsidy,
        lambda shared: [
            {},
            {"recipient": shared.organisation.slug, "ordering": "-grantedAmount"},
            {"instrument": shared.program.slug, "status": "verleend", "ordering": "grantedOn"},
        ],
        lambda record: record.slug,
    ),
    "commitments": Resource(
        make_commitment,
        lambda shared: [
            {"kind": Commitment.Kind.MOTION},
            {"theme": shared.themes[0].slug, "ordering": "-deadline"},
            {
                "submitter": shared.persons[1].slug,
                "status": Commitment.Status.FULFILLED,
                "ordering": "number",
            },
        ],
        lambda record: record.public_id,
    ),
    "organisations": Resource(
        make_organisation,
        lambda shared: [
            {"kind": Organisation.Kind.COMPANY},
            {"parent": shared.parent_organisation.slug, "ordering": "-name"},
            {"kind": Organisation.Kind.COMPANY, "place": "Venlo", "ordering": "place"},
        ],
        lambda record: record.slug,
    ),
    "themes": Resource(
        make_theme,
        lambda shared: [
            {"search": "maakindustrie"},
            {"search": "maakindustrie", "ordering": "-name"},
        ],
        lambda record: record.slug,
    ),
    "actions": Resource(
        make_action,
        lambda shared: [
            {},
            {"theme": shared.themes[0].slug, "ordering": "-due"},
            {"program": shared.program.slug, "status": "aangekondigd", "ordering": "title"},
        ],
        lambda record: record.slug,
    ),
    "indicators": Resource(
        make_indicator,
        lambda shared: [
            {},
            {"theme": shared.themes[0].slug, "ordering": "-value"},
            {"program": shared.program.slug, "unit": "vestigingen", "ordering": "name"},
        ],
        lambda record: record.slug,
    ),
}


@pytest.fixture(params=["anonymous", "staff"])
def reader(request, api, staff_api):
    return {"anonymous": api, "staff": staff_api}[request.param]


def get_page(client, endpoint, query, size):
    response = client.get(f"{API}/{endpoint}", {**query, "pageSize": size})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("endpoint", RESOURCES)
def test_a_list_costs_at_most_six_queries_and_as_many_for_a_hundred_rows_as_for_one(
    shared, reader, endpoint, django_assert_num_queries
):
    resource = RESOURCES[endpoint]
    lists = resource.lists(shared)
    for _ in range(2):
        resource.make(shared)
    one_row = []
    for query in lists:
        with CaptureQueriesContext(connection) as captured:
            body = get_page(reader, endpoint, query, size=1)
        assert (body["count"], body["countIsExact"], len(body["results"])) == (2, True, 1)
        assert body["next"] is not None
        assert len(captured) <= resource.max_queries, (query, [q["sql"] for q in captured])
        one_row.append(len(captured))
    for _ in range(ROWS - 1):
        resource.make(shared)

    for query, queries in zip(lists, one_row, strict=True):
        with django_assert_num_queries(queries):
            body = get_page(reader, endpoint, query, size=ROWS)
        assert (body["count"], body["countIsExact"], len(body["results"])) == (
            ROWS + 1,
            True,
            ROWS,
        )


@pytest.mark.parametrize("endpoint", RESOURCES)
def test_a_detail_costs_at_most_eight_queries(
    shared, reader, endpoint, django_assert_max_num_queries
):
    resource = RESOURCES[endpoint]
    record = resource.make(shared)

    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        response = reader.get(f"{API}/{endpoint}/{resource.public_id(record)}")

    assert response.status_code == 200


def count_queries(request):
    """The queries `request()` runs, streamed content included, and its response."""
    with CaptureQueriesContext(connection) as captured:
        response = request()
        assert response.status_code == 200, response.content
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured), response


def assert_same_small_cost(request, make_more, max_queries=LIST_MAX_QUERIES):
    """`request()` costs at most `max_queries`, and no more after `make_more()`."""
    few, _response = count_queries(request)
    assert few <= max_queries
    make_more()
    many, response = count_queries(request)
    assert many == few
    return response


@pytest.mark.parametrize(
    "query", [{}, {"contributionKind": "pm"}, {"theme": "thema", "programStatus": "lopend"}]
)
def test_budget_line_totals_cost_the_same_few_queries_for_a_hundred_lines(shared, reader, query):
    make_budget_line(shared)
    query = {
        key: shared.themes[0].slug if value == "thema" else value for key, value in query.items()
    }

    assert_same_small_cost(
        lambda: reader.get(f"{API}/budget-lines/totals", query),
        lambda: [make_budget_line(shared) for _ in range(ROWS)],
    )


def test_the_overview_costs_at_most_eight_queries_and_as_many_for_a_hundred_lines(shared, reader):
    make_budget_line(shared)
    url = f"{API}/documents/{shared.document.slug}/overview"
    few, _response = count_queries(lambda: reader.get(url))
    for _ in range(ROWS - 1):
        make_budget_line(shared)

    many, response = count_queries(lambda: reader.get(url))

    assert many == few <= DETAIL_MAX_QUERIES
    assert len(response.json()["rows"]) == ROWS


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_360giving_package_costs_the_same_few_queries_for_a_hundred_grants(shared, reader, fmt):
    make_subsidy(shared)

    assert_same_small_cost(
        lambda: reader.get(f"{API}/subsidies/360giving", {"format": fmt}),
        lambda: [make_subsidy(shared) for _ in range(ROWS)],
    )


def test_the_fiscal_data_package_costs_the_same_few_queries_for_a_hundred_lines(shared, reader):
    make_budget_line(shared)

    assert_same_small_cost(
        lambda: reader.get(f"{API}/budget-lines/datapackage.csv"),
        lambda: [make_budget_line(shared) for _ in range(ROWS)],
    )


@pytest.mark.parametrize("endpoint", RESOURCES)
def test_a_csv_list_costs_the_same_few_queries_for_a_hundred_rows(shared, reader, endpoint):
    resource = RESOURCES[endpoint]
    resource.make(shared)
    query = {**resource.lists(shared)[-1], "format": "csv"}

    assert_same_small_cost(
        lambda: reader.get(f"{API}/{endpoint}", query),
        lambda: [resource.make(shared) for _ in range(ROWS)],
        resource.max_queries,
    )


def test_the_changes_cost_at_most_six_queries_and_as_many_for_a_hundred_changes_as_for_one(
    shared, reader
):
    # A change of every type, so that every record type's history has rows to read.
    for resource in RESOURCES.values():
        resource.make(shared)
    theme = make_theme(shared)
    url = f"{API}/changes"
    few, response = count_queries(lambda: reader.get(url, {"pageSize": 1}))
    assert len(response.json()["results"]) == 1
    for _ in range(ROWS):
        theme.description = f"Bijgewerkt: {theme.version}."
        theme.save()

    many, response = count_queries(lambda: reader.get(url, {"pageSize": ROWS}))

    assert many == few <= LIST_MAX_QUERIES
    body = response.json()
    assert len(body["results"]) == ROWS
    assert body["next"] is not None
    assert {entry["type"] for entry in body["results"]} == set(TYPES_BY_NAME)

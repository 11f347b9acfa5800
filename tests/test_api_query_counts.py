"""Query counts of the read API: a page of 50 records costs no more queries than a page of 1.

Every record is made with its related records (themes, organisations with roles, submitters,
commitments on actions, sources), so each `select_related` and prefetch has work to do.
Programs and organisations point at parents of their own kind; the list is filtered on a
kind the parents do not have, so that exactly the records made appear on the page.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import ContributionKind, Funder
from programs.models import Commitment, Organisation, Program, ProgramOrganisation

from . import factories

API = "/api/v1"
PAGE = 50
DETAIL_MAX_QUERIES = 8


def make_document():
    return factories.DocumentFactory(issuer=factories.OrganisationFactory())


def make_program():
    program = factories.ProgramFactory(
        kind=Program.Kind.SCHEME,
        parent=factories.ProgramFactory(kind=Program.Kind.PROGRAM),
        themes=[factories.ThemeFactory(), factories.ThemeFactory()],
    )
    for role in (ProgramOrganisation.Role.LEAD, ProgramOrganisation.Role.FUNDER):
        factories.ProgramOrganisationFactory(program=program, role=role)
    return program


def make_budget_line():
    # Alternate the kinds of contribution so that each label is rendered.
    line = factories.BudgetLineFactory()
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


def make_subsidy():
    return factories.SubsidyFactory(source=factories.DocumentFactory())


def make_commitment():
    commitment = factories.CommitmentFactory(
        kind=Commitment.Kind.MOTION,
        vote_outcome=Commitment.VoteOutcome.ADOPTED,
        status=Commitment.Status.FULFILLED,
        made_by=factories.PersonFactory(),
        fulfilled_by=factories.DocumentFactory(),
        fulfilled_on="begin 2015",
        deadline="eind 2015",
        source=factories.DocumentFactory(),
    )
    commitment.submitters.set([factories.PersonFactory(), factories.PersonFactory()])
    commitment.themes.set([factories.ThemeFactory(), factories.ThemeFactory()])
    commitment.programs.set([factories.ProgramFactory(), factories.ProgramFactory()])
    return commitment


def make_organisation():
    organisation = factories.OrganisationFactory(
        kind=Organisation.Kind.COMPANY,
        parent=factories.OrganisationFactory(kind=Organisation.Kind.GOVERNMENT),
        source=factories.DocumentFactory(),
    )
    factories.ProgramOrganisationFactory(organisation=organisation)
    return organisation


def make_theme():
    return factories.ThemeFactory(description="Een thema van de maakindustrie.")


def make_action():
    action = factories.ActionFactory(source=factories.DocumentFactory())
    action.themes.set([factories.ThemeFactory(), factories.ThemeFactory()])
    action.commitments.set([factories.CommitmentFactory(), factories.CommitmentFactory()])
    return action


def make_indicator():
    indicator = factories.IndicatorFactory(source=factories.DocumentFactory())
    indicator.themes.set([factories.ThemeFactory(), factories.ThemeFactory()])
    return indicator


# endpoint: (make one record, list filter that shows exactly the records made, detail id)
RESOURCES = {
    "documents": (make_document, {}, lambda record: record.slug),
    "programs": (make_program, {"kind": Program.Kind.SCHEME}, lambda record: record.slug),
    "budget-lines": (make_budget_line, {}, lambda record: record.public_id),
    "subsidies": (make_subsidy, {}, lambda record: record.slug),
    "commitments": (make_commitment, {}, lambda record: record.public_id),
    "organisations": (
        make_organisation,
        {"kind": Organisation.Kind.COMPANY},
        lambda record: record.slug,
    ),
    "themes": (make_theme, {}, lambda record: record.slug),
    "actions": (make_action, {}, lambda record: record.slug),
    "indicators": (make_indicator, {}, lambda record: record.slug),
}


@pytest.fixture(params=["anonymous", "staff"])
def reader(request, api, staff_api):
    return {"anonymous": api, "staff": staff_api}[request.param]


def get_page(client, endpoint, filters):
    response = client.get(f"{API}/{endpoint}", {**filters, "pageSize": PAGE})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("endpoint", RESOURCES)
def test_a_page_of_fifty_costs_no_more_queries_than_a_page_of_one(
    db, reader, endpoint, django_assert_max_num_queries
):
    make, filters, _public_id = RESOURCES[endpoint]
    make()
    with CaptureQueriesContext(connection) as one_row:
        body = get_page(reader, endpoint, filters)
    assert body["count"] == 1
    for _ in range(PAGE - 1):
        make()

    with django_assert_max_num_queries(len(one_row.captured_queries)):
        body = get_page(reader, endpoint, filters)

    assert body["count"] == PAGE
    assert len(body["results"]) == PAGE


@pytest.mark.parametrize("endpoint", RESOURCES)
def test_a_detail_costs_at_most_eight_queries(db, reader, endpoint, django_assert_max_num_queries):
    make, _filters, public_id = RESOURCES[endpoint]
    record = make()

    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        response = reader.get(f"{API}/{endpoint}/{public_id(record)}")

    assert response.status_code == 200


def test_the_overview_costs_at_most_eight_queries(db, reader, django_assert_max_num_queries):
    document = factories.DocumentFactory()
    for _ in range(PAGE):
        factories.BudgetLineFactory(document=document)

    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        response = reader.get(f"{API}/documents/{document.slug}/overview")

    assert response.status_code == 200
    assert len(response.json()["rows"]) == PAGE

"""The main list queries read their first page from an index, not by sorting the whole table;
the filters, the budget totals and a program's subsidies find their rows through an index too.

PostgreSQL only: the plans are PostgreSQL's. Each test builds its query the way the view does
(the viewset's `get_queryset` and `filter_queryset`, or the register's QuerySet methods), takes
the first page and asks `EXPLAIN (FORMAT JSON)` for its plan.

How the plans are made meaningful on a test database:

- The synthetic data set is loaded at scale 0.01 (a few thousand rows, every model) and
  analysed, so the planner has real statistics rather than those of empty tables.
- `SET LOCAL enable_sort = off` (for this transaction only): at a few thousand rows reading and
  sorting a table is cheap enough that the planner may choose it, while at scale 1 it is what
  the indexes are there to avoid. With sorting priced out, a plan without a Sort node that reads
  the named index shows that the index delivers the order by itself; without the index the
  planner has no other way and the plan sorts, so the test fails. (An incremental sort, within
  groups already in order, is allowed: it sorts a few rows per group, never the table.)
- The filter test turns sorting back on and `enable_seqscan` off instead: a filter's index must
  be usable to find the matching rows, whatever their order.
"""

import json
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from budgets.views import BudgetLineViewSet, SubsidyViewSet
from common.api import Pagination, in_total_order
from programs.filters import CommitmentFilter
from programs.views import (
    CommitmentViewSet,
    DocumentViewSet,
    OrganisationViewSet,
    ProgramViewSet,
    commitments_for,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="query plans are PostgreSQL's (EXPLAIN JSON)"
    ),
]


@pytest.fixture
def scale_data(db):
    call_command("generate_scale_data", scale=0.01, seed=1, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")


def api_list(viewset, **query):
    """The queryset a viewset's list answers an anonymous `GET ?query` with."""
    view = viewset(action="list", action_map={"get": "list"}, format_kwarg=None, args=(), kwargs={})
    request = APIRequestFactory().get("/", query)
    request.user = AnonymousUser()
    view.request = view.initialize_request(request)
    return view.filter_queryset(view.get_queryset())


def plan_nodes(queryset):
    """The nodes of the first page's plan, without those of subplans: a related list built
    per row in a correlated subquery (the commitments' themes, say) sorts its few rows, never
    the table."""
    page = in_total_order(queryset)[: Pagination.page_size]
    return nodes_of(json.loads(page.explain(format="json"))[0]["Plan"], subplans=False)


def nodes_of(plan, subplans=True):
    """The nodes of `plan`, with or without those of its subplans."""
    nodes, todo = [], [plan]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo.extend(
            child
            for child in node.get("Plans", [])
            if subplans or child["Parent Relationship"] != "SubPlan"
        )
    return nodes


def index_names(nodes):
    return {node["Index Name"] for node in nodes if "Index Name" in node}


def index_columns(name):
    """(the columns index `name` holds, its key and `include` alike; its condition or None)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attribute.attname, pg_get_expr(indpred, indrelid) FROM pg_index "
            "JOIN pg_class ON pg_class.oid = indexrelid "
            "JOIN pg_attribute attribute ON attribute.attrelid = indrelid "
            "AND attribute.attnum = ANY(indkey) WHERE pg_class.relname = %s",
            [name],
        )
        found = cursor.fetchall()
    return {column for column, _condition in found}, found[0][1] if found else None


def explained_nodes(sql):
    """Every node of the plan of a captured statement, subplans included."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        raw = cursor.fetchone()[0]
    return nodes_of((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"])


def assert_first_page_from_index(queryset, index):
    """The plan reads `index` and sorts nothing whole. An incremental sort (rows already in
    order by the leading keys, sorted within each group of equal ones) is allowed: the annex
    order is the document's order, then the row's position in it."""
    nodes = plan_nodes(queryset)
    assert index in index_names(nodes)
    assert not [node for node in nodes if node["Node Type"] == "Sort"], "the plan sorts"


@pytest.mark.parametrize(
    ("viewset", "query", "index"),
    [
        (OrganisationViewSet, {}, "organisation_name"),
        (OrganisationViewSet, {"ordering": "place"}, "organisation_place_name"),
        (OrganisationViewSet, {"place": "Maastricht"}, "organisation_place_name"),
        (ProgramViewSet, {}, "program_name"),
        (ProgramViewSet, {"ordering": "start"}, "program_start"),
        (ProgramViewSet, {"ordering": "-end"}, "program_end"),
        (DocumentViewSet, {}, "document_date_title"),
        (DocumentViewSet, {"ordering": "title"}, "document_title"),
        (DocumentViewSet, {"ordering": "-issued"}, "document_date_title"),
        (CommitmentViewSet, {}, "commitment_kind_number"),
        (CommitmentViewSet, {"ordering": "number"}, "commitment_number_length"),
        (CommitmentViewSet, {"ordering": "-number"}, "commitment_number_length"),
        (CommitmentViewSet, {"ordering": "deadline"}, "commitment_deadline_id"),
        (CommitmentViewSet, {"ordering": "-deadline"}, "commitment_deadline_id"),
        (CommitmentViewSet, {"ordering": "madeOn"}, "commitment_made_on"),
        (BudgetLineViewSet, {}, "document_date_title"),
        (BudgetLineViewSet, {"ordering": "position"}, "budgetline_position"),
        (BudgetLineViewSet, {"ordering": "amount"}, "budgetline_amount"),
        (BudgetLineViewSet, {"ordering": "-amount"}, "budgetline_amount_desc"),
        (BudgetLineViewSet, {"ordering": "-description"}, "budgetline_label"),
        (SubsidyViewSet, {}, "subsidy_granted_on_slug"),
        (SubsidyViewSet, {"ordering": "grantedOn"}, "subsidy_granted_on_slug"),
        (SubsidyViewSet, {"ordering": "-grantedAmount"}, "subsidy_granted_amount_desc"),
        (SubsidyViewSet, {"ordering": "projectVolume"}, "subsidy_project_volume"),
    ],
)
def test_an_api_list_reads_its_first_page_in_order_from_an_index(scale_data, viewset, query, index):
    assert_first_page_from_index(api_list(viewset, **query), index)


def test_the_commitments_by_deadline_read_their_first_page_from_an_index(scale_data):
    # As the pages of a program, a theme and an action list them: soonest deadline first.
    register = CommitmentFilter({}, queryset=commitments_for(AnonymousUser())).qs.by_deadline()
    assert_first_page_from_index(register, "commitment_deadline")


def test_the_deadline_and_made_on_filters_use_their_indexes(scale_data):
    # A range filter: sorting a few matches is fine here, reading the whole table is not.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = on")
        cursor.execute("SET LOCAL enable_seqscan = off")
    due = api_list(CommitmentViewSet, dueBefore="2017-01-01")
    made = api_list(CommitmentViewSet, madeFrom="2025-01-01", madeUntil="2025-03-31")
    # Either index that leads with the deadline serves the range.
    assert {"commitment_deadline", "commitment_deadline_id"} & index_names(plan_nodes(due))
    assert "commitment_made_on" in index_names(plan_nodes(made))


def test_the_date_of_the_latest_public_change_reads_the_feeds_key_backwards(scale_data):
    from programs.changes import latest_change_at

    with CaptureQueriesContext(connection) as captured:
        latest_change_at()
    [query] = captured.captured_queries
    nodes = explained_nodes(query["sql"])

    backwards = [node for node in nodes if node.get("Scan Direction") == "Backward"]
    assert [node["Index Name"] for node in backwards] == ["programs_publicchange_pkey"]
    assert not [node for node in nodes if node["Node Type"] in ("Aggregate", "Sort", "Seq Scan")]


def test_the_budget_totals_read_only_columns_their_covering_index_holds(scale_data):
    """`budgetline_totals` holds every column of a budget line that the totals read, so that
    PostgreSQL can sum them from the index alone (an index-only scan), as it does at scale 1.
    Which plan it picks for a few thousand lines depends on how many pages VACUUM has marked
    all-visible; what the index must hold does not."""
    from budgets.models import BudgetLine

    lines = BudgetLine.objects.visible_to(AnonymousUser())
    with CaptureQueriesContext(connection) as captured:
        lines.totals()
        for field in ("document", "program", "program__themes", "funder"):
            lines.totals_by(field)
    held, _condition = index_columns("budgetline_totals")
    assert len(captured.captured_queries) == 5
    for query in captured.captured_queries:
        read = set(re.findall(r'"budgets_budgetline"\."(\w+)"', query["sql"]))
        assert read and read <= held, read - held


def test_a_programs_page_finds_its_subsidies_through_the_instrument_index(scale_data, client):
    from budgets.models import Subsidy

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = on")
        cursor.execute("SET LOCAL enable_seqscan = off")
    program = Subsidy.objects.published().select_related("instrument").first().instrument
    with CaptureQueriesContext(connection) as captured:
        assert client.get(program.get_absolute_url()).status_code == 200
    [query] = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "budgets_subsidy"')
    ]
    nodes = explained_nodes(query)
    subsidies = [node["Index Name"] for node in nodes if "subsidy" in node.get("Index Name", "")]
    assert subsidies and all("instrument_id" in name for name in subsidies), subsidies


def test_the_kept_totals_of_a_period_read_only_columns_their_covering_index_holds(scale_data):
    """A period filter sums the kept rows per period by program and by funder: at scale 1,
    87.000 rows of 258.000 for 2018-2020, which PostgreSQL reads from `budgettotal_period_rows`
    alone (an index-only scan: 52 -> 32 ms by program, 33 -> 22 ms by funder). As for the
    lines' totals, the plan at a few thousand rows depends on VACUUM; what the index must hold
    does not: every column the sums read, but `by_period`, its condition."""
    from budgets.models import BudgetTotal

    kept = BudgetTotal.objects.visible_to(AnonymousUser()).in_period(2018, 2020)
    with CaptureQueriesContext(connection) as captured:
        kept.grouped("program")
        kept.grouped("funder")
    held, condition = index_columns("budgettotal_period_rows")
    assert condition == "by_period"
    assert len(captured.captured_queries) == 2
    for query in captured.captured_queries:
        read = set(re.findall(r'"budgets_budgettotal"\."(\w+)"', query["sql"])) - {"by_period"}
        assert read and read <= held, read - held

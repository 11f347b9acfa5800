"""API lists page without counting the whole list: `count` is exact up to
`Pagination.exact_count_limit` and estimated beyond it (`countIsExact`), `next` comes from one
record read past the page, and a page past the end is a 404 problem."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.api import PROBLEM_JSON, Pagination

from . import factories

THEMES = "/api/v1/themes"


@pytest.fixture
def themes(db):
    return factories.ThemeFactory.create_batch(12)


def get(api, query):
    with CaptureQueriesContext(connection) as captured:
        response = api.get(THEMES, query)
    assert response.status_code == 200
    counts = [entry["sql"] for entry in captured if "COUNT(" in entry["sql"].upper()]
    return response.json(), counts


def query_of(url):
    """`http://testserver/api/v1/themes?pageSize=5&page=2` -> {"pageSize": "5", "page": "2"}."""
    parts = urlsplit(url)
    assert parts.path == THEMES
    return {key: value for key, [value] in parse_qs(parts.query).items()}


def test_a_page_that_holds_the_end_of_the_list_is_counted_without_a_count_query(themes, api):
    body, counts = get(api, {"pageSize": 20})

    assert (body["count"], body["countIsExact"], len(body["results"])) == (12, True, 12)
    assert body["next"] is None
    assert counts == []


def test_the_last_page_knows_the_exact_count_without_a_count_query(themes, api):
    body, counts = get(api, {"pageSize": 5, "page": 3})

    assert (body["count"], body["countIsExact"], len(body["results"])) == (12, True, 2)
    assert body["next"] is None
    assert query_of(body["previous"]) == {"pageSize": "5", "page": "2"}
    assert counts == []


def test_a_page_with_more_after_it_counts_at_most_the_limit_and_one(themes, api):
    body, counts = get(api, {"pageSize": 5})

    assert (body["count"], body["countIsExact"], len(body["results"])) == (12, True, 5)
    assert query_of(body["next"]) == {"pageSize": "5", "page": "2"}
    assert body["previous"] is None
    [count] = counts
    assert f"LIMIT {Pagination.exact_count_limit + 1}" in count


def test_the_second_page_links_back_to_the_first_without_a_page_number(themes, api):
    body, _counts = get(api, {"pageSize": 5, "page": 2})

    assert query_of(body["previous"]) == {"pageSize": "5"}
    assert query_of(body["next"]) == {"pageSize": "5", "page": "3"}


def test_a_list_longer_than_the_limit_has_a_count_that_is_not_exact(themes, api, monkeypatch):
    monkeypatch.setattr(Pagination, "exact_count_limit", 5)

    body, counts = get(api, {"pageSize": 2})

    assert body["countIsExact"] is False
    # PostgreSQL's estimate, or elsewhere the bound; never less than the records known.
    assert body["count"] >= 6
    assert len(counts) == 1
    assert query_of(body["next"]) == {"pageSize": "2", "page": "2"}


def test_a_page_beyond_the_limit_runs_no_count(themes, api, monkeypatch):
    monkeypatch.setattr(Pagination, "exact_count_limit", 5)

    body, counts = get(api, {"pageSize": 2, "page": 4})

    assert counts == []
    assert body["countIsExact"] is False
    assert body["count"] >= 9
    assert [theme["slug"] for theme in body["results"]] == [
        theme["slug"] for theme in get(api, {"pageSize": 12})[0]["results"][6:8]
    ]


def test_an_empty_list_has_one_empty_page(db, api):
    body, _counts = get(api, {})

    assert (body["count"], body["countIsExact"], body["results"]) == (0, True, [])
    assert api.get(THEMES, {"page": 2}).status_code == 404


def test_a_page_past_the_end_is_a_not_found_problem(themes, api):
    response = api.get(THEMES, {"pageSize": 5, "page": 4})

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_JSON
    assert response.json()["detail"] == "Ongeldige pagina."


def test_the_openapi_document_says_whether_the_count_is_exact(db, api):
    document = api.get("/api/v1/openapi.json").json()
    page = document["components"]["schemas"]["PaginatedThemeList"]

    assert page["properties"]["countIsExact"]["type"] == "boolean"
    assert {"count", "countIsExact", "next", "previous", "results"} <= set(page["required"])


def test_the_browsable_api_steps_to_the_next_page(themes, client):
    response = client.get(THEMES, {"pageSize": 5, "page": 2, "format": "api"})

    assert response.status_code == 200
    pagination = response.text[response.text.index('<ul class="pagination">') :]
    links = re.findall(r'href="([^"]+)" aria-label="(Previous|Next)"', pagination)
    assert {label: query_of(html.unescape(url)) for url, label in links} == {
        "Previous": {"format": "api", "pageSize": "5"},
        "Next": {"format": "api", "pageSize": "5", "page": "3"},
    }


def paged_and_whole(api, ordering):
    """The commitments' ids in `ordering`, read three pages of ten at a time, and in one page."""
    listed = []
    for page in (1, 2, 3):
        query = {"ordering": ordering, "pageSize": 10, "page": page}
        listed += [
            record["id"] for record in api.get("/api/v1/commitments", query).json()["results"]
        ]
    whole = api.get("/api/v1/commitments", {"ordering": ordering, "pageSize": 100}).json()
    return listed, [record["id"] for record in whole["results"]]


@pytest.mark.parametrize("ordering", ["number", "-deadline", "madeOn"])
def test_pages_past_the_first_hold_the_lists_records_in_order_each_once(api, db, ordering):
    # Past the first page the keys are picked first; the pages must still tile the list.
    for number in range(25):
        factories.CommitmentFactory(
            number=f"{number:03}",
            deadline=f"{1990 + number}",
            made_on=f"{1980 + (number * 7) % 25}",
        )
    listed, whole = paged_and_whole(api, ordering)

    assert listed == whole
    assert len(set(listed)) == 25


def test_a_deep_page_skips_earlier_records_by_their_keys_alone(api, db):
    factories.CommitmentFactory.create_batch(12)
    with CaptureQueriesContext(connection) as captured:
        api.get("/api/v1/commitments", {"pageSize": 5, "page": 2})

    page_query = next(entry["sql"] for entry in captured if "OFFSET" in entry["sql"].upper())
    # The related lists are built for the page's records only, not for every skipped one.
    # The order may call functions (LENGTH of a commitment's number), so parentheses may nest.
    assert re.search(r'IN \(SELECT \w+\."id"( AS "pk")? FROM .* OFFSET \d+\)', page_query)


def counting_queries(api, **query):
    """The SQL of the count and the estimate that a commitments page with more after it runs."""
    factories.CommitmentFactory.create_batch(3)
    with CaptureQueriesContext(connection) as captured:
        response = api.get("/api/v1/commitments", {"pageSize": 1, **query})
    assert response.status_code == 200
    counting = ("SELECT COUNT", "EXPLAIN")
    return [entry["sql"] for entry in captured if entry["sql"].upper().startswith(counting)]


def test_a_list_is_counted_by_its_keys_alone(api, db):
    """The commitments' computed flags make no more rows: counting them took half the time."""
    [count] = counting_queries(api)

    assert 'SELECT "programs_commitment"."id" AS "pk" FROM' in count
    assert "is_overdue" not in count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL estimates")
def test_a_list_is_estimated_by_its_keys_alone(api, db, monkeypatch):
    """Planning the flags and the link lists was most of the estimate's time."""
    monkeypatch.setattr(Pagination, "exact_count_limit", 1)

    [estimate] = counting_queries(api)

    assert estimate.startswith('EXPLAIN (FORMAT json) SELECT "programs_commitment"."id" AS "pk"')
    assert "is_overdue" not in estimate


@pytest.mark.parametrize("ordering", ["deadline", "-deadline", "-madeOn", "number"])
def test_records_that_sort_alike_are_each_listed_once_across_pages(api, db, ordering):
    """Twenty-five commitments with one deadline and one date: only their key orders them."""
    for index in range(25):
        factories.CommitmentFactory(
            kind="motie" if index % 2 else "toezegging",
            number=str(100 + index // 2),
            deadline="2020",
            made_on="2019",
        )
    listed, whole = paged_and_whole(api, ordering)

    assert listed == whole
    assert len(set(listed)) == 25


def order_by_of(api, url, query):
    """The ORDER BY of the page query (the one that reads the records' own columns)."""
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url, query).status_code == 200
    [page] = [entry["sql"] for entry in captured if "COUNT(" not in entry["sql"].upper()][:1]
    return page.rsplit("ORDER BY", 1)[1].split("LIMIT")[0].strip()


@pytest.mark.parametrize(
    ("url", "query", "last_keys"),
    [
        (
            "/api/v1/budget-lines",
            {"ordering": "-amount"},
            ('"amount" DESC NULLS LAST', '"id" DESC'),
        ),
        ("/api/v1/budget-lines", {"ordering": "description"}, ('"label" ASC', '"id" ASC')),
        (
            "/api/v1/subsidies",
            {"ordering": "projectVolume"},
            ('"project_volume" ASC NULLS LAST', '"id" ASC'),
        ),
        ("/api/v1/commitments", {"ordering": "-deadline"}, ('"deadline_date" DESC', '"id" DESC')),
        ("/api/v1/organisations", {"ordering": "place"}, ('"place" ASC', '"id" ASC')),
        ("/api/v1/organisations", {}, ('"name" ASC', '"id" ASC')),
        ("/api/v1/programs", {}, ('"name" ASC', '"id" ASC')),
        ("/api/v1/documents", {}, ('"title" ASC', '"id" ASC')),
    ],
)
def test_every_list_order_ends_with_the_records_key(api, db, url, query, last_keys):
    """Without the key, records that sort alike (a thousand PM lines without an amount) have no
    order of their own: PostgreSQL may list them differently for each page, so that paging
    repeats some and never shows others."""
    factories.BudgetLineFactory.create_batch(2)
    factories.SubsidyFactory.create_batch(2)
    factories.CommitmentFactory.create_batch(2)
    factories.ProgramFactory.create_batch(2)

    keys = [key.strip().rsplit(".", 1)[-1] for key in order_by_of(api, url, query).split(",")]

    assert tuple(keys[-2:]) == last_keys

"""Every API list as CSV: the same records, filters, order and visibility as the JSON list,
flattened into readable columns, formulas neutralised, the whole list at a constant cost."""

import csv
import io

import pytest

from common.api import PROBLEM_JSON
from programs.models import Program, PublicationStatus

from . import factories
from .test_api_resources import LIST_ENDPOINTS

API = "/api/v1"
MEMO = "sterke-maakindustrie-2015"
MARKER = "LEKMARKER"


def read_csv(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def get_csv(client, endpoint, params=None):
    return read_csv(client.get(f"{API}/{endpoint}", {**(params or {}), "format": "csv"}))


def json_value(record, path):
    """What a CSV column holds, read from the JSON record by its dotted path."""
    value = record
    keys = path.split(".")
    for index, key in enumerate(keys):
        if isinstance(value, list):
            rest = ".".join(keys[index:])
            items = [json_value(item, rest) for item in value]
            return "; ".join(item for item in items if item != "")
        if value is None:
            return ""
        value = value[key]
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
@pytest.mark.parametrize("how", ["format", "accept"])
def test_every_list_answers_csv_with_every_record_the_json_list_has(memo, api, endpoint, how):
    if how == "format":
        response = api.get(f"{API}/{endpoint}", {"format": "csv"})
    else:
        response = api.get(f"{API}/{endpoint}", HTTP_ACCEPT="text/csv")
    rows = read_csv(response)

    body = api.get(f"{API}/{endpoint}", {"pageSize": 100}).json()
    assert len(rows) == body["count"] > 0
    assert response["Content-Disposition"] == f'attachment; filename="{endpoint}.csv"'
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("budget-lines", {"document": MEMO, "contributionKind": "pm", "ordering": "-position"}),
        ("budget-lines", {"document": MEMO, "ordering": "-amount"}),
        ("programs", {"kind": "regeling", "ordering": "-start"}),
        ("programs", {"ordering": "-start"}),
        ("programs", {"search": "limburg"}),
        ("organisations", {"program": "limburgmakers", "ordering": "place"}),
        ("commitments", {"kind": "toezegging", "ordering": "-number"}),
        ("actions", {"program": "limburgmakers"}),
        ("indicators", {"ordering": "-value"}),
        ("subsidies", {"recipient": "hotraco-group"}),
        ("documents", {}),
        ("themes", {"ordering": "-name"}),
    ],
)
def test_csv_is_the_json_list_for_the_same_filters_and_order(memo, api, endpoint, params):
    records = api.get(f"{API}/{endpoint}", {**params, "pageSize": 100}).json()["results"]

    rows = get_csv(api, endpoint, params)

    assert records, "the filter should find something"
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        for column, cell in row.items():
            assert cell == json_value(record, column), (endpoint, column)


def test_csv_flattens_nested_objects_fuzzy_dates_and_money_into_readable_columns(memo, api):
    lines = get_csv(api, "budget-lines", {"document": MEMO, "ordering": "position"})
    programs = {row["slug"]: row for row in get_csv(api, "programs")}

    first, pm = lines[0], lines[7]
    assert first["amount"] == "8900000.00"
    assert first["label"] == "€ 8,9 mln"
    assert first["document.slug"] == MEMO
    assert (pm["contributionKind"], pm["amount"], pm["label"]) == ("pm", "", "PM")
    kennischeque = programs["kennischeque"]
    assert kennischeque["parent.slug"] == "limburgmakers"
    for part in ("label", "start", "end", "precision"):
        assert f"start.{part}" in kennischeque
    start = Program.objects.get(slug="limburgmakers").start
    row = programs["limburgmakers"]
    assert row["start.label"] == str(start)
    assert row["start.start"] == start.start.isoformat()
    assert row["start.end"] == start.end.isoformat()


def test_lists_of_related_records_are_joined_in_one_cell(db, api):
    themes = [factories.ThemeFactory(slug="a-thema"), factories.ThemeFactory(slug="b-thema")]
    factories.ProgramFactory(slug="met-themas", themes=themes)

    row = get_csv(api, "programs")[0]

    assert set(row["themes.slug"].split("; ")) == {"a-thema", "b-thema"}


def test_formula_injection_is_neutralised_in_csv(db, api):
    factories.ProgramFactory(
        slug="formule",
        name='=HYPERLINK("https://evil.example","klik")',
        description="+31 43 389 99 99",
    )

    row = get_csv(api, "programs")[0]

    assert row["name"] == """'=HYPERLINK("https://evil.example","klik")"""
    assert row["description"] == "'+31 43 389 99 99"


def test_csv_is_the_whole_filtered_list_not_a_page(db, api):
    for _ in range(130):
        factories.ThemeFactory()

    rows = get_csv(api, "themes", {"pageSize": 5, "page": 2})

    assert len(rows) == 130


@pytest.mark.parametrize("params", [{"pageSize": "-1.5"}, {"pageSize": "101"}, {"page": "0"}])
def test_csv_refuses_a_malformed_page_as_json_does(db, api, params):
    response = api.get(f"{API}/themes", {**params, "format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["invalidParams"][0]["name"] == next(iter(params))


def test_concept_records_are_in_the_csv_only_for_those_who_read_concepts(memo, api, staff_api):
    factories.ProgramFactory(
        slug="concept-programma",
        name=f"{MARKER} programma",
        publication_status=PublicationStatus.CONCEPT,
    )

    public = api.get(f"{API}/programs", {"format": "csv"})
    staff = staff_api.get(f"{API}/programs", {"format": "csv"})

    assert MARKER not in "".join(row["name"] for row in read_csv(public))
    assert MARKER in "".join(row["name"] for row in read_csv(staff))


@pytest.mark.parametrize(
    "request_csv",
    [
        lambda api, url, params: api.get(url, {**params, "format": "csv"}),
        lambda api, url, params: api.get(url, params, HTTP_ACCEPT="text/csv"),
    ],
    ids=["format", "accept"],
)
def test_a_bad_filter_on_a_csv_list_is_a_problem_in_json(memo, api, request_csv):
    response = request_csv(api, f"{API}/budget-lines", {"contributionKind": "gratis"})

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == 400
    assert problem["invalidParams"][0]["name"] == "contributionKind"


def test_a_detail_is_not_offered_as_csv(memo, api):
    response = api.get(f"{API}/programs/limburgmakers", {"format": "csv"})

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_JSON
    assert [param["name"] for param in response.json()["invalidParams"]] == ["format"]


def test_the_openapi_document_offers_csv_on_every_list_and_only_there(api):
    document = api.get(f"{API}/openapi.json").json()

    for endpoint in LIST_ENDPOINTS:
        operation = document["paths"][f"/{endpoint}"]["get"]
        content = operation["responses"]["200"]["content"]
        assert content["text/csv"]["schema"] == {"type": "string"}
        assert content["application/json"]["schema"]["$ref"].startswith(
            "#/components/schemas/Paginated"
        )
        (format_parameter,) = [p for p in operation["parameters"] if p["name"] == "format"]
        assert set(format_parameter["schema"]["enum"]) == {"json", "csv"}
    detail = document["paths"]["/programs/{slug}"]["get"]
    assert set(detail["responses"]["200"]["content"]) == {"application/json"}

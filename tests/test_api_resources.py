"""The read API on the memo: envelope, keys as the OpenAPI document declares them, money, filters.

The expected keys are never listed here: they are read from the generated OpenAPI document,
so a field added to a serializer but not to the schema (or the other way round) fails.
"""

import re

import pytest
from django.conf import settings

from common.api import PROBLEM_JSON
from programs.models import Program
from programs.serializers import ProgramSerializer

API = "/api/v1"
LIST_ENDPOINTS = [
    "documents",
    "programs",
    "budget-lines",
    "subsidies",
    "commitments",
    "organisations",
    "themes",
    "actions",
    "indicators",
]
DETAILS = [
    ("documents", "sterke-maakindustrie-2015"),
    ("programs", "limburgmakers"),
    ("programs", "kennischeque"),
    ("organisations", "provincie-limburg"),
    ("organisations", "hotraco-group"),
    ("themes", "reshoring"),
    ("actions", "innovatieproject-subsidies-nader-bezien"),
    ("indicators", "aandeel-maakindustrie-werkgelegenheid"),
    ("subsidies", "hotraco-kennischeque"),
    ("subsidies", "hotraco-innovatieproject-subsidie"),
    ("commitments", "toezegging-1886"),
    ("commitments", "toezegging-1887"),
    ("commitments", "motie-615"),
    ("budget-lines", "sterke-maakindustrie-2015-1"),
    ("budget-lines", "sterke-maakindustrie-2015-2"),
    ("budget-lines", "sterke-maakindustrie-2015-8"),
]
CAMEL_CASE = re.compile(r"[a-z][a-zA-Z0-9]*")
MEMO = "sterke-maakindustrie-2015"


@pytest.fixture
def openapi(api):
    response = api.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def resolve(schema, document):
    """Follow `$ref`s and single-item `allOf`s to the schema that declares the properties.

    drf-spectacular writes a nullable reference as `{"allOf": [{"$ref": ...}], "nullable": true}`;
    the keys beside `allOf` (nullable, readOnly) stay on the resolved schema.
    """
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return resolve(document["components"]["schemas"][name], document)
    if len(schema.get("allOf", [])) == 1:
        beside = {key: value for key, value in schema.items() if key != "allOf"}
        return {**resolve(schema["allOf"][0], document), **beside}
    return schema


def response_schema(document, path):
    operation = document["paths"][path]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    return resolve(schema, document)


def path_of(document, endpoint, detail=False):
    """The OpenAPI path of a list (`/programs`) or its detail (`/programs/{x}`).

    Paths are relative to the server URL, `/api/v1`, which carries the major version.
    """
    assert document["servers"] == [{"url": API, "description": "Deze server"}]
    if not detail:
        return f"/{endpoint}"
    pattern = re.compile(rf"/{re.escape(endpoint)}/\{{[^}}/]+\}}")
    matches = [path for path in document["paths"] if pattern.fullmatch(path)]
    assert len(matches) == 1, f"no single detail path for {endpoint}: {matches}"
    return matches[0]


def assert_matches_schema(value, schema, document, where="$"):
    """Every object's keys are exactly the declared properties, all the way down; and camelCase."""
    schema = resolve(schema, document)
    if value is None:
        assert schema.get("nullable"), f"{where} is null, the schema does not allow it"
        return
    if isinstance(value, dict) and "properties" in schema:
        assert set(value) == set(schema["properties"]), where
        for key, item in value.items():
            assert CAMEL_CASE.fullmatch(key), f"{where}.{key} is not lowerCamelCase"
            assert_matches_schema(item, schema["properties"][key], document, f"{where}.{key}")
    elif isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            assert_matches_schema(item, schema["items"], document, f"{where}[{index}]")


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == status
    return problem


# Lists and details


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_list_answers_with_version_header_and_page_envelope(memo, api, endpoint):
    response = api.get(f"{API}/{endpoint}")

    assert response.status_code == 200
    assert response["API-Version"] == settings.API_VERSION
    body = response.json()
    assert set(body) == {"count", "countIsExact", "next", "previous", "results"}
    assert body["count"] > 0
    assert body["countIsExact"] is True
    assert body["results"]


def test_the_memo_has_two_subsidies(memo, api):
    body = api.get(f"{API}/subsidies").json()

    assert body["count"] == 2
    assert {subsidy["slug"] for subsidy in body["results"]} == {
        "hotraco-kennischeque",
        "hotraco-innovatieproject-subsidie",
    }


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_list_results_have_exactly_the_keys_the_openapi_document_declares(
    memo, api, openapi, endpoint
):
    page_schema = response_schema(openapi, path_of(openapi, endpoint))
    item_schema = resolve(page_schema["properties"]["results"]["items"], openapi)

    body = api.get(f"{API}/{endpoint}", {"pageSize": 100}).json()

    assert set(body) == set(page_schema["properties"])
    assert len(body["results"]) == body["count"]
    for index, result in enumerate(body["results"]):
        assert set(result) == set(item_schema["properties"])
        assert_matches_schema(result, item_schema, openapi, f"{endpoint}[{index}]")


@pytest.mark.parametrize(("endpoint", "identifier"), DETAILS)
def test_detail_has_exactly_the_keys_the_openapi_document_declares(
    memo, api, openapi, endpoint, identifier
):
    schema = response_schema(openapi, path_of(openapi, endpoint, detail=True))

    response = api.get(f"{API}/{endpoint}/{identifier}")

    assert response.status_code == 200
    assert response["API-Version"] == settings.API_VERSION
    body = response.json()
    assert set(body) == set(schema["properties"])
    assert_matches_schema(body, schema, openapi, f"{endpoint}/{identifier}")


@pytest.mark.parametrize(("endpoint", "identifier"), DETAILS)
def test_detail_is_the_record_the_list_shows(memo, api, endpoint, identifier):
    detail = api.get(f"{API}/{endpoint}/{identifier}").json()

    results = api.get(f"{API}/{endpoint}", {"pageSize": 100}).json()["results"]

    assert detail in results


# Money


def memo_budget_lines(api):
    body = api.get(f"{API}/budget-lines", {"document": MEMO, "ordering": "position"}).json()
    assert body["count"] == 17
    return body["results"]


def test_amounts_are_decimal_strings_in_euros(memo, api):
    first = memo_budget_lines(api)[0]

    assert first["position"] == 1
    assert first["amount"] == "8900000.00"
    assert first["contributionKind"] == "bedrag"
    assert first["label"] == "€ 8,9 mln"


def test_pm_lines_have_no_amount_and_say_pm(memo, api):
    pm_lines = [line for line in memo_budget_lines(api) if line["contributionKind"] == "pm"]

    assert [line["position"] for line in pm_lines] == [8, 9, 11, 15, 16, 17]
    for line in pm_lines:
        assert line["amount"] is None
        assert line["label"] == "PM"


def test_external_line_says_who_pays(memo, api):
    esic = memo_budget_lines(api)[1]

    assert esic["description"].startswith("Adviesrapport European Services Innovation Centre")
    assert esic["contributionKind"] == "derden"
    assert esic["amount"] is None
    assert esic["funder"] == "eu"
    assert esic["label"] == "op kosten EU"


def test_overview_is_the_annex_with_its_totals(memo, api):
    response = api.get(f"{API}/documents/{MEMO}/overview")

    assert response.status_code == 200
    assert response["API-Version"] == settings.API_VERSION
    body = response.json()
    assert set(body) == {"document", "rows", "totals"}
    assert body["document"] == MEMO
    assert [row["position"] for row in body["rows"]] == list(range(1, 18))
    assert body["rows"][0] == {
        "position": 1,
        "description": "Programma LimburgMakers",
        "program": {"slug": "limburgmakers", "name": "Programma LimburgMakers"},
        "contribution": {
            "kind": "bedrag",
            "amount": "8900000.00",
            "funder": "provincie",
            "label": "€ 8,9 mln",
        },
    }
    assert body["totals"] == {
        "amount": "77570000.00",
        "pmCount": 6,
        "externalCount": 1,
        "label": "€ 77,57 mln + 6 × PM",
    }


def test_overview_matches_its_openapi_schema(memo, api, openapi):
    schema = response_schema(openapi, "/documents/{slug}/overview")

    body = api.get(f"{API}/documents/{MEMO}/overview").json()

    assert_matches_schema(body, schema, openapi, "overview")


# Filters, search and ordering


def slugs(response, key="slug"):
    assert response.status_code == 200
    return {result[key] for result in response.json()["results"]}


def test_programs_filter_on_parent(memo, api):
    found = slugs(api.get(f"{API}/programs", {"parent": "limburgmakers"}))

    # The memo puts four programs under LimburgMakers: its three instruments and the
    # Hannover Messe visit "onder de vlag van LimburgMakers".
    assert found == set(
        Program.objects.filter(parent__slug="limburgmakers").values_list("slug", flat=True)
    )
    assert found == {
        "kennischeque",
        "innovatieassistentie",
        "innovatieproject-subsidies",
        "hannover-messe-deelname-2015",
    }


def test_budget_lines_filter_on_contribution_kind(memo, api):
    body = api.get(f"{API}/budget-lines", {"contributionKind": "pm"}).json()

    assert body["count"] == 6
    assert {line["contributionKind"] for line in body["results"]} == {"pm"}


def test_commitments_filter_on_kind(memo, api):
    found = slugs(api.get(f"{API}/commitments", {"kind": "motie"}), key="id")

    assert found == {"motie-615"}


def test_search_finds_programs_by_name_and_description(memo, api):
    found = slugs(api.get(f"{API}/programs", {"search": "Leningen"}))

    assert found == {"mkb-leningenfonds", "innovatiefonds"}


def test_ordering_descending_by_name(memo, api):
    names = [
        program["name"]
        for program in api.get(f"{API}/programs", {"ordering": "-name", "pageSize": 100}).json()[
            "results"
        ]
    ]
    ascending = [
        program["name"]
        for program in api.get(f"{API}/programs", {"ordering": "name", "pageSize": 100}).json()[
            "results"
        ]
    ]

    assert len(names) == Program.objects.count()
    assert names == list(Program.objects.order_by("-name").values_list("name", flat=True))
    assert names == ascending[::-1]
    assert names[0] == "Valorisatieprogramma's Interreg"


# Errors


def test_trailing_slash_is_not_found(memo, api):
    response = api.get(f"{API}/programs/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response["API-Version"]
    assert response.json()["status"] == 404


@pytest.mark.parametrize(
    ("endpoint", "parameter", "value"),
    [
        ("budget-lines", "contributionKind", "gratis"),
        ("programs", "parent", "bestaat-niet"),
        ("commitments", "kind", "belofte"),
        ("budget-lines", "document", "bestaat-niet"),
    ],
)
def test_unknown_filter_value_is_a_problem_naming_the_parameter(
    memo, api, endpoint, parameter, value
):
    response = api.get(f"{API}/{endpoint}", {parameter: value})

    problem = assert_problem(response, 400)
    assert response["API-Version"] == settings.API_VERSION
    assert [param["name"] for param in problem["invalidParams"]] == [parameter]


@pytest.mark.parametrize(
    "path",
    [
        "programs/bestaat-niet",
        "documents/bestaat-niet",
        "documents/bestaat-niet/overview",
        "subsidies/bestaat-niet",
        "commitments/motie-9999",
        "commitments/belofte-615",
        "budget-lines/sterke-maakindustrie-2015-99",
        "budget-lines/bestaat-niet-1",
    ],
)
def test_unknown_detail_is_a_not_found_problem(memo, api, path):
    response = api.get(f"{API}/{path}")

    assert_problem(response, 404)


# The OpenAPI document


def test_openapi_document_is_public_and_describes_every_resource(db, api):
    response = api.get(f"{API}/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    for endpoint in LIST_ENDPOINTS:
        assert "get" in document["paths"][path_of(document, endpoint)]
        assert "get" in document["paths"][path_of(document, endpoint, detail=True)]
    assert "/documents/{slug}/overview" in document["paths"]


def test_a_change_to_one_serializers_field_does_not_reach_the_next():
    """Fields shared between serializer instances let one request's change leak into later ones."""
    first = ProgramSerializer()
    first.fields["name"].error_messages["blank"] = "gewijzigd"

    assert ProgramSerializer().fields["name"].error_messages["blank"] != "gewijzigd"

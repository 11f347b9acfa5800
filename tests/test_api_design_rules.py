"""The API keeps the Dutch API Design Rules, as documented and as it behaves.

Spectral checks the generated document in CI (`make lint-api`); these tests check that real
requests behave as that document says: the version header, problem details, no trailing
slashes, validated filters and paging, CORS, and documentation served from our own files.
"""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from common.api import PROBLEM_JSON, Pagination

API = "/api/v1"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
EXAMPLE_KEYS = {
    "slug": "limburgmakers",
    "id": "toezegging-1886",
}


@pytest.fixture
def document(api):
    return api.get(f"{API}/openapi.json").json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def list_parameters(document):
    """(path, parameter) for every query parameter of every list in the document."""
    for path, method, operation in operations(document):
        if method == "get" and "{" not in path:
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    yield path, parameter


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    return body


# The document


def test_document_is_public_cors_open_and_ignores_credentials(db, api):
    response = api.get(
        f"{API}/openapi.json",
        HTTP_ORIGIN="https://data.example.org",
        HTTP_AUTHORIZATION="Bearer not-a-key",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    info = response.json()["info"]
    assert SEMVER.match(info["version"])
    assert response["API-Version"] == info["version"]
    assert {"name", "url", "email"} <= set(info["contact"])


def test_every_operation_declares_the_version_header_and_problem_errors(db, document):
    for path, method, operation in operations(document):
        responses = operation["responses"]
        assert "400" in responses, (path, method)
        for code, response in responses.items():
            if "$ref" in response:
                response = document["components"]["responses"][response["$ref"].split("/")[-1]]
            assert "API-Version" in response.get("headers", {}), (path, method, code)
            if code[0] in "45":
                assert list(response["content"]) == [PROBLEM_JSON], (path, method, code)


def test_paths_are_kebab_case_under_a_versioned_server_and_query_keys_camel_case(db, document):
    assert document["servers"][0]["url"] == API
    for path in document["paths"]:
        assert re.fullmatch(r"/[a-z0-9-]+(/([a-z0-9.-]+|\{[a-zA-Z]+\}))*", path), path
    for _path, parameter in list_parameters(document):
        assert re.fullmatch(r"[a-z][a-zA-Z0-9]*", parameter["name"]), parameter["name"]


def test_date_fields_are_dates_and_timestamps_carry_a_zone(db, document):
    def walk(node):
        if isinstance(node, dict):
            yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    formats = {node.get("format") for node in walk(document) if isinstance(node.get("format"), str)}
    assert "date" in formats
    assert not formats & {"date-time-local", "time"}
    for schema in document["components"]["schemas"].values():
        for name, field in schema.get("properties", {}).items():
            if name in {"date", "datum"} or re.search(r"\wDate$", name):
                assert field.get("format") == "date", name


# Behaviour on real requests


def test_every_documented_path_with_a_trailing_slash_is_a_not_found_problem(memo, api, document):
    for path in document["paths"]:
        concrete = re.sub(r"\{(\w+)\}", lambda match: EXAMPLE_KEYS[match.group(1)], path)
        response = api.get(f"{API}{concrete}/")
        assert_problem(response, 404)
        assert response["API-Version"] == document["info"]["version"]


def test_api_root_with_a_slash_is_not_redirected(db, api):
    response = api.get(f"{API}/")

    assert_problem(response, 404)


def test_djangos_own_server_error_is_a_problem_with_the_version(db, document, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("geheime details")

    monkeypatch.setattr(Pagination, "get_page_number", explode)
    response = Client(raise_request_exception=False).get(f"{API}/programs")

    body = assert_problem(response, 500)
    assert "geheime details" not in response.content.decode()
    assert response["API-Version"] == document["info"]["version"]
    assert body["instance"] == f"{API}/programs"


def test_djangos_own_bad_request_is_a_problem_with_the_version(db, document):
    response = Client().get(f"{API}/programs", HTTP_HOST="aanvaller.example")

    assert_problem(response, 400)
    assert response["API-Version"] == document["info"]["version"]


def test_pages_outside_the_api_keep_djangos_own_error_pages(db):
    response = Client().get("/programmas", HTTP_HOST="aanvaller.example")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def refusals(api, document, declares, value):
    """Send `value` to every list parameter the document `declares` so; each must be a 400
    naming it. Returns how many were sent, so a test can show it looked."""
    sent = 0
    for path, parameter in list_parameters(document):
        if not declares(parameter["schema"]):
            continue
        body = assert_problem(api.get(f"{API}{path}", {parameter["name"]: value}), 400)
        assert [param["name"] for param in body["invalidParams"]] == [parameter["name"]], path
        sent += 1
    return sent


def test_every_enum_filter_refuses_an_unknown_value(memo, api, document):
    def has_enum(schema):
        return schema.get("enum") or schema.get("items", {}).get("enum")

    assert refusals(api, document, has_enum, "bestaat-niet") >= 20


def test_every_date_filter_refuses_a_malformed_date(memo, api, document):
    def is_date(schema):
        return schema.get("format") == "date"

    assert refusals(api, document, is_date, "31-02-2015") >= 3


def test_every_boolean_filter_refuses_what_is_not_a_boolean(memo, api, document):
    def is_boolean(schema):
        return schema.get("type") == "boolean"

    assert refusals(api, document, is_boolean, "misschien") >= 3


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"pageSize": "veel"}, "pageSize"),
        ({"pageSize": "0"}, "pageSize"),
        ({"pageSize": "101"}, "pageSize"),
        ({"pageSize": "²"}, "pageSize"),
        ({"page": "-1"}, "page"),
        ({"page": "eerste"}, "page"),
    ],
)
def test_malformed_paging_is_a_problem_naming_the_parameter(memo, api, query, name):
    body = assert_problem(api.get(f"{API}/programs", query), 400)

    assert [param["name"] for param in body["invalidParams"]] == [name]


def test_paging_bounds_are_declared(db, document):
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in document["paths"]["/programs"]["get"]["parameters"]
    }

    assert parameters["pageSize"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert parameters["page"] == {"type": "integer", "minimum": 1, "maximum": 1_000_000}


def test_a_page_past_the_end_is_not_found(memo, api):
    assert_problem(api.get(f"{API}/programs", {"page": "999"}), 404)


def test_cors_preflight_allows_conditional_writes_from_other_origins(db, api):
    response = api.options(
        f"{API}/programs/limburgmakers",
        HTTP_ORIGIN="https://bi.limburg.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, if-match, change-reason",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert {"if-match", "change-reason", "authorization"} <= {
        header.strip() for header in response["Access-Control-Allow-Headers"].split(",")
    }
    assert "Access-Control-Allow-Credentials" not in response
    exposed = response.get("Access-Control-Expose-Headers", "")
    assert "API-Version" in exposed and "ETag" in exposed


def test_pages_outside_the_api_are_not_cors_open(memo, client):
    response = client.get("/programmas", HTTP_ORIGIN="https://data.example.org")

    assert "Access-Control-Allow-Origin" not in response


# Interactive documentation


def test_interactive_documentation_is_served_from_our_own_files(db, client):
    response = client.get(f"{API}/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    for source in sources:
        assert not source.startswith(("http:", "https:", "//")), source
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
    assert "<style" not in html and "<script>" not in html, "the CSP allows no inline code"
    script = client.get(f"{API}/docs", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"/api/v1/openapi.json" in script.content

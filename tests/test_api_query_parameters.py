"""The OpenAPI document tells the truth about every query parameter, and the server holds it.

Each operation takes exactly the query parameters its document declares (any other is a 400
naming it and listing the known ones), each at most once; every integer parameter declares
the bounds the server keeps; `ordering` is one comma-separated value; reads need no key and
writes need one; amounts sort with the unknown ones (PM lines) last in either direction.
"""

import re
from decimal import Decimal

import pytest

from common.api import PROBLEM_JSON, TITLES

API = "/api/v1"
WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture
def document(api, db):
    return api.get(f"{API}/openapi.json").json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if method in {"get", *WRITES}:
                yield path, method, operation


def declared_query(operation):
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}


def concrete(path):
    """A path of the document with a key in each path parameter: the parameters are checked
    before the record is looked up, so any well-formed key will do."""
    return API + re.sub(r"\{[^}]+\}", "onbekend-1", path)


def problem_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    return response.json()


def test_every_operation_knows_exactly_the_query_parameters_its_document_declares(api, document):
    checked = 0
    for path, method, operation in operations(document):
        response = getattr(api, method)(f"{concrete(path)}?statsu=open")
        body = problem_of(response, 400)
        [invalid] = body["invalidParams"]
        assert invalid["name"] == "statsu", (method, path)
        assert invalid["code"] == "unknown_parameter"
        listed = invalid["reason"].split("kent: ", 1)[1].rstrip(".")
        known = set() if listed == "geen" else set(listed.split(", "))
        assert known == set(declared_query(operation)), (method, path)
        checked += 1
    assert checked > 50


def test_a_misspelt_filter_is_refused_not_ignored(api, memo):
    body = problem_of(api.get(f"{API}/commitments", {"statsu": "open"}), 400)
    assert body["title"] == "Ongeldige invoer"
    assert "statsu" in body["detail"]
    [invalid] = body["invalidParams"]
    assert invalid["name"] == "statsu"
    assert "status" in invalid["reason"].split(", ")
    # Named as sent, not as the API would spell it.
    body = problem_of(api.get(f"{API}/programs", {"page_size": "5"}), 400)
    assert body["invalidParams"][0]["name"] == "page_size"


def test_a_method_the_document_does_not_list_stays_a_405_whatever_its_query(api, memo):
    response = api.generic("TRACE", f"{API}/subsidies/360giving?format=csv")
    assert problem_of(response, 405)["title"] == TITLES[405]


def test_a_parameter_given_twice_is_refused_instead_of_the_last_one_winning(api, memo):
    body = problem_of(api.get(f"{API}/programs?ordering=-name&ordering=start"), 400)
    [invalid] = body["invalidParams"]
    assert (invalid["name"], invalid["code"]) == ("ordering", "repeated_parameter")
    assert api.get(f"{API}/programs?status=lopend&status=gepland").status_code == 400


def test_ordering_is_one_comma_separated_value_with_its_fields_in_the_document(api, memo, document):
    parameter = declared_query(document["paths"]["/programs"]["get"])["ordering"]
    assert parameter["schema"]["type"] == "string"
    pattern = re.compile(parameter["schema"]["pattern"])
    assert pattern.match("-start,name")
    assert not pattern.match("-start,statsu")
    for field in ("name", "start", "end"):
        assert f"`{field}`" in parameter["description"]

    response = api.get(f"{API}/programs", {"ordering": "-start,name", "pageSize": 100})
    assert response.status_code == 200
    starts = [p["start"]["start"] for p in response.json()["results"] if p["start"]]
    assert starts == sorted(starts, reverse=True)
    assert api.get(f"{API}/programs", {"ordering": "-start,statsu"}).status_code == 400


def integer_parameters(document):
    for path, method, operation in operations(document):
        if method == "get" and "{" not in path:
            for name, parameter in declared_query(operation).items():
                if parameter["schema"].get("type") == "integer":
                    yield path, name, parameter["schema"]


def test_every_integer_parameter_declares_bounds(document):
    found = list(integer_parameters(document))
    assert {name for _path, name, _schema in found} >= {"page", "pageSize", "periodFrom", "year"}
    for path, name, schema in found:
        assert {"minimum", "maximum"} <= set(schema), (path, name)
    bounds = {(path, name): (schema["minimum"], schema["maximum"]) for path, name, schema in found}
    assert bounds[("/budget-lines", "periodFrom")] == (1900, 2200)
    assert bounds[("/programs", "pageSize")] == (1, 100)
    assert bounds[("/changes", "pageSize")] == (1, 1000)
    # Far below what a database's integer holds, counted in rows to skip.
    assert bounds[("/programs", "page")][1] * 100 < 2**63


def test_the_server_accepts_each_bound_it_declares_and_refuses_one_past_it(api, memo, document):
    for path, name, schema in integer_parameters(document):
        low, high = schema["minimum"], schema["maximum"]
        for value in (low, high):
            status = api.get(API + path, {name: value}).status_code
            # The last page number lies past every list's end.
            assert status == (404 if name == "page" and value == high else 200), (path, name)
        for value in (low - 1, high + 1, "99999999999999999999"):
            body = problem_of(api.get(API + path, {name: value}), 400)
            assert body["invalidParams"][0]["name"] == name, (path, name, value)


def test_reads_are_declared_without_a_key_and_writes_with_one(api, memo, document):
    schemes = document["components"]["securitySchemes"]
    assert schemes == {"apiToken": {**schemes["apiToken"], "type": "http", "scheme": "bearer"}}
    for path, method, operation in operations(document):
        expected = [{}, {"apiToken": []}] if method == "get" else [{"apiToken": []}]
        assert operation["security"] == expected, (method, path)
    assert api.get(f"{API}/programs").status_code == 200
    assert api.post(f"{API}/programs", {}, format="json").status_code in (401, 403)


@pytest.mark.parametrize(
    ("path", "field", "ordering"),
    [
        ("budget-lines", "amount", "amount"),
        ("budget-lines", "amount", "-amount"),
    ],
)
def test_lines_without_an_amount_come_last_in_either_direction(api, memo, path, field, ordering):
    response = api.get(f"{API}/{path}", {"ordering": ordering, "pageSize": 100})
    amounts = [line[field] for line in response.json()["results"]]
    known = [Decimal(amount) for amount in amounts if amount is not None]
    assert None in amounts and known
    # Every known amount first, in order; then the PM lines and those paid by others.
    assert amounts[len(known) :] == [None] * (len(amounts) - len(known))
    assert known == sorted(known, reverse=ordering.startswith("-"))


def test_subsidies_without_an_amount_come_last_in_either_direction(api, db):
    from tests import factories

    factories.SubsidyFactory(granted_amount=None, project_volume=None)
    factories.SubsidyFactory(granted_amount=Decimal("10.00"), project_volume=Decimal("5.00"))
    factories.SubsidyFactory(granted_amount=Decimal("20.00"), project_volume=Decimal("30.00"))
    for field in ("grantedAmount", "projectVolume"):
        for ordering in (field, f"-{field}"):
            results = api.get(f"{API}/subsidies", {"ordering": ordering}).json()["results"]
            assert [s[field] is None for s in results] == [False, False, True], ordering


@pytest.mark.parametrize(
    ("request_kwargs", "status"),
    [
        ({"path": f"{API}/programs", "data": {"status": "onzin"}}, 400),
        ({"path": f"{API}/programs/bestaat-niet"}, 404),
        ({"path": f"{API}/bestaat-niet"}, 404),
        ({"path": f"{API}/programs", "HTTP_AUTHORIZATION": "Bearer onzin"}, 401),
        ({"path": f"{API}/programs", "HTTP_ACCEPT": "image/png"}, 406),
    ],
)
def test_problem_titles_are_dutch(api, memo, request_kwargs, status):
    body = problem_of(api.get(**request_kwargs), status)
    assert body["title"] == TITLES[status]
    assert body["title"] not in {"Bad Request", "Not Found", "Unauthorized", "Not Acceptable"}

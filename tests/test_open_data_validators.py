"""The open data passes the standards' own validators, offline: the budget lines' data package
`frictionless validate`, the 360Giving package the official schema (vendored); both declare
the licence the province chose (`OPEN_DATA_LICENCE`)."""

import json
import socket
from decimal import Decimal
from pathlib import Path

import frictionless
import jsonschema
import pytest
from django.conf import settings
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from . import factories

API = "/api/v1"
VENDOR = Path(settings.BASE_DIR) / "vendor" / "360giving"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def offline(monkeypatch):
    """No connection leaves this machine: a validator that would fetch a profile or a schema
    from the net fails the test (the database on localhost stays reachable)."""
    connect = socket.socket.connect
    resolve = socket.getaddrinfo
    attempts = []

    def local_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if sock.family in (socket.AF_INET, socket.AF_INET6) and host not in LOCAL_HOSTS:
            attempts.append(host)
            raise NetworkUsed(f"network access to {host}")
        return connect(sock, address)

    def local_resolve(host, *args, **kwargs):
        if host not in LOCAL_HOSTS and host is not None:
            attempts.append(host)
            raise NetworkUsed(f"name lookup of {host}")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", local_connect)
    monkeypatch.setattr(socket, "getaddrinfo", local_resolve)
    yield attempts
    assert attempts == [], f"the validator went on the network: {attempts}"


def test_the_offline_guard_refuses_the_network(offline):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("example.org", 80), timeout=1)
    offline.clear()


# Fiscal Data Package


def package_on_disk(api, folder):
    """The served descriptor and its CSV, written to `folder`, the resource's `path` pointing
    at the CSV beside it (a validator reads a URL from the net, which a test must not)."""
    descriptor = api.get(f"{API}/budget-lines/datapackage.json").json()
    (resource,) = descriptor["resources"]
    served = api.get(resource["path"])
    assert served.status_code == 200
    (folder / "begrotingsposten.csv").write_bytes(b"".join(served.streaming_content))
    resource["path"] = "begrotingsposten.csv"
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder / "datapackage.json"


def test_the_fiscal_data_package_passes_frictionless_validate_offline(memo, api, tmp_path, offline):
    factories.BudgetLineFactory(document=memo, position=40, amount=Decimal("1234.56"))

    report = frictionless.validate(str(package_on_disk(api, tmp_path)))

    errors = [error.message for task in report.tasks for error in task.errors]
    assert report.valid, report.errors + errors
    assert report.stats["tasks"] == 1
    (task,) = report.tasks
    assert task.stats["rows"] == 18


def test_frictionless_finds_a_cell_that_breaks_the_schema(memo, api, tmp_path, offline):
    """The validation is real: a negative amount and a missing kind are errors."""
    path = package_on_disk(api, tmp_path)
    csv_file = tmp_path / "begrotingsposten.csv"
    lines = csv_file.read_text(encoding="utf-8").splitlines()
    broken = lines[1].replace(",bedrag,8900000.00,", ",,-8900000.00,")
    assert broken != lines[1], lines[1]
    lines[1] = broken
    csv_file.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")

    report = frictionless.validate(str(path))

    assert not report.valid
    kinds = {error.type for task in report.tasks for error in task.errors}
    assert {"constraint-error"} <= kinds


def test_the_package_is_a_tabular_data_package_with_fiscal_column_types(memo, api):
    package = api.get(f"{API}/budget-lines/datapackage.json").json()

    assert package["profile"] == "tabular-data-package"
    assert package["fiscalDataPackage"]["version"] == "1.0-rc.1"
    fields = {field["name"]: field for field in package["resources"][0]["schema"]["fields"]}
    assert fields["amount"]["columnType"] == "value"
    assert fields["program"]["columnType"] == "activity:generic:program:code"
    assert package["licenses"] == [
        {
            "name": "CC0-1.0",
            "title": "Creative Commons Zero v1.0 Universal",
            "path": "https://creativecommons.org/publicdomain/zero/1.0/",
        }
    ]


# 360Giving


def giving_validator():
    """The official package schema, its grant schema found by `$id` in the vendored copy and
    nowhere else, with a format checker (dates, URIs). Both say draft 2020-12 (as
    `http://json-schema.org/draft/2020-12/schema`, which the library does not know by that
    spelling), so that draft is named here."""
    schemas = [
        json.loads((VENDOR / name).read_text(encoding="utf-8"))
        for name in ("360-giving-package-schema.json", "360-giving-schema.json")
    ]
    package_schema, grant_schema = schemas
    assert package_schema["$schema"].endswith("/draft/2020-12/schema")
    registry = Registry().with_resource(
        grant_schema["$id"], DRAFT202012.create_resource(grant_schema)
    )
    validator_class = jsonschema.Draft202012Validator
    validator_class.check_schema(package_schema)
    validator_class.check_schema(grant_schema)
    return validator_class(
        package_schema, registry=registry, format_checker=validator_class.FORMAT_CHECKER
    )


@pytest.fixture
def grants(db):
    recipient = factories.OrganisationFactory(
        slug="voorbeeld-bv", name="Voorbeeld BV", place="Horst", website="https://example.org"
    )
    factories.SubsidyFactory(
        slug="op-een-dag",
        recipient=recipient,
        granted_amount=Decimal("12500.50"),
        granted_on="7 april 2015",
    )
    factories.SubsidyFactory(slug="in-een-maand", granted_on="april 2015")


def test_the_vendored_360giving_schema_comes_with_its_licence():
    licence = (VENDOR / "LICENSE.md").read_text(encoding="utf-8")
    assert "creativecommons.org/licenses/by/4.0" in licence
    package_schema = json.loads((VENDOR / "360-giving-package-schema.json").read_text())
    assert package_schema["title"] == "Schema for a 360Giving Data Grant Package"


def test_the_360giving_package_passes_the_official_schema_offline(grants, api, offline):
    package = api.get(f"{API}/subsidies/360giving").json()
    assert len(package["grants"]) == 2

    errors = [error.message for error in giving_validator().iter_errors(package)]

    assert errors == []


def test_the_official_schema_catches_a_broken_grant(grants, api, offline):
    """The validation is real: a grant without an amount, a bad date, a URL that is none."""
    package = api.get(f"{API}/subsidies/360giving").json()
    del package["grants"][0]["amountAwarded"]
    package["grants"][1]["dateModified"] = "gisteren"
    package["license"] = "geen url"

    errors = list(giving_validator().iter_errors(package))

    messages = " ".join(all_messages(errors))
    assert "'amountAwarded' is a required property" in messages
    assert "'gisteren' is not a 'date-time'" in messages
    assert "'geen url' is not a 'uri'" in messages


def all_messages(errors):
    """Every error's message, those under `oneOf` and `anyOf` included."""
    for error in errors:
        yield error.message
        yield from all_messages(error.context)


def test_the_360giving_package_declares_the_licence(grants, api):
    package = api.get(f"{API}/subsidies/360giving").json()

    assert package["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert package["version"] == "1.4"
    assert package["publisher"]["name"] == "Provincie Limburg"


def test_the_licence_is_a_setting_for_both_outputs(memo, grants, api, settings):
    settings.OPEN_DATA_LICENCE = "CC-BY-4.0"

    giving = api.get(f"{API}/subsidies/360giving").json()
    package = api.get(f"{API}/budget-lines/datapackage.json").json()

    assert giving["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [licence["name"] for licence in package["licenses"]] == ["CC-BY-4.0"]
    assert giving_validator().is_valid(giving)

"""Open-data standards: subsidies as 360Giving, budget lines as a Fiscal Data Package.
Published data only; nothing filled in that the data does not say; PM never a 0."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from budgets.models import BudgetLine, ContributionKind, Subsidy
from programs.models import PublicationStatus

from . import factories

API = "/api/v1"
MEMO = "sterke-maakindustrie-2015"
MARKER = "LEKMARKER"
CONCEPT = {"publication_status": PublicationStatus.CONCEPT}


def read_csv(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(content)))


def as_dicts(table):
    header, *rows = table
    return [dict(zip(header, row, strict=True)) for row in rows]


def grants(api):
    response = api.get(f"{API}/subsidies/360giving")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    # The grants, with the package's metadata (licence, publisher: test_open_data_validators).
    assert {"grants", "license", "version", "publisher"} <= set(body)
    return {grant["id"]: grant for grant in body["grants"]}


# 360Giving


@pytest.fixture
def subsidies(db):
    recipient = factories.OrganisationFactory(
        slug="hotraco-group", name="Hotraco Group BV", place="Horst", website="https://hotraco.com"
    )
    instrument = factories.ProgramFactory(slug="kennischeque", name="KennisCheque")
    made = {
        "op-een-dag": factories.SubsidyFactory(
            slug="op-een-dag",
            instrument=instrument,
            recipient=recipient,
            granted_amount=Decimal("12500.50"),
            granted_on="7 april 2015",
            description="Kennisvraag over meet- en regelsystemen.",
        ),
        "in-een-maand": factories.SubsidyFactory(
            slug="in-een-maand", status=Subsidy.Status.SETTLED, granted_on="april 2015"
        ),
    }
    factories.SubsidyFactory(slug="zonder-bedrag", granted_amount=None)
    factories.SubsidyFactory(slug="zonder-datum", granted_on=None)
    factories.SubsidyFactory(slug="aangevraagd", status=Subsidy.Status.REQUESTED)
    factories.SubsidyFactory(slug="lek-subsidie", description=MARKER, **CONCEPT)
    factories.SubsidyFactory(
        slug="aan-concept",
        recipient=factories.OrganisationFactory(name=f"{MARKER} bv", **CONCEPT),
    )
    return made


def grant_id(subsidy):
    return f"360G-limburg-{subsidy.uuid}"


def test_360giving_has_the_published_grants_with_the_standards_required_fields(subsidies, api):
    found = grants(api)

    assert set(found) == {grant_id(subsidies["op-een-dag"]), grant_id(subsidies["in-een-maand"])}
    grant = found[grant_id(subsidies["op-een-dag"])]
    assert grant["title"] == "KennisCheque: Hotraco Group BV"
    assert grant["description"] == "Kennisvraag over meet- en regelsystemen."
    assert grant["currency"] == "EUR"
    assert grant["amountAwarded"] == 12500.5
    assert grant["awardDate"] == "2015-04-07"
    assert "awardPeriod" not in grant
    assert grant["recipientOrganization"] == [
        {
            "id": f"360G-limburg-org-{grant_recipient(subsidies).uuid}",
            "name": "Hotraco Group BV",
            "addressLocality": "Horst",
            "url": "https://hotraco.com",
        }
    ]
    assert grant["fundingOrganization"] == [
        {"id": "360G-limburg-org-provincie-limburg", "name": "Provincie Limburg"}
    ]
    assert grant["grantProgramme"] == [
        {
            "code": str(subsidies["op-een-dag"].instrument.uuid),
            "title": "KennisCheque",
            "url": "http://testserver/programmas/kennischeque",
        }
    ]
    assert grant["url"] == "http://testserver/api/v1/subsidies/op-een-dag"
    assert grant["dataSource"] == "http://testserver/api/v1/subsidies/360giving"
    assert datetime.datetime.fromisoformat(grant["dateModified"]).tzinfo is not None


def grant_recipient(subsidies):
    return subsidies["op-een-dag"].recipient


def test_a_grant_ids_survive_renaming_the_subsidy_and_its_recipient(subsidies, api):
    before = set(grants(api))
    subsidy = subsidies["op-een-dag"]
    subsidy.recipient.slug = "hotraco-nieuw"
    subsidy.recipient.save()
    subsidy.slug = "nieuwe-slug"
    subsidy.save()

    after = grants(api)

    assert set(after) == before
    assert after[grant_id(subsidy)]["recipientOrganization"][0]["id"].endswith(
        str(subsidy.recipient.uuid)
    )


def test_a_grant_dated_by_a_period_says_so_instead_of_pretending_a_day(subsidies, api):
    grant = grants(api)[grant_id(subsidies["in-een-maand"])]

    assert grant["awardDate"] == "2015-04-01"
    assert grant["awardPeriod"] == "april 2015"
    assert grant["amountAwarded"] == 50000


def test_the_memo_subsidies_name_no_amount_so_they_are_no_360giving_grants(memo, api):
    assert Subsidy.objects.published().count() == 2

    assert grants(api) == {}


def test_the_360giving_csv_has_the_standards_column_titles_and_the_same_grants(subsidies, api):
    rows = as_dicts(read_csv(api.get(f"{API}/subsidies/360giving", {"format": "csv"})))
    by_accept = read_csv(api.get(f"{API}/subsidies/360giving", HTTP_ACCEPT="text/csv"))

    assert len(by_accept) == len(rows) + 1
    found = grants(api)
    assert [row["Identifier"] for row in rows] == list(found)
    row = rows[0]
    assert row["Identifier"] == grant_id(subsidies["op-een-dag"])
    assert row["Amount Awarded"] == "12500.50"
    assert row["Award Date"] == "2015-04-07"
    assert row["Recipient Org:Identifier"] == f"360G-limburg-org-{grant_recipient(subsidies).uuid}"
    assert row["Recipient Org:City"] == "Horst"
    assert row["Funding Org:Name"] == "Provincie Limburg"
    assert row["Grant Programme:Code"] == str(subsidies["op-een-dag"].instrument.uuid)
    assert rows[1]["Award Period"] == "april 2015"


def test_formulas_are_neutralised_in_the_360giving_csv(db, api):
    factories.SubsidyFactory(description='=HYPERLINK("https://evil.example")')

    (row,) = as_dicts(read_csv(api.get(f"{API}/subsidies/360giving", {"format": "csv"})))

    assert row["Description"] == '\'=HYPERLINK("https://evil.example")'


def test_concept_subsidies_never_appear_in_360giving_not_even_for_staff(subsidies, staff_api):
    json_body = staff_api.get(f"{API}/subsidies/360giving").content
    csv_body = b"".join(
        staff_api.get(f"{API}/subsidies/360giving", {"format": "csv"}).streaming_content
    )

    for body in (json_body, csv_body):
        assert MARKER.encode() not in body
        assert b"lek-subsidie" not in body


# Fiscal Data Package


def fiscal_rows(api):
    return as_dicts(read_csv(api.get(f"{API}/budget-lines/datapackage.csv")))


def test_pm_lines_have_no_amount_in_the_fiscal_data_package(memo, api):
    rows = {int(row["position"]): row for row in fiscal_rows(api) if row["document"] == MEMO}

    pm = [position for position, row in rows.items() if row["contributionKind"] == "pm"]
    assert pm == [8, 9, 11, 15, 16, 17]
    for position in pm:
        assert rows[position]["amount"] == ""
        assert rows[position]["label"] == "PM"
    external = rows[2]
    assert (external["contributionKind"], external["amount"], external["funder"]) == (
        "derden",
        "",
        "eu",
    )
    assert external["label"] == "op kosten EU"
    assert rows[1]["amount"] == "8900000.00"


def test_the_amounts_in_the_package_sum_to_the_memos_total_and_pm_lines_are_counted(memo, api):
    rows = [row for row in fiscal_rows(api) if row["document"] == MEMO]
    totals = BudgetLine.objects.published().filter(document=memo).totals()

    amounts = [Decimal(row["amount"]) for row in rows if row["amount"]]
    assert sum(amounts) == totals.amount
    kinds = [row["contributionKind"] for row in rows]
    assert kinds.count(ContributionKind.PM) == totals.pm_count == 6
    assert kinds.count(ContributionKind.EXTERNAL) == totals.external_count


def test_the_descriptor_describes_its_csv_with_a_type_for_every_column(memo, api):
    response = api.get(f"{API}/budget-lines/datapackage.json")
    assert response.status_code == 200
    package = response.json()

    assert package["profile"] == "tabular-data-package"
    (resource,) = package["resources"]
    assert resource["path"] == "http://testserver/api/v1/budget-lines/datapackage.csv"
    schema = resource["schema"]
    fields = {field["name"]: field for field in schema["fields"]}
    header = read_csv(api.get(resource["path"]))[0]
    assert header == [field["name"] for field in schema["fields"]]
    assert fields["amount"]["type"] == "number"
    assert fields["amount"]["columnType"] == "value"
    assert fields["contributionKind"]["constraints"]["enum"] == ["bedrag", "pm", "derden"]
    assert schema["primaryKey"] == "id"
    assert schema["extraFields"][0]["constant"] == "EUR"


def test_every_cell_of_the_package_fits_its_declared_type(memo, api):
    package = api.get(f"{API}/budget-lines/datapackage.json").json()
    fields = {field["name"]: field for field in package["resources"][0]["schema"]["fields"]}

    for row in fiscal_rows(api):
        for name, value in row.items():
            if value == "":
                assert not fields[name].get("constraints", {}).get("required"), name
                continue
            kind = fields[name]["type"]
            if kind == "number":
                assert Decimal(value) >= 0
            elif kind == "integer":
                assert int(value) >= 0
            elif kind == "date":
                datetime.date.fromisoformat(value)
            if enum := fields[name].get("constraints", {}).get("enum"):
                assert value in enum
        assert (row["amount"] == "") == (row["contributionKind"] != "bedrag")


def test_concept_budget_lines_never_appear_in_the_fiscal_data_package(memo, staff_api):
    concept_program = factories.ProgramFactory(slug="lek-programma", **CONCEPT)
    factories.BudgetLineFactory(document=memo, position=50, label=MARKER, **CONCEPT)
    factories.BudgetLineFactory(document=memo, position=51, program=concept_program)
    factories.BudgetLineFactory(
        document=factories.DocumentFactory(**CONCEPT), amount=Decimal("123456789")
    )

    body = b"".join(staff_api.get(f"{API}/budget-lines/datapackage.csv").streaming_content)

    assert MARKER.encode() not in body
    assert b"lek-programma" not in body
    assert b"123456789" not in body
    assert f"{MEMO}-51".encode() not in body


def test_the_openapi_document_declares_the_open_data_packages(api):
    paths = api.get(f"{API}/openapi.json").json()["paths"]

    giving = paths["/subsidies/360giving"]["get"]
    assert set(giving["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert [parameter["name"] for parameter in giving["parameters"]] == ["format"]
    package = paths["/budget-lines/datapackage.json"]["get"]
    assert set(package["responses"]["200"]["content"]) == {"application/json"}
    data = paths["/budget-lines/datapackage.csv"]["get"]
    assert data["responses"]["200"]["content"] == {"text/csv": {"schema": {"type": "string"}}}

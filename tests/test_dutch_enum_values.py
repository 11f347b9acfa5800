"""Enum values are Dutch, as the domain is, and the document gives each value its label.

The values used to mix languages (`running` and `province` beside `voldaan` and
`toezegging`); a data migration moved the stored values, history included.
"""

import pytest

from budgets.models import BudgetLine, ContributionKind, Funder, Subsidy
from common.fuzzydates import Precision
from programs.models import Action, Organisation, Program, ProgramOrganisation
from programs.models.publishable import PublicationStatus

API = "/api/v1"
# The English values the API had before (API v1.0.0), which no enum may hold now.
ENGLISH = {
    "planned", "running", "finished", "stopped", "in_progress", "done", "dropped",
    "program", "scheme", "fund", "facility", "partnership", "event", "study",
    "company", "government", "ministry", "agency", "knowledge", "education", "network",
    "other", "lead", "recipient", "funder", "host", "published", "amount", "external",
    "province", "national", "requested", "granted", "settled", "withdrawn",
    "council_member", "executive_member", "replaces", "repeats", "supplements",
    "pending", "accepted", "rejected",
    "day", "month", "quarter", "half_year", "season", "early", "mid", "late", "year",
}  # fmt: skip


@pytest.fixture
def document(api, db):
    return api.get(f"{API}/openapi.json").json()


def enums(document):
    for name, schema in document["components"]["schemas"].items():
        if "enum" in schema:
            yield name, schema


def test_no_enum_of_the_document_holds_an_english_value(document):
    found = dict(enums(document))
    assert {"ProgramStatusEnum", "FunderEnum", "PublicationStatusEnum"} <= set(found)
    for name, schema in found.items():
        assert not ENGLISH & set(schema["enum"]), name


@pytest.mark.parametrize(
    ("enum", "choices"),
    [
        ("ProgramStatusEnum", Program.Status),
        ("ProgramKindEnum", Program.Kind),
        ("OrganisationKindEnum", Organisation.Kind),
        ("OrganisationRoleEnum", ProgramOrganisation.Role),
        ("ActionStatusEnum", Action.Status),
        ("ContributionKindEnum", ContributionKind),
        ("FunderEnum", Funder),
        ("SubsidyStatusEnum", Subsidy.Status),
        ("PublicationStatusEnum", PublicationStatus),
        ("PrecisionEnum", Precision),
    ],
)
def test_the_document_lists_each_value_with_its_label(document, enum, choices):
    schema = document["components"]["schemas"][enum]
    assert schema["enum"] == list(choices.values)
    for value, label in choices.choices:
        assert f"* `{value}` - {label}" in schema["description"]


def test_lists_filter_on_the_dutch_values_and_refuse_the_english_ones(api, memo):
    running = api.get(f"{API}/programs", {"status": "lopend", "pageSize": 100}).json()
    assert running["results"] and {p["status"] for p in running["results"]} == {"lopend"}
    lines = api.get(f"{API}/budget-lines", {"funder": "provincie", "contributionKind": "bedrag"})
    assert {(b["funder"], b["contributionKind"]) for b in lines.json()["results"]} == {
        ("provincie", "bedrag")
    }
    for path, query in [
        ("programs", {"status": "running"}),
        ("budget-lines", {"funder": "province"}),
    ]:
        response = api.get(f"{API}/{path}", query)
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == next(iter(query))


def test_the_memo_is_stored_with_the_dutch_values(memo):
    assert set(BudgetLine.objects.values_list("funder", flat=True)) <= set(Funder.values)
    stored = set(Program.objects.values_list("status", flat=True))
    assert stored and stored <= set(Program.Status.values)
    history = set(Program.history.values_list("publication_status", flat=True))
    assert history == {PublicationStatus.PUBLISHED}
    assert PublicationStatus.PUBLISHED == "gepubliceerd"

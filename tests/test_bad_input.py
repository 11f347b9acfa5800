"""Bad input is a clear 4xx, never a 500: dates Python cannot show, absurd page numbers,
JSON nested beyond reason, unknown precisions, oversized If-Match headers, NUL characters."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from common.fuzzydates import FuzzyDate, Precision
from programs.forms import FuzzyDateFormField
from programs.models import Meeting, Program

from .factories import CommitmentFactory, MeetingFactory, ProgramFactory

pytestmark = pytest.mark.django_db

PROBLEM_JSON = "application/problem+json"
LISTS = [
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


def assert_problem(response, status=400):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == PROBLEM_JSON
    return response.json()


def invalid_names(response):
    return [entry["name"] for entry in assert_problem(response)["invalidParams"]]


# Dates: refused at every entry, read without a 500 when stored all the same


@pytest.fixture
def year_9999_program():
    """A program whose stored end is 'eind 9999': its last day is past what Python can show
    when computed the naive way (1 January 10000 minus a day)."""
    program = ProgramFactory(slug="eeuwig")
    # As it was stored before the check, or past it (a save without `full_clean()`).
    program.end_date, program.end_precision = datetime.date(9999, 9, 1), Precision.LATE
    program.save()
    return program


def test_a_stored_date_of_year_9999_is_read_in_the_list_the_detail_and_the_csv(
    api, year_9999_program
):
    listed = api.get("/api/v1/programs")
    assert listed.status_code == 200
    (record,) = listed.json()["results"]
    assert record["end"] == {
        "start": "9999-09-01",
        "end": "9999-12-31",
        "precision": "eind",
        "label": "eind 9999",
    }
    assert api.get("/api/v1/programs/eeuwig").status_code == 200
    csv = api.get("/api/v1/programs", HTTP_ACCEPT="text/csv")
    assert csv.status_code == 200
    body = b"".join(csv.streaming_content).decode()
    assert "eind 9999" in body and "9999-12-31" in body
    assert body.count("\n") == 2  # the header and the record, whole


def test_a_stored_winter_of_year_9999_ends_on_the_last_day_python_knows():
    assert FuzzyDate(datetime.date(9999, 12, 1), Precision.SEASON).end == datetime.date.max


@pytest.mark.parametrize("text", ["eind 9999", "1899", "medio 2201", "31-12-1899"])
def test_the_admin_refuses_a_fuzzy_year_outside_1900_to_2200(text):
    with pytest.raises(ValidationError) as refused:
        FuzzyDateFormField().clean(text)
    assert "1900" in refused.value.messages[0] and "2200" in refused.value.messages[0]
    for accepted in ("1900", "eind 2200", "medio 2016"):
        assert FuzzyDateFormField().clean(accepted) == FuzzyDate.parse(accepted)


@pytest.mark.parametrize(
    "end",
    [
        "eind 9999",
        {"label": "0001"},
        {"start": "9999-01-01", "precision": "jaar"},
        {"start": "1066-10-14", "precision": "dag"},
    ],
)
def test_the_api_refuses_a_fuzzy_year_outside_1900_to_2200(staff_api, end):
    response = staff_api.post(
        "/api/v1/programs",
        {
            "slug": "te-laat",
            "name": "Te laat",
            "kind": "programma",
            "status": "gepland",
            "end": end,
        },
        format="json",
    )
    assert invalid_names(response) == ["end"]
    reason = response.json()["invalidParams"][0]["reason"]
    assert "1900" in reason and "2200" in reason
    assert not Program.objects.filter(slug="te-laat").exists()


def test_a_plain_date_outside_1900_to_2200_is_refused_by_the_model():
    meeting = MeetingFactory.build(date=datetime.date(9999, 1, 1))
    with pytest.raises(ValidationError) as refused:
        meeting.full_clean(exclude=["slug"])
    assert "date" in refused.value.message_dict
    MeetingFactory.build(date=datetime.date(2016, 5, 1)).full_clean(exclude=["slug"])
    assert Meeting._meta.get_field("date").validators


def spreadsheet(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "programmas.xlsx"
    return data


def test_a_spreadsheet_import_refuses_a_fuzzy_year_outside_1900_to_2200():
    from programs.resources import ProgramResource

    dataset = ProgramResource().export(queryset=Program.objects.none())
    dataset.append(
        [
            {"slug": "import-te-laat", "naam": "Te laat", "einde": "eind 9999"}.get(header, "")
            for header in dataset.headers
        ]
    )
    result = ProgramResource().import_data(dataset, dry_run=True)
    assert result.has_validation_errors() or result.has_errors()
    messages = " ".join(
        str(message)
        for row in result.invalid_rows
        for messages in row.error_dict.values()
        for message in messages
    ) + " ".join(str(error.error) for _, errors in result.row_errors() for error in errors)
    assert "1900" in messages and "2200" in messages


# Query parameters, bodies and headers a client can send


@pytest.mark.parametrize("resource", LISTS)
@pytest.mark.parametrize(
    "query",
    [
        {"page": "99999999999999999999"},
        {"page": "9" * 5000},
        {"pageSize": "9" * 5000},
    ],
    ids=["page-past-bigint", "page-of-5000-digits", "page-size-of-5000-digits"],
)
def test_an_absurd_page_number_or_size_is_a_400_problem(api, resource, query):
    assert invalid_names(api.get(f"/api/v1/{resource}", query)) == list(query)
    csv = api.get(f"/api/v1/{resource}", {**query, "format": "csv"})
    assert invalid_names(csv) == list(query)


def test_pages_up_to_a_million_are_pages_and_past_that_a_400(api):
    ProgramFactory()
    assert_problem(api.get("/api/v1/programs", {"page": "1000000"}), status=404)  # past the end
    assert invalid_names(api.get("/api/v1/programs", {"page": "1000001"})) == ["page"]


def test_json_nested_30000_levels_deep_is_a_400_problem(staff_api):
    body = '{"name": ' + "[" * 30_000 + "]" * 30_000 + "}"
    response = staff_api.post("/api/v1/themes", body, content_type="application/json")
    problem = assert_problem(response)
    assert "genest" in problem["detail"]


def test_json_nested_deeper_than_32_levels_is_refused_and_32_is_read(staff_api):
    too_deep = '{"name": ' + "[" * 32 + "]" * 32 + "}"
    response = staff_api.post("/api/v1/themes", too_deep, content_type="application/json")
    assert "genest" in assert_problem(response)["detail"]
    deep_enough = '{"name": ' + "[" * 31 + "]" * 31 + "}"
    response = staff_api.post("/api/v1/themes", deep_enough, content_type="application/json")
    # Read, and refused for what it says, not for how deep it is.
    assert invalid_names(response)


@pytest.mark.parametrize("precision", ["zzz", ["day"], {"a": 1}, 7])
def test_an_unknown_fuzzy_date_precision_is_a_400_problem(staff_api, precision):
    response = staff_api.post(
        "/api/v1/programs",
        {
            "slug": "onbekend",
            "name": "Onbekend",
            "kind": "programma",
            "status": "gepland",
            "end": {"start": "2016-01-01", "precision": precision},
        },
        format="json",
    )
    assert invalid_names(response) == ["end"]


@pytest.mark.parametrize(
    "if_match", ["9" * 5000, '"' + "9" * 5000 + '-abc"', "zonder aanhalingstekens", '"7-a" x']
)
def test_a_malformed_or_oversized_if_match_is_a_400_problem(staff_api, if_match):
    ProgramFactory(slug="wijzig-mij")
    for method in (staff_api.patch, staff_api.delete):
        response = method(
            "/api/v1/programs/wijzig-mij",
            {"description": "x"},
            format="json",
            HTTP_IF_MATCH=if_match,
            HTTP_CHANGE_REASON="Test",
        )
        assert invalid_names(response) == ["If-Match"]
    assert Program.objects.filter(slug="wijzig-mij", description="").exists()
    # A well-formed list of tags that names another version is still a 412.
    response = staff_api.patch(
        "/api/v1/programs/wijzig-mij",
        {"description": "x"},
        format="json",
        HTTP_IF_MATCH='"7-abc", W/"8-def"',
        HTTP_CHANGE_REASON="Test",
    )
    assert_problem(response, status=412)


@pytest.mark.parametrize("url", ["/api/v1/themes?na%00am=x", "/programmas?q=%00"])
def test_a_nul_character_in_the_query_is_a_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response["Content-Type"] == PROBLEM_JSON


def test_a_due_before_date_outside_1900_to_2200_is_a_400_problem(api):
    # 1 January of year 1 lies in a winter that began in year 0, which Python has not.
    assert invalid_names(api.get("/api/v1/commitments", {"dueBefore": "0001-01-01"})) == [
        "dueBefore"
    ]
    assert api.get("/api/v1/commitments", {"dueBefore": "2016-01-01"}).status_code == 200


def test_a_stored_deadline_of_year_9999_is_in_the_deadline_calendar(client):
    commitment = CommitmentFactory(number="9999", deadline="2016")
    commitment.deadline_date, commitment.deadline_precision = (
        datetime.date(9999, 9, 1),
        Precision.LATE,
    )
    commitment._change_reason = "Opgeslagen voor de controle op jaren"
    commitment.save()
    response = client.get("/termijnen.ics")
    assert response.status_code == 200
    assert b"DTSTART;VALUE=DATE:99991230" in response.content

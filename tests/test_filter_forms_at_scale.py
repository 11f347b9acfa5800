"""Public filter forms stay small at scale: a related-record filter with more choices than
`FILTER_CHOICES_LISTED_MAX` is a text input that takes the record's name (with suggestions as
you type) or its kenmerk, never a select that loads and renders a whole large table; with few
choices (the memo) the select stays."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from programs.models import Document, Meeting, Organisation, Person, Program, PublicationStatus

from .test_public_pages import text_of

pytestmark = pytest.mark.django_db

# The memo's pages with their filter forms.
PAGES = ["/", "/programmas", "/toezeggingen", "/acties"]

# The filtersets each page runs over its query: the dashboard's panels, the register's list and
# its counts per status.
FILTERSETS = {"/": 5, "/programmas": 1, "/toezeggingen": 2, "/acties": 1}

# With scale data and at most BOUND choices listed: the fields each page turns into a text input.
BOUND = 10
TYPED = {
    "/": ["organisation"],
    "/programmas": ["organisation"],
    "/toezeggingen": ["program", "organisation", "meeting", "fulfilledBy", "source"],
    "/acties": ["organisation"],
    "/toezeggingen/rappellijst": ["vergadering"],
}
# Related records that number thousands at scale 1.
MANY = [Organisation, Program, Document, Meeting, Person]


@pytest.fixture
def scale_data(db):
    call_command("generate_scale_data", scale=0.01, seed=1, verbosity=0)


@pytest.fixture
def few_listed(settings):
    settings.FILTER_CHOICES_LISTED_MAX = BOUND


def select_of(body, name):
    return re.search(rf'<select name="{name}"', body)


def text_input_of(body, name):
    return re.search(rf'<input type="text" name="{name}"[^>]*>', body)


def value_of(field):
    return re.search(r'value="([^"]*)"', field.group()).group(1)


def big_tables():
    """The tables of the records that are too many to list."""
    return [m._meta.db_table for m in MANY if m.objects.published().count() > BOUND]


def whole_loads(queries):
    return [sql for sql in queries for table in big_tables() if reads_whole(sql, table)]


def reads_whole(sql, table):
    """Whether `sql` loads records of `table` limited by nothing but their visibility."""
    visible = rf"""(WHERE "{table}"\."publication_status" = '{PublicationStatus.PUBLISHED}')?"""
    # On PostgreSQL a select's choices are read through a server-side cursor (DECLARE ... FOR).
    whole = (
        rf'(DECLARE .*? FOR )?SELECT .*"{table}"\."slug".* FROM "{table}" {visible}\s*'
        r"(ORDER BY [^()]*)?$"
    )
    return re.match(whole, sql.strip(), re.DOTALL) is not None


def label_of(body, name):
    return re.search(rf'<label for="id_{name}">([^<]*?):?</label>', body).group(1)


def page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("url", PAGES)
def test_the_memos_few_organisations_stay_a_select(client, memo, url):
    body = client.get(url).content.decode()
    assert select_of(body, "organisation")
    assert not text_input_of(body, "organisation")
    assert '<option value="liof"' in body


@pytest.mark.parametrize("url", TYPED)
def test_a_filter_with_many_records_asks_for_the_name_with_suggestions(
    client, scale_data, few_listed, url
):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for name in TYPED[url]:
        field = text_input_of(body, name)
        assert field, name
        assert not select_of(body, name)
        assert f'aria-describedby="id_{name}_helptext"' in field.group()
        assert f'list="id_{name}_suggesties"' in field.group()
        assert f'data-suggest="?suggest={name}"' in field.group()
        assert f'<datalist id="id_{name}_suggesties"></datalist>' in body
        assert re.search(rf'id="id_{name}_helptext">\s*(Naam|Titel|Orgaan) ', body)
    organisations = Organisation.objects.published().values_list("slug", flat=True)
    assert not any(f'<option value="{slug}"' in body for slug in organisations)


def test_the_help_says_what_to_type(client, scale_data, few_listed):
    text = text_of(client.get("/programmas"))
    assert "Naam van de organisatie, of het kenmerk uit het adres van haar pagina." in text


@pytest.mark.parametrize("url", TYPED)
def test_no_form_reads_a_big_table_whole(client, scale_data, few_listed, settings, url):
    response, queries = page_queries(client, url)
    assert response.status_code == 200
    assert whole_loads(queries) == []
    # The same page listing every record does read them whole: the check sees such a load.
    settings.FILTER_CHOICES_LISTED_MAX = 10_000
    _, listed = page_queries(client, url)
    assert whole_loads(listed)


@pytest.mark.parametrize("url", TYPED)
def test_a_text_input_costs_one_bounded_query_less_than_a_select(
    client, scale_data, few_listed, settings, url, django_assert_max_num_queries
):
    settings.FILTER_CHOICES_LISTED_MAX = 10_000
    _, listed = page_queries(client, url)
    settings.FILTER_CHOICES_LISTED_MAX = BOUND
    with django_assert_max_num_queries(len(listed) - len(TYPED[url])):
        client.get(url)


def a_program_organisation():
    return Organisation.objects.published().filter(programs__isnull=False).first()


@pytest.mark.parametrize("url", PAGES)
def test_a_typed_kenmerk_filters_and_shows_the_records_label(
    client, scale_data, few_listed, url, django_assert_max_num_queries
):
    organisation = a_program_organisation()
    _, unfiltered = page_queries(client, url)
    # The chosen record costs one query per filterset that reads it, never a list of records.
    with django_assert_max_num_queries(len(unfiltered) + FILTERSETS[url]):
        response = client.get(url, {"organisation": organisation.slug})
    assert response.status_code == 200
    body = response.content.decode()
    assert value_of(text_input_of(body, "organisation")) == escape(str(organisation))
    label = label_of(body, "organisation")
    assert f"{label}: {organisation.name}" in text_of(response)


def test_a_typed_kenmerk_narrows_the_list_of_programs(client, scale_data, few_listed):
    organisation = a_program_organisation()
    text = text_of(client.get("/programmas", {"organisation": organisation.slug}))
    for program in Program.objects.published().filter(organisations=organisation):
        assert program.name in text
    # Not the organisation's, nor shown as the parent of one of its programs.
    other = (
        Program.objects.published()
        .exclude(organisations=organisation)
        .exclude(children__organisations=organisation)
        .first()
    )
    assert other.name not in text


def test_a_typed_meeting_chooses_the_rappellijst(client, scale_data, few_listed):
    meeting = Meeting.objects.published().first()
    response = client.get("/toezeggingen/rappellijst", {"vergadering": meeting.slug})
    assert response.status_code == 200
    assert f"Rappellijst: {meeting}" in text_of(response)


@pytest.mark.parametrize("url", [*PAGES, "/toezeggingen/rappellijst"])
def test_an_unknown_kenmerk_is_a_400_that_names_the_filter(client, scale_data, few_listed, url):
    name = TYPED[url][0]
    response = client.get(url, {name: "bestaat-niet"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="bestaat-niet"' in text_input_of(body, name).group()
    text = text_of(response)
    assert label_of(body, name) in text
    assert "met de naam of het kenmerk 'bestaat-niet'" in text


def test_the_api_still_takes_a_slug_and_refuses_an_unknown_one(api, scale_data, few_listed):
    organisation = a_program_organisation()
    response = api.get("/api/v1/programs", {"organisation": organisation.slug})
    assert response.status_code == 200
    expected = Program.objects.published().filter(organisations=organisation).count()
    assert response.json()["count"] == expected
    assert api.get("/api/v1/programs", {"organisation": "bestaat-niet"}).status_code == 400

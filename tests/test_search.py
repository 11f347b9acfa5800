"""Search (`/zoeken`): every type of record, grouped and ranked, only what the reader may see.

PostgreSQL uses the Dutch text search and trigrams; other databases a plain word match. Tests
of one of the two are skipped on the other.
"""

import html
import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.test.utils import CaptureQueriesContext

from budgets.models import BudgetLine, Subsidy
from budgets.search import RESULTS_PER_TYPE, TYPES
from programs.models import Commitment, Program, PublicationStatus
from programs.search import StoredColumn, search_text, search_vector

from . import factories

# Every page costs one query besides the search: the date of the data on its printed source
# line (limburg_maak.context_processors.public_data).
PAGE_QUERIES = 1

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL text search and trigrams"
)
fallback_only = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the plain match of databases without text search"
)
CONCEPT = {"publication_status": PublicationStatus.CONCEPT}


def search(client, query):
    return client.get(f"/zoeken?{urlencode({'q': query})}")


def groups_of(response):
    """{heading: [(title, url), ...]} of the search page, in page order."""
    return {
        str(group.label): [(result.title, result.url) for result in group.results]
        for group in response.context["groups"]
    }


def program_slugs(query):
    return [program.slug for program in Program.objects.published().search(query)]


def main_of(response):
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def test_search_page_has_one_heading_a_labelled_field_and_a_hint_when_empty(client):
    response = client.get("/zoeken")
    assert response.status_code == 200
    main = main_of(response)
    assert main.count("<h1") == 1
    field = re.search(r'<input type="search" id="([^"]+)" name="q"', main)
    assert field and f'<label for="{field[1]}">' in main
    assert "Typ een of meer woorden" in main


def test_every_page_has_a_search_box_in_its_header(client, memo):
    for url in ("/", "/programmas", "/documenten/sterke-maakindustrie-2015"):
        body = client.get(url).content.decode()
        header = body[body.index("<header") : body.index("</header>")]
        assert 'action="/zoeken" method="get"' in header
        assert '<label for="site-search-query">' in header
        assert 'id="site-search-query" name="q"' in header


@pytest.mark.parametrize("query", ["", " ", "a", "x" * 101])
def test_a_too_short_or_too_long_query_gets_a_message_and_no_database_query(
    client, query, django_assert_num_queries
):
    with django_assert_num_queries(PAGE_QUERIES):
        response = search(client, query)
    assert response.status_code == 200
    assert response.context["groups"] == []
    assert re.search(r"Typ (een of meer woorden|minstens 2 tekens)|te lang", main_of(response))


def test_results_are_grouped_by_type_with_counts_and_link_to_public_pages(client, memo):
    response = search(client, "KennisCheque")
    groups = groups_of(response)
    assert groups["Programma's en regelingen"][0] == ("KennisCheque", "/programmas/kennischeque")
    # A subsidy has no page of its own: its instrument's page lists it.
    assert ("Hotraco Group BV: KennisCheque", "/programmas/kennischeque") in groups["Subsidies"]
    main = main_of(response)
    count = len(groups["Programma's en regelingen"])
    assert re.search(rf"<h2[^>]*>Programma&#x27;s en regelingen \({count}\)</h2>", main)
    assert 'href="/programmas/kennischeque"' in main


def test_the_best_match_comes_first_in_its_group(client, memo):
    groups = groups_of(search(client, "LimburgMakers"))
    programs = groups["Programma's en regelingen"]
    assert programs[0] == ("Programma LimburgMakers", "/programmas/limburgmakers")
    # Programs that only mention LimburgMakers in their description come after it.
    assert len(programs) > 1
    assert groups["Begrotingsposten"][0][0] == "Programma LimburgMakers"


def test_every_result_links_to_the_page_that_shows_it(client, db):
    program = factories.ProgramFactory(name="Zonnepaneelregeling", slug="zonnepanelen")
    concept_program = factories.ProgramFactory(slug="zonnepanelen-concept", **CONCEPT)
    memo = factories.DocumentFactory(slug="zonnepaneelnota", title="Nota")
    factories.ThemeFactory(name="Zonnepaneel", slug="zonnepaneel")
    factories.ActionFactory(title="Zonnepaneel uitrollen", slug="uitrollen", program=program)
    factories.ActionFactory(
        title="Zonnepaneel bezien", slug="bezien", program=concept_program, source=memo
    )
    factories.IndicatorFactory(name="Zonnepaneel-daken", program=program)
    factories.BudgetLineFactory(label="Zonnepaneel post", document=memo, program=program)
    groups = groups_of(search(client, "zonnepaneel"))
    # Themes and actions have pages of their own.
    assert groups["Thema's"] == [("Zonnepaneel", "/themas/zonnepaneel")]
    assert sorted(groups["Acties"]) == [
        ("Zonnepaneel bezien", "/acties/bezien"),
        ("Zonnepaneel uitrollen", "/acties/uitrollen"),
    ]
    assert groups["Kengetallen"] == [("Zonnepaneel-daken", "/programmas/zonnepanelen")]
    assert groups["Begrotingsposten"] == [("Zonnepaneel post", "/documenten/zonnepaneelnota")]
    for results in groups.values():
        for _title, url in results:
            assert client.get(url).status_code == 200, url


def test_concept_records_are_never_found_anonymously(client, db):
    factories.ProgramFactory(name="Zonnepaneel concept", **CONCEPT)
    factories.DocumentFactory(title="Zonnepaneel conceptnota", **CONCEPT)
    instrument = factories.ProgramFactory(name="Verborgen regeling", **CONCEPT)
    # Published itself, but public only with its instrument.
    factories.SubsidyFactory(description="Zonnepaneel subsidie", instrument=instrument)
    factories.ProgramFactory(name="Zonnepaneel open")
    response = search(client, "zonnepaneel")
    groups = groups_of(response)
    assert list(groups) == ["Programma's en regelingen"]
    assert [title for title, _url in groups["Programma's en regelingen"]] == ["Zonnepaneel open"]
    assert "concept" not in main_of(response)


def test_staff_find_concept_records_of_the_types_they_may_read(client, db):
    factories.ProgramFactory(name="Zonnepaneel concept", slug="zonnepaneel-concept", **CONCEPT)
    factories.DocumentFactory(title="Zonnepaneel conceptnota", **CONCEPT)
    reader = User.objects.create_user("lezer", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_program"))
    client.force_login(reader)
    groups = groups_of(search(client, "zonnepaneel"))
    assert groups == {
        "Programma's en regelingen": [("Zonnepaneel concept", "/programmas/zonnepaneel-concept")]
    }


def test_the_query_is_shown_escaped(client, memo):
    response = search(client, '<script>alert("x")</script>')
    body = response.content.decode()
    assert "<script>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert 'alert("x")' in html.unescape(main_of(response))


def make_matches(count, start=0):
    """`count` published records of every searched type, each with "zonnepaneel" in its name."""
    for n in range(start, start + count):
        program = factories.ProgramFactory(name=f"Zonnepaneel programma {n}")
        document = factories.DocumentFactory(title=f"Zonnepaneel nota {n}")
        factories.CommitmentFactory(title=f"Zonnepaneel toezegging {n}")
        organisation = factories.OrganisationFactory(name=f"Zonnepaneel bv {n}")
        factories.BudgetLineFactory(label=f"Zonnepaneel post {n}", document=document)
        factories.SubsidyFactory(instrument=program, recipient=organisation)
        factories.ActionFactory(title=f"Zonnepaneel actie {n}", program=program)
        factories.IndicatorFactory(name=f"Zonnepaneel kengetal {n}", source=document)
        factories.ThemeFactory(name=f"Zonnepaneel thema {n}")


def test_query_count_is_one_per_type_however_many_results(
    client, db, django_assert_max_num_queries
):
    make_matches(1)
    with CaptureQueriesContext(connection) as few:
        response = search(client, "zonnepaneel")
    assert len(response.context["groups"]) == len(TYPES)
    make_matches(RESULTS_PER_TYPE + 5, start=1)
    with django_assert_max_num_queries(len(TYPES) + PAGE_QUERIES):
        response = search(client, "zonnepaneel")
    assert len(few.captured_queries) == len(TYPES) + PAGE_QUERIES
    for group in response.context["groups"]:
        assert group.total == RESULTS_PER_TYPE + 6, group.label
        assert len(group.results) == RESULTS_PER_TYPE
    assert f"De {RESULTS_PER_TYPE} beste van {RESULTS_PER_TYPE + 6}" in main_of(response)


def test_counts_from_a_thousand_on_are_grouped(client, db):
    matches = (factories.CommitmentFactory.build(title=f"Zonnepaneel {n}") for n in range(1000))
    Commitment.objects.bulk_create(matches)
    main = main_of(search(client, "zonnepaneel"))
    assert "1.000 resultaten voor" in main
    assert "Toezeggingen en moties (1.000)</h2>" in main
    assert f"De {RESULTS_PER_TYPE} beste van 1.000." in main
    assert "Alle 1.000 resultaten bij toezeggingen en moties" in main
    one_type = client.get(f"/zoeken?{urlencode({'q': 'zonnepaneel', 'soort': 'toezeggingen'})}")
    assert "Resultaten 1–50 van 1.000" in main_of(one_type)


def test_a_repeated_search_reads_no_data_until_a_record_changes(
    client, db, committed, django_assert_max_num_queries
):
    with committed():
        make_matches(2)
    first = groups_of(search(client, "zonnepaneel"))
    # No search query: at most the page's own (itself cached once the data is committed).
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert groups_of(search(client, "zonnepaneel")) == first
    program = Program.objects.get(name="Zonnepaneel programma 0")
    program.name = "Windmolen programma"
    with committed():
        program.save()
    programs = groups_of(search(client, "zonnepaneel"))["Programma's en regelingen"]
    assert [title for title, _url in programs] == ["Zonnepaneel programma 1"]


def test_staff_and_the_public_never_share_cached_results(client, db, committed):
    with committed():
        factories.ProgramFactory(name="Zonnepaneel concept", **CONCEPT)
        factories.ProgramFactory(name="Zonnepaneel openbaar")
    anonymous = groups_of(search(client, "zonnepaneel"))["Programma's en regelingen"]
    client.force_login(User.objects.create_superuser("redacteur"))
    staff = groups_of(search(client, "zonnepaneel"))["Programma's en regelingen"]
    assert [title for title, _url in anonymous] == ["Zonnepaneel openbaar"]
    assert sorted(title for title, _url in staff) == ["Zonnepaneel concept", "Zonnepaneel openbaar"]


@postgresql_only
def test_dutch_word_forms_find_the_same_programs(memo):
    # "programma's" is read as "programma"; "subsidies" and "subsidie" differ in the Dutch
    # stemmer, and meet through trigram similarity.
    assert program_slugs("programma's") == program_slugs("programma")
    assert "limburgmakers" in program_slugs("programma's")
    assert set(program_slugs("subsidies")) == set(program_slugs("subsidie"))
    assert "innovatieproject-subsidies" in program_slugs("subsidie")
    # Stemming: "regelingen" finds a description that says "regeling".
    assert "kennischeque" in program_slugs("regelingen")


@postgresql_only
def test_part_of_a_compound_word_finds_the_whole(memo):
    assert program_slugs("regeling")[0] == "innovatieregelingen-op-zuid"
    factories.ProgramFactory(name="Innovatieproject-subsidieregeling", slug="ips-regeling")
    assert "ips-regeling" in program_slugs("regeling")
    assert "ips-regeling" in program_slugs("subsidie")
    assert "ips-regeling" not in program_slugs("leningen")


@postgresql_only
def test_a_name_with_the_word_comes_before_a_name_like_it_and_then_a_mention(db):
    # Programs compute their search vector, budget lines store it: both rank alike.
    passing = factories.ProgramFactory(name="Kennisvouchers", description="Voor innovatie")
    alike = factories.ProgramFactory(name="Innovatieregelingen Zuid", description="")
    named = factories.ProgramFactory(name="Innovatie in de maakindustrie", description="")
    assert list(Program.objects.search("innovatie")) == [named, alike, passing]
    lines = [
        factories.BudgetLineFactory(label=label, note=note)
        for label, note in [
            ("Kennisvouchers", "Voor innovatie"),
            ("Innovatieregelingen Zuid", ""),
            ("Innovatie in de maakindustrie", ""),
        ]
    ]
    assert list(BudgetLine.objects.search("innovatie")) == lines[::-1]
    # A name that resembles the word counts beside a mention of it.
    resembling = factories.ProgramFactory(name="Innovatieve projecten", description="innovatie")
    assert list(Program.objects.search("innovatie"))[1] == resembling


@postgresql_only
def test_a_long_text_is_made_a_vector_once_to_match_and_once_to_rank(db):
    # Whether the names hold a word is read from the names alone: a description's vector,
    # made for every match of a computed search, is slow to make a third time.
    sql = str(Program.objects.search("innovatie").query)
    assert sql.count('to_tsvector(dutch::regconfig, COALESCE("programs_program"."description"') == 2


def test_a_word_after_a_minus_sign_excludes_records(memo):
    assert "limburgmakers" in program_slugs("programma")
    assert "limburgmakers" not in program_slugs("programma -limburgmakers")
    assert "investor-development-programma" in program_slugs("programma -limburgmakers")
    assert program_slugs("-limburgmakers") == []


@postgresql_only
def test_postgresql_uses_the_search_indexes(memo):
    with connection.cursor() as cursor:
        # The tables are small enough that PostgreSQL would rather read them whole.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Program.objects.search("regeling").explain()
    assert "program_search_fts" in plan
    assert "program_search_trgm" in plan


def stored_and_computed(model):
    """[(stored vector, computed vector, stored text, computed text)] of every `model` row."""
    fields = model.objects.all().search_fields
    return list(
        model.objects.order_by("pk").values_list(
            Cast(StoredColumn("search_vector", SearchVectorField()), TextField()),
            Cast(search_vector(fields), TextField()),
            StoredColumn("search_text", TextField()),
            search_text([field for field, _weight in fields]),
        )
    )


def assert_stored_search_is_current():
    for model in (BudgetLine, Subsidy):
        rows = stored_and_computed(model)
        assert rows, model
        for stored_vector, vector, stored_text, text in rows:
            assert (stored_vector, stored_text) == (vector, text), model


@postgresql_only
def test_stored_search_columns_hold_what_the_search_would_compute(db):
    # The migration's trigger spells out the fields; `programs.search` must agree with it.
    factories.BudgetLineFactory(label="Zonnepanelen op daken", note="Voor het mkb in Venlo")
    factories.BudgetLineFactory(label="Warmtenet", note="")
    factories.SubsidyFactory(description="Proeffabriek voor composiet")
    factories.SubsidyFactory(description="")
    assert_stored_search_is_current()


@postgresql_only
def test_stored_search_follows_every_edit_and_every_rename_of_a_recipient_or_instrument(db):
    line = factories.BudgetLineFactory(label="Zonnepaneel post")
    subsidy = factories.SubsidyFactory(description="Windmolen")
    line.label = "Warmtepomp post"
    line.save()
    assert_stored_search_is_current()
    assert list(BudgetLine.objects.search("warmtepomp")) == [line]
    assert list(BudgetLine.objects.search("zonnepaneel")) == []

    subsidy.recipient.name = "Getijdencentrale bv"
    subsidy.recipient.save()
    assert_stored_search_is_current()
    assert list(Subsidy.objects.search("getijdencentrale")) == [subsidy]

    subsidy.instrument.name = "Kernfusieregeling"
    subsidy.instrument.save()
    assert_stored_search_is_current()
    assert list(Subsidy.objects.search("kernfusie")) == [subsidy]


@postgresql_only
@pytest.mark.parametrize(("model", "prefix"), [(BudgetLine, "budgetline"), (Subsidy, "subsidy")])
def test_postgresql_searches_the_stored_columns_through_their_indexes(memo, model, prefix):
    assert "to_tsvector" not in str(model.objects.search("regeling").query)
    # The search's conditions alone: its ranking joins tables the planner may start from.
    matches = model.objects.alias(
        vector=StoredColumn("search_vector", SearchVectorField()),
        text=StoredColumn("search_text", TextField()),
    ).filter(
        Q(vector=SearchQuery("regeling", config="dutch")) | Q(text__trigram_word_similar="regeling")
    )
    with connection.cursor() as cursor:
        # Small tables: PostgreSQL would rather read them whole, or along any other index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = matches.explain()
    assert f"{prefix}_search_vector" in plan
    assert f"{prefix}_search_text" in plan


@fallback_only
def test_without_text_search_every_word_must_occur_in_any_field(memo):
    # Both words in the name first; then those with the words elsewhere (a description).
    assert program_slugs("SERVICE innovatie")[:3] == [
        "esic-advies-service-innovatie",
        "pilot-service-innovatie-mkb-limburg",
        "expertise-en-innovatiecentrum-biss",
    ]
    assert program_slugs("service onbestaand") == []
    # A part of a word is found by the substring match.
    assert "innovatieregelingen-op-zuid" in program_slugs("regeling")
    assert program_slugs("programma's") == program_slugs("programma")


def test_the_leak_crawl_search_finds_every_planted_concept_type_for_staff(admin_client, memo):
    # The crawl's `/zoeken` seeds prove nothing unless these searches would find the concepts.
    from .test_leak_crawl import MARKER, plant_concepts

    plant_concepts(memo)
    groups = groups_of(search(admin_client, "lekmarker"))
    found = {label for label, results in groups.items() if any(MARKER in t for t, _ in results)}
    assert found >= {
        "Programma's en regelingen",
        "Documenten",
        "Toezeggingen en moties",
        "Organisaties",
        "Begrotingsposten",
        "Acties",
        "Kengetallen",
        "Thema's",
    }
    assert groups_of(search(admin_client, "lek-subsidie"))["Subsidies"]

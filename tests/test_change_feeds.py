"""Following changes: the changes API for systems, the Atom feed for people, the deadline
calendar. Public records only; a record that stops being public is reported as deleted."""

import datetime
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
from django.utils import timezone
from icalendar import Calendar

from common.api import PROBLEM_JSON
from programs.models import Commitment, Program, PublicationStatus

from . import factories
from .factories import save_at

API = "/api/v1"
MARKER = "LEKMARKER"
CONCEPT = {"publication_status": PublicationStatus.CONCEPT}
MOMENT = datetime.datetime(2030, 3, 1, 12, 0, tzinfo=datetime.UTC)


def read_changes(client, **params):
    response = client.get(f"{API}/changes", params)
    assert response.status_code == 200, response.content
    return response.json()


def all_changes(client, **params):
    """Every entry, following `next` from page to page."""
    body = read_changes(client, **params)
    entries = body["results"]
    while body["next"]:
        query = parse_qs(urlsplit(body["next"]).query)
        body = read_changes(client, **{key: values[0] for key, values in query.items()})
        entries += body["results"]
    return entries


def about(entries, type_name, identifier):
    return [
        entry["action"]
        for entry in entries
        if entry["type"] == type_name and entry["id"] == identifier
    ]


# The changes API


def test_loading_the_memo_shows_its_records_as_created_with_their_api_url(memo, api):
    entries = all_changes(api, pageSize=1000)

    program = next(e for e in entries if e["type"] == "program" and e["id"] == "limburgmakers")
    assert program["action"] == "nieuw"
    assert program["url"] == "http://testserver/api/v1/programs/limburgmakers"
    assert api.get(program["url"]).status_code == 200
    line = next(e for e in entries if e["id"] == "sterke-maakindustrie-2015-1")
    assert line["url"].endswith("/api/v1/budget-lines/sterke-maakindustrie-2015-1")
    commitment = next(e for e in entries if e["type"] == "commitment")
    assert commitment["id"] in {"toezegging-1886", "toezegging-1887", "motie-615"}


def test_changes_come_in_the_order_they_were_made(db, api):
    program = factories.ProgramFactory(slug="volgorde", program_line=None, source=None)
    program.name = "Hernoemd"
    program.save()
    theme = factories.ThemeFactory(slug="later-thema")
    theme.name = "Later"
    theme.save()

    entries = all_changes(api)

    times = [datetime.datetime.fromisoformat(entry["changedAt"]) for entry in entries]
    assert times == sorted(times)
    assert [(e["type"], e["id"], e["action"]) for e in entries] == [
        ("program", "volgorde", "nieuw"),
        ("program", "volgorde", "gewijzigd"),
        ("theme", "later-thema", "nieuw"),
        ("theme", "later-thema", "gewijzigd"),
    ]


def test_a_deleted_record_is_reported_deleted_without_url(db, api):
    theme = factories.ThemeFactory(slug="weg-thema")
    theme._change_reason = "Dubbel"
    theme.delete()

    entries = all_changes(api)

    assert about(entries, "theme", "weg-thema") == ["nieuw", "verwijderd"]
    assert entries[-1]["url"] is None


def test_a_concept_record_never_appears_nor_its_data(db, api):
    concept = factories.ProgramFactory(slug="lek-concept", name=f"{MARKER} programma", **CONCEPT)
    save_at(concept, timezone.now(), description=MARKER)
    concept._change_reason = "Toch niet"
    concept.delete()

    response = api.get(f"{API}/changes", {"pageSize": 1000})

    assert MARKER.encode() not in response.content
    assert b"lek-concept" not in response.content


def test_a_record_turned_back_into_concept_is_deleted_under_the_id_the_public_knew(db, api):
    program = factories.ProgramFactory(slug="openbaar", name="Openbaar programma")
    save_at(program, timezone.now(), slug="geheim-nieuw", name=MARKER, **CONCEPT)

    response = api.get(f"{API}/changes", {"pageSize": 1000})

    assert about(response.json()["results"], "program", "openbaar") == ["nieuw", "verwijderd"]
    assert MARKER.encode() not in response.content
    assert b"geheim-nieuw" not in response.content


def test_publishing_a_concept_reports_it_created(db, api):
    program = factories.ProgramFactory(slug="eerst-concept", **CONCEPT)

    save_at(program, timezone.now(), publication_status=PublicationStatus.PUBLISHED)

    assert about(all_changes(api), "program", "eerst-concept") == ["nieuw"]


def test_a_changed_slug_is_an_update_of_the_same_uuid_at_its_new_address(db, api):
    program = factories.ProgramFactory(slug="oude-naam")

    save_at(program, timezone.now(), slug="nieuwe-naam")

    entries = all_changes(api)
    assert [(e["uuid"], e["id"], e["action"]) for e in entries][-2:] == [
        (str(program.uuid), "oude-naam", "nieuw"),
        (str(program.uuid), "nieuwe-naam", "gewijzigd"),
    ]
    assert api.get(f"{API}/programs/oude-naam")["Location"] == entries[-1]["url"]


def test_a_budget_line_of_a_concept_program_does_not_appear(db, api):
    program = factories.ProgramFactory(slug="concept-bron", **CONCEPT)
    line = factories.BudgetLineFactory(program=program, label=MARKER)

    response = api.get(f"{API}/changes", {"pageSize": 1000})

    assert MARKER.encode() not in response.content
    assert about(response.json()["results"], "budget-line", line.public_id) == []


def test_cursor_paging_has_no_gaps_or_duplicates_even_when_changes_share_a_moment(db, api):
    made = []
    for number in range(7):
        made.append(
            (
                "program",
                save_at(
                    factories.ProgramFactory.build(program_line=None, source=None), MOMENT
                ).slug,
            )
        )
        if number % 2:
            made.append(("theme", save_at(factories.ThemeFactory.build(), MOMENT).slug))
    for program in Program.objects.all()[:3]:
        save_at(program, MOMENT, description="Zelfde moment")
    since = (MOMENT - datetime.timedelta(seconds=1)).isoformat()

    paged = all_changes(api, since=since, pageSize=2)
    whole = read_changes(api, since=since, pageSize=1000)["results"]

    assert paged == whole
    keys = [(e["type"], e["id"], e["action"]) for e in paged]
    assert len(set(keys)) == len(keys) == len(made) + 3
    assert {(t, i) for t, i, action in keys if action == "nieuw"} == set(made)


def test_the_saved_cursor_continues_after_the_last_change_read(db, api):
    factories.ThemeFactory(slug="al-gelezen")
    first = read_changes(api)
    assert first["next"] is None

    factories.ThemeFactory(slug="daarna")
    later = read_changes(api, cursor=first["cursor"])

    assert [entry["id"] for entry in later["results"]] == ["daarna"]
    assert read_changes(api, cursor=later["cursor"])["results"] == []


def test_since_leaves_out_earlier_changes(db, api):
    factories.ThemeFactory(slug="voor")
    save_at(factories.ThemeFactory.build(slug="na"), MOMENT)

    entries = all_changes(api, since="2030-03-01T12:00:00+00:00")

    assert [entry["id"] for entry in entries] == ["na"]
    assert entries[0]["changedAt"] == "2030-03-01T13:00:00+01:00"


def test_a_plus_sent_unencoded_in_since_is_read_as_a_plus(db, api):
    save_at(factories.ThemeFactory.build(slug="na"), MOMENT)

    response = api.get(f"{API}/changes?since=2030-03-01T13:00:00+01:00")

    assert response.status_code == 200
    assert [entry["id"] for entry in response.json()["results"]] == ["na"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"since": "gisteren"}, "since"),
        ({"since": "2030-03-01T12:00:00"}, "since"),
        ({"since": "2030-13-01T12:00:00Z"}, "since"),
        ({"cursor": "geen-cursor"}, "cursor"),
        ({"cursor": "WyJ4Il0"}, "cursor"),
        ({"pageSize": "0"}, "pageSize"),
    ],
)
def test_an_invalid_query_is_a_400_problem(db, api, params, name):
    response = api.get(f"{API}/changes", params)

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_JSON
    assert response["API-Version"]
    assert [param["name"] for param in response.json()["invalidParams"]] == [name]


def test_a_page_costs_a_bounded_number_of_queries(db, api, django_assert_max_num_queries):
    for _ in range(30):
        save_at(factories.ProgramFactory(), timezone.now(), description="Bijgewerkt")

    with django_assert_max_num_queries(2 * 9 + 4):
        body = read_changes(api, pageSize=50)

    assert len(body["results"]) == 50


def test_the_openapi_document_declares_the_changes_feed(api):
    document = api.get(f"{API}/openapi.json").json()

    operation = document["paths"]["/changes"]["get"]
    parameters = {parameter["name"]: parameter["schema"] for parameter in operation["parameters"]}
    assert parameters["since"] == {"type": "string", "format": "date-time"}
    assert parameters["cursor"]["type"] == "string"
    assert parameters["pageSize"]["type"] == "integer"
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    page = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert set(page["properties"]) == {"next", "cursor", "results"}
    entry = document["components"]["schemas"]["Change"]
    assert set(entry["properties"]) == {"type", "uuid", "id", "action", "changedAt", "url"}
    actions = document["components"]["schemas"]["ChangeActionEnum"]
    assert actions["enum"] == ["nieuw", "gewijzigd", "verwijderd"]


# The Atom feed


def test_the_atom_feed_parses_and_names_changes_in_dutch(db, client):
    factories.ProgramFactory(slug="atom-programma", name='Meten & regelen <b>"slim"</b>')
    theme = factories.ThemeFactory(slug="atom-thema", name="Reshoring")
    save_at(theme, timezone.now() + datetime.timedelta(seconds=1), description="Bijgewerkt")

    response = client.get("/wijzigingen.atom")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "Thema ‘Reshoring’ gewijzigd"
    assert 'Programma ‘Meten & regelen <b>"slim"</b>’ nieuw of gepubliceerd' in titles
    assert feed.entries[0].link == "http://testserver/themas/atom-thema"
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)


def test_the_atom_feed_never_shows_concept_records(db, client):
    factories.ProgramFactory(slug="lek-atom", name=f"{MARKER} programma", **CONCEPT)
    published = factories.ProgramFactory(slug="weer-concept", name="Was openbaar")
    save_at(published, timezone.now(), name=MARKER, **CONCEPT)

    response = client.get("/wijzigingen.atom")

    assert MARKER.encode() not in response.content
    titles = [entry.title for entry in feedparser.parse(response.content).entries]
    assert "Programma ‘Was openbaar’ verwijderd of niet meer openbaar" in titles


# The deadline calendar


def read_calendar(client):
    response = client.get("/termijnen.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(calendar):
    """{the record's address (the last part of the event's URL): event}."""
    return {str(event["url"]).rsplit("/", 1)[-1]: event for event in calendar.walk("VEVENT")}


def test_each_deadline_is_an_all_day_event_on_the_last_day_of_its_period(db, client):
    factories.CommitmentFactory(
        kind=Commitment.Kind.PROMISE, number="3001", title="Evaluatie", deadline="medio 2016"
    )
    factories.ActionFactory(slug="besluit-pilot", title="Besluit pilot", due="najaar 2015")
    factories.CommitmentFactory(number="3002", deadline="3 maart 2016")

    events = events_by_uid(read_calendar(client))

    promise = events["toezegging-3001"]
    assert promise.decoded("dtstart") == datetime.date(2016, 8, 31)
    assert promise.decoded("dtend") == datetime.date(2016, 9, 1)
    assert str(promise["summary"]) == "Toezegging 3001: Evaluatie (termijn medio 2016)"
    assert "1 mei 2016 tot en met 31 augustus 2016" in str(promise["description"])
    assert str(promise["url"]) == "http://testserver/toezeggingen/toezegging-3001"
    assert promise["dtstamp"]
    action = events["besluit-pilot"]
    assert action.decoded("dtstart") == datetime.date(2015, 11, 30)
    assert "najaar 2015" in str(action["summary"])
    day = events["toezegging-3002"]
    assert day.decoded("dtstart") == datetime.date(2016, 3, 3)


def test_the_calendar_is_stable_between_requests(db, client):
    factories.CommitmentFactory(number="3003", deadline="eind 2016")

    assert client.get("/termijnen.ics").content == client.get("/termijnen.ics").content


def test_a_calendar_uid_is_the_records_uuid_whatever_the_host_or_slug(db, client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    action = factories.ActionFactory(slug="oude-slug", due="2030")
    first = read_calendar(client)
    action.slug = "nieuwe-slug"
    action.save()

    response = client.get("/termijnen.ics", HTTP_HOST="localhost")

    later = Calendar.from_ical(response.content)
    uids = [[str(event["uid"]) for event in calendar.walk("VEVENT")] for calendar in (first, later)]
    assert uids[0] == uids[1] == [f"{action.uuid}@{settings.SITE_DOMAIN}"]


def test_the_calendar_has_only_public_records_with_a_deadline(db, client):
    factories.CommitmentFactory(number="3004", title=MARKER, deadline="2016", **CONCEPT)
    factories.ActionFactory(slug="lek-actie", title=MARKER, due="2016", **CONCEPT)
    factories.CommitmentFactory(number="3005", deadline=None)
    factories.ActionFactory(slug="zonder-termijn", due=None)
    factories.ActionFactory(slug="met-termijn", due="2016")

    calendar = read_calendar(client)

    assert MARKER not in calendar.to_ical().decode()
    assert set(events_by_uid(calendar)) == {"met-termijn"}


def test_the_calendar_holds_what_is_open_unless_asked_for_every_deadline(db, client):
    factories.CommitmentFactory(number="3101", deadline="2030")
    factories.CommitmentFactory(number="3102", deadline="2016", status="voldaan")
    factories.ActionFactory(slug="loopt", due="2030", status="in_uitvoering")
    factories.ActionFactory(slug="klaar", due="2016", status="afgerond")

    assert set(events_by_uid(read_calendar(client))) == {
        "toezegging-3101",
        "loopt",
    }
    every = Calendar.from_ical(client.get("/termijnen.ics", {"status": "alle"}).content)
    assert len(events_by_uid(every)) == 4
    fulfilled = Calendar.from_ical(client.get("/termijnen.ics", {"status": "voldaan"}).content)
    assert set(events_by_uid(fulfilled)) == {"toezegging-3102"}


def test_the_calendar_takes_the_registers_filters(db, client):
    theme = factories.ThemeFactory(slug="reshoring")
    motion = factories.CommitmentFactory(
        kind=Commitment.Kind.MOTION, number="615", vote_outcome="aangenomen", deadline="2030"
    )
    motion.themes.add(theme)
    factories.CommitmentFactory(number="3103", deadline="2030")
    factories.ActionFactory(slug="actie", due="2030")

    response = client.get("/termijnen.ics", {"theme": "reshoring", "kind": "motie"})

    assert response.status_code == 200
    assert set(events_by_uid(Calendar.from_ical(response.content))) == {"motie-615"}


def test_a_calendar_filter_the_register_refuses_is_a_400_that_says_why(db, client):
    response = client.get("/termijnen.ics", {"status": "bijna"})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("status: ")


def test_atom_entries_link_to_pages_people_read(db, client):
    commitment = factories.CommitmentFactory(number="1886")
    factories.SubsidyFactory(slug="atom-subsidie")
    gone = factories.ProgramFactory(slug="atom-weg", name="Weg")
    save_at(gone, timezone.now() + datetime.timedelta(seconds=1), **CONCEPT)

    entries = feedparser.parse(client.get("/wijzigingen.atom").content).entries
    links = {entry.title: entry.link for entry in entries}

    assert links[f"Toezegging of motie ‘{commitment.title}’ nieuw of gepubliceerd"] == (
        "http://testserver/toezeggingen/toezegging-1886"
    )
    assert links["Programma ‘Weg’ verwijderd of niet meer openbaar"] == (
        "http://testserver/programmas"
    )
    assert "http://testserver/api/v1/subsidies/atom-subsidie" in links.values()


def atom_entries(client):
    return feedparser.parse(client.get("/wijzigingen.atom").content).entries


def test_atom_titles_a_subsidy_by_its_recipient_and_instrument(db, client):
    factories.SubsidyFactory(
        slug="atom-naam",
        recipient=factories.OrganisationFactory(name="Maakbedrijf BV"),
        instrument=factories.ProgramFactory(name="Groeiregeling"),
    )
    titles = [entry.title for entry in atom_entries(client)]
    assert "Subsidie ‘Maakbedrijf BV: Groeiregeling’ nieuw of gepubliceerd" in titles
    assert not [title for title in titles if "atom-naam" in title]


def test_an_atom_update_says_what_changed_from_what_to_what(db, client):
    later = timezone.now() + datetime.timedelta(seconds=1)
    program = factories.ProgramFactory(name="Groeiregeling", end="medio 2016")
    save_at(
        program, later, name="Groeiregeling II", end="eind 2017", status=Program.Status.FINISHED
    )
    summary = next(e.summary for e in atom_entries(client) if "Groeiregeling II" in e.title)
    assert "Gewijzigd:" in summary
    assert "naam: Groeiregeling → Groeiregeling II" in summary
    assert "einde: medio 2016 → eind 2017" in summary
    assert "status: lopend → afgerond" in summary
    assert "version" not in summary and "versie" not in summary


def test_an_atom_update_never_names_a_concept_record_it_now_points_to(db, client):
    action = factories.ActionFactory(
        title="Overleg", owner=factories.OrganisationFactory(name="LIOF")
    )
    secret = factories.OrganisationFactory(name=f"{MARKER} bv", **CONCEPT)
    save_at(action, timezone.now() + datetime.timedelta(seconds=1), owner=secret)
    body = client.get("/wijzigingen.atom").content.decode()
    assert MARKER not in body
    summary = next(
        e.summary
        for e in feedparser.parse(body).entries
        if "Overleg" in e.title and "gewijzigd" in e.title
    )
    assert "eigenaar: LIOF (Venlo) → (niet openbaar)" in summary

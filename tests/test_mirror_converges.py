"""The changes feed's contract: a system that reads every list once and then applies the feed
from the moment it started has, after any sequence of edits, exactly what a fresh listing
gives. The test is that system: it keeps a mirror by the API alone."""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from budgets.feeds import FEED_TYPES
from budgets.models import BudgetLine, Subsidy
from programs.models import (
    Commitment,
    Document,
    Indicator,
    Organisation,
    Person,
    Program,
    ProgramOrganisation,
    PublicationStatus,
    Theme,
)

from . import factories
from .test_spreadsheet_import import LINE_HEADER, MEMO, csv_bytes, import_all

API = "/api/v1"
CONCEPT = {"publication_status": PublicationStatus.CONCEPT}
PUBLISHED = PublicationStatus.PUBLISHED


def pages(client, url, **params):
    """Every result of a list or of the feed, following `next`."""
    results = []
    while url:
        response = client.get(url, params, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, response.content
        body = response.json()
        results += body["results"]
        url, params = body["next"], {}
    return results, body


def listing(client):
    """{(type, uuid): representation} of every public record, read from the lists."""
    records = {}
    for feed_type in FEED_TYPES:
        results, _body = pages(client, reverse(f"api:{feed_type.name}-list"), pageSize=100)
        records |= {(feed_type.name, record["uuid"]): record for record in results}
    return records


def feed_cursor(client):
    """Where the feed ends now: the cursor to read on from."""
    _entries, body = pages(client, f"{API}/changes", pageSize=1000)
    return body["cursor"]


def apply_feed(client, mirror, cursor):
    """Apply the feed after `cursor` to `mirror` as its contract says; the new cursor."""
    entries, body = pages(client, f"{API}/changes", cursor=cursor, pageSize=7)
    for entry in entries:
        key = (entry["type"], entry["uuid"])
        if entry["action"] == "verwijderd":
            mirror.pop(key, None)
            continue
        response = client.get(entry["url"], HTTP_ACCEPT="application/json")
        if response.status_code == 301:
            # Its address changed again since: the answer says where it is now.
            response = client.get(response["Location"], HTTP_ACCEPT="application/json")
        if response.status_code == 404:
            # A later entry removes it.
            continue
        assert response.status_code == 200, (entry, response.content)
        mirror[key] = response.json()
    return body["cursor"] or cursor


def differences(mirror, fresh):
    return {
        key: (mirror.get(key), fresh.get(key))
        for key in mirror.keys() | fresh.keys()
        if mirror.get(key) != fresh.get(key)
    }


@pytest.fixture
def world(memo):
    """The memo, with what the memo lacks: a concept program whose lines wait for it, a
    commitment with a settlement and a person, actions and indicators."""
    waiting = factories.ProgramFactory(slug="wacht-op-publicatie", **CONCEPT)
    for position in (40, 41):
        factories.BudgetLineFactory(document=memo, program=waiting, position=position)
    person = factories.PersonFactory(slug="statenlid")
    commitment = factories.CommitmentFactory(number="3001", made_by=person)
    commitment.themes.add(Theme.objects.get(slug="digitalisering"))
    factories.SettlementFactory(commitment=commitment)
    action = factories.ActionFactory(program=Program.objects.get(slug="limburgmakers"))
    action.commitments.add(commitment)
    return memo


def edits(admin_client, memo, api, staff_api):
    """Every kind of edit, by every path: saves, the admin, the API, an import."""
    now = timezone.now()

    theme = Theme.objects.get(slug="digitalisering")
    theme.name = "Digitalisering en data"
    theme.save()

    organisation = Organisation.objects.get(slug="hotraco-group")
    organisation.slug = "hotraco"
    organisation.save()

    makers = Program.objects.get(slug="limburgmakers")
    makers.publication_status = PublicationStatus.CONCEPT
    makers.save()

    waiting = Program.objects.get(slug="wacht-op-publicatie")
    waiting.publication_status = PUBLISHED
    waiting.save()

    line = BudgetLine.objects.filter(program__slug="limburgmakers").first()
    line.program = waiting
    line.save()

    Indicator.objects.filter(publication_status=PUBLISHED).first().delete()

    program = Program.objects.published().exclude(themes=theme).first()
    program.themes.add(theme)
    theme.programs.remove(Program.objects.published().filter(themes=theme).last())

    commitment = Commitment.objects.get(number="3001")
    commitment.deadline = "eind 2027"
    commitment._change_reason = "Later klaar"
    commitment.save()
    person = Person.objects.get(slug="statenlid")
    person.party = "Partij van de Provincie"
    person.save()
    commitment.themes.clear()

    ProgramOrganisation.objects.filter(program__publication_status=PUBLISHED).first().delete()

    recipient = Subsidy.objects.first().recipient
    recipient.publication_status = PublicationStatus.CONCEPT
    recipient.save()

    memo.slug = "maakindustrie-2015"
    memo.save()

    # Through the API: a slug renamed with PATCH.
    detail = staff_api.get(f"{API}/themes/3d-printing")
    response = staff_api.patch(
        f"{API}/themes/3d-printing",
        {"slug": "driedee-printen"},
        format="json",
        HTTP_IF_MATCH=detail["ETag"],
        HTTP_CHANGE_REASON="Nieuwe naam",
    )
    assert response.status_code == 200, response.content

    # Through the admin's import: a new line and a changed one.
    rows = [
        LINE_HEADER,
        ["maakindustrie-2015-2", "Anders omschreven", "limburgmakers", "bedrag", "1.000"],
        ["maakindustrie-2015-60", "Nieuwe post", "wacht-op-publicatie", "bedrag", "2,5"],
    ]
    import_all(admin_client, BudgetLine, "bijlage.csv", csv_bytes(rows))
    assert BudgetLine.objects.filter(position=60).exists()
    return now


def test_a_mirror_kept_by_the_feed_equals_a_fresh_listing_after_every_kind_of_edit(
    world, api, staff_api, admin_client
):
    cursor = feed_cursor(api)
    mirror = listing(api)
    before = dict(mirror)

    edits(admin_client, world, api, staff_api)
    apply_feed(api, mirror, cursor)

    fresh = listing(api)
    assert differences(mirror, fresh) == {}
    # The edits changed what the lists show, in many records of every kind.
    changed = differences(before, fresh)
    assert len(changed) > 40
    assert {kind for kind, _uuid in changed} == {feed_type.name for feed_type in FEED_TYPES}


def test_a_mirror_started_before_any_data_converges_from_the_feed_alone(db, api):
    mirror = {}
    cursor = feed_cursor(api)
    program = factories.ProgramFactory(**CONCEPT)
    factories.BudgetLineFactory(program=program)
    program.publication_status = PUBLISHED
    program.save()

    apply_feed(api, mirror, cursor)

    assert differences(mirror, listing(api)) == {}


def test_unpublishing_a_program_reports_its_lines_and_subsidies_deleted(memo, api):
    cursor = feed_cursor(api)
    program = Program.objects.get(slug="limburgmakers")
    lines = set(
        BudgetLine.objects.published().filter(program=program).values_list("uuid", flat=True)
    )
    assert lines

    program.publication_status = PublicationStatus.CONCEPT
    program.save()

    entries, _body = pages(api, f"{API}/changes", cursor=cursor)
    deleted = {entry["uuid"] for entry in entries if entry["action"] == "verwijderd"}
    assert {str(uuid) for uuid in lines} <= deleted


def test_renaming_a_theme_reports_every_record_that_shows_its_name(memo, api):
    theme = Theme.objects.get(slug="digitalisering")
    showing = {
        ("program", str(uuid))
        for uuid in Program.objects.published().filter(themes=theme).values_list("uuid", flat=True)
    }
    cursor = feed_cursor(api)

    theme.name = "Data"
    theme.save()

    entries, _body = pages(api, f"{API}/changes", cursor=cursor)
    updated = {(entry["type"], entry["uuid"]) for entry in entries}
    assert showing and showing <= updated
    assert ("theme", str(theme.uuid)) in updated


def test_a_save_that_changes_nothing_shown_reports_only_the_record_itself(memo, api):
    document = Document.objects.get(slug=MEMO)
    cursor = feed_cursor(api)

    document.summary = "Een andere samenvatting."
    document.save()

    entries, _body = pages(api, f"{API}/changes", cursor=cursor)
    assert [(entry["type"], entry["id"], entry["action"]) for entry in entries] == [
        ("document", MEMO, "gewijzigd")
    ]


def test_a_slug_change_is_one_update_under_the_uuid_with_the_new_address(memo, api):
    organisation = Organisation.objects.get(slug="hotraco-group")
    cursor = feed_cursor(api)

    organisation.slug = "hotraco"
    organisation.save()

    entries, _body = pages(api, f"{API}/changes", cursor=cursor)
    own = [entry for entry in entries if entry["type"] == "organisation"]
    assert [(entry["uuid"], entry["id"], entry["action"]) for entry in own] == [
        (str(organisation.uuid), "hotraco", "gewijzigd")
    ]
    assert own[0]["url"].endswith("/api/v1/organisations/hotraco")
    subsidies = {entry["uuid"] for entry in entries if entry["type"] == "subsidy"}
    assert subsidies == {str(s.uuid) for s in Subsidy.objects.filter(recipient=organisation)}


def test_the_feed_entry_is_written_with_the_edit_or_not_at_all(memo, api):
    cursor = feed_cursor(api)
    theme = Theme.objects.get(slug="digitalisering")

    with pytest.raises(RuntimeError), transaction.atomic():
        theme.name = "Nooit opgeslagen"
        theme.save()
        raise RuntimeError("rolled back")

    entries, _body = pages(api, f"{API}/changes", cursor=cursor)
    assert entries == []
    assert Theme.objects.get(slug="digitalisering").name != "Nooit opgeslagen"


@pytest.mark.django_db(transaction=True)
def test_a_reader_never_finds_an_entry_behind_its_cursor_later(api):
    """Two writers: the first to write commits last. Its entry must not take an id below one
    a reader has already read past: the second writer's entry waits for its commit."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs a server database")
    first, second = factories.ThemeFactory(), factories.ThemeFactory()
    cursor = feed_cursor(api)
    first_wrote, first_may_commit = threading.Event(), threading.Event()

    def write_first():
        with transaction.atomic():
            first.name = "Eerst geschreven, laatst vastgelegd"
            first.save()
            first_wrote.set()
            first_may_commit.wait(10)
        connection.close()

    def write_second():
        first_wrote.wait(10)
        second.name = "Later geschreven"
        second.save()
        connection.close()

    writers = [threading.Thread(target=write_first), threading.Thread(target=write_second)]
    for writer in writers:
        writer.start()
    assert wait_for_a_writer_waiting_on_the_feed(), "the second writer never waited"
    entries, _body = pages(api, f"{API}/changes", cursor=cursor)
    assert entries == []
    first_may_commit.set()
    for writer in writers:
        writer.join()

    entries, _body = pages(api, f"{API}/changes", cursor=cursor)
    assert [entry["uuid"] for entry in entries] == [str(first.uuid), str(second.uuid)]


def wait_for_a_writer_waiting_on_the_feed(attempts=500):
    """Whether a transaction comes to wait for the feed's lock (asked of PostgreSQL)."""
    with connection.cursor() as cursor:
        for _ in range(attempts):
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            if cursor.fetchone()[0]:
                return True
            cursor.execute("SELECT pg_sleep(0.01)")
    return False

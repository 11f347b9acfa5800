"""`/wijzigingen`: what changed since a date or a committee's previous meeting, grouped by
type, with what changed from what to what; filtered, downloadable, printable, public only."""

import csv
import datetime
import io

from django.utils import timezone

from programs.models import PublicationStatus

from . import factories
from .factories import save_at

CONCEPT_MARKER = "LEKMARKER"


def page(client, **params):
    response = client.get("/wijzigingen", params)
    assert response.status_code == 200, response.content.decode()
    return response.content.decode()


def test_changes_are_grouped_by_type_with_what_changed_from_what_to_what(db, client):
    commitment = factories.CommitmentFactory(title="Evaluatie LimburgMakers")
    commitment.title = "Evaluatie LimburgMakers en KennisCheque"
    commitment.save()
    factories.ProgramFactory(name="Fieldlab Reshoring")

    html = page(client)

    commitments = html.index('id="tabel-commitment-titel"')
    programs = html.index('id="tabel-program-titel"')
    assert "Fieldlab Reshoring" in html[programs:]
    assert "Titel: Evaluatie LimburgMakers → Evaluatie LimburgMakers en KennisCheque" in html
    assert commitments < html.index("Evaluatie LimburgMakers →")


def test_since_a_date_leaves_out_what_changed_before(db, client):
    long_ago = timezone.now() - datetime.timedelta(days=40)
    old = factories.CommitmentFactory.build(title="Oude toezegging")
    save_at(old, long_ago)
    factories.CommitmentFactory(title="Nieuwe toezegging")

    html = page(client)
    assert "Nieuwe toezegging" in html and "Oude toezegging" not in html
    since = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    assert "Oude toezegging" in page(client, sinds=since)


def test_for_a_meeting_since_the_committee_s_previous_meeting(db, client):
    today = timezone.localdate()
    factories.MeetingFactory(body="Commissie EWB", date=today - datetime.timedelta(days=20))
    factories.MeetingFactory(body="Andere commissie", date=today - datetime.timedelta(days=3))
    coming = factories.MeetingFactory(body="Commissie EWB", date=today + datetime.timedelta(days=5))
    before = timezone.now() - datetime.timedelta(days=25)
    save_at(factories.CommitmentFactory.build(title="Voor de vorige"), before)
    between = timezone.now() - datetime.timedelta(days=10)
    save_at(factories.CommitmentFactory.build(title="Na de vorige"), between)

    html = page(client, vergadering=coming.slug)

    assert "Na de vorige" in html and "Voor de vorige" not in html


def test_filters_as_following_a_theme(db, client):
    theme = factories.ThemeFactory(name="Reshoring")
    in_theme = factories.ProgramFactory(name="Fieldlab")
    in_theme.themes.add(theme)
    factories.ProgramFactory(name="Elders")

    html = page(client, theme=theme.slug)

    tables = html[html.index('id="tabel-document-titel"') :]
    assert "Fieldlab" in tables and "Elders" not in tables


def test_concept_records_never_appear(db, client):
    factories.ProgramFactory(name=CONCEPT_MARKER, publication_status=PublicationStatus.CONCEPT)
    program = factories.ProgramFactory(name="Openbaar")
    program.description = CONCEPT_MARKER
    program.publication_status = PublicationStatus.CONCEPT
    program.save()

    html = page(client)

    assert CONCEPT_MARKER not in html
    assert "Openbaar" in html


def test_a_table_downloads_with_what_changed_and_the_permanent_id(db, client):
    commitment = factories.CommitmentFactory(title="Oud")
    commitment.title = "Nieuw"
    commitment.save()

    response = client.get("/wijzigingen", {"tabel": "commitment", "format": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Wat", "Vaste id", "Wijziging"]
    assert ["Nieuw", str(commitment.uuid), "gewijzigd", "Titel: Oud → Nieuw"] == rows[1][:4]


def test_a_page_of_many_updates_reads_what_changed_in_a_few_queries(
    db, client, django_assert_max_num_queries
):
    commitments = factories.CommitmentFactory.create_batch(45)
    for commitment in commitments:
        commitment.title += " (herzien)"
        commitment.save()

    with django_assert_max_num_queries(40):
        html = page(client)
    last = page(client, **{"pagina-commitment": 3})

    # Twenty a page, each with what changed, in its own table's pages.
    assert html.count("(herzien)</a>") == 20
    assert html.count("Titel: Toezegging") == 20
    assert last.count("(herzien)</a>") == 5


def test_a_date_that_is_no_date_is_a_form_error(db, client):
    response = client.get("/wijzigingen", {"sinds": "gisteren"})

    assert response.status_code == 400
    assert "Voer een geldige datum in" in response.content.decode()

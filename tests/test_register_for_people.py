"""The register for people: a short form with the rest folded away, the most urgent first,
numbers that sort as numbers, and one definition of "open" wherever it is counted or filtered:
the start page, the register, the API and the rappellijst."""

import datetime
import re

import pytest
from django.utils import timezone

from programs.models import Commitment

from .factories import CommitmentFactory, ThemeFactory
from .test_public_pages import text_of

pytestmark = pytest.mark.django_db

Status = Commitment.Status


def in_days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def register(db):
    """A promise and an adopted motion that are open, one partly fulfilled, a fulfilled one,
    and a motion on hold that says "openstaand" but was never adopted; all but the first
    overdue."""
    return {
        "promise": CommitmentFactory(number="11", title="Open toezegging", deadline=in_days(200)),
        "motion": CommitmentFactory(
            kind=Commitment.Kind.MOTION,
            number="12",
            deadline="2020",
            title="Aangenomen motie",
            vote_outcome=Commitment.VoteOutcome.ADOPTED,
        ),
        "partly": CommitmentFactory(
            number="13",
            deadline="2020",
            title="Deels voldaan",
            status=Status.PARTLY_FULFILLED,
            remaining="De rest",
            fulfilment="Een deel",
        ),
        "done": CommitmentFactory(
            number="14",
            deadline="2020",
            title="Voldaan",
            status=Status.FULFILLED,
            fulfilment="Klaar",
        ),
        "on_hold": CommitmentFactory(
            kind=Commitment.Kind.MOTION,
            number="15",
            deadline="2020",
            title="Aangehouden motie",
            vote_outcome=Commitment.VoteOutcome.HELD,
        ),
    }


OPEN_TITLES = {"Open toezegging", "Aangenomen motie", "Deels voldaan"}


def listed_titles(response):
    return {c.title for c in response.context["tables"]["toezeggingen"].records}


# One definition of open


def test_open_is_counted_alike_on_the_start_page_and_in_the_register(client, register):
    home = text_of(client.get("/"))
    assert re.search(r"\b3 open\b", home), home
    response = client.get("/toezeggingen")
    counts = {value: count for value, _label, count in response.context["status_counts"]}
    assert counts["open"] == 3
    assert counts["openstaand"] == 2  # the motion on hold says so, but is not open
    assert "1 motie met de status openstaand is (nog) niet aangenomen" in text_of(response)


def test_the_open_filter_of_the_register_and_the_api_find_the_same_records(client, api, register):
    assert listed_titles(client.get("/toezeggingen", {"status": "open"})) == OPEN_TITLES
    listed = api.get("/api/v1/commitments", {"status": "open"}).json()["results"]
    assert {item["title"] for item in listed} == OPEN_TITLES
    waiting = api.get("/api/v1/commitments", {"status": "openstaand"}).json()["results"]
    assert {item["title"] for item in waiting} == {"Open toezegging", "Aangenomen motie"}
    # The motion on hold is found by its vote, not as open.
    held = api.get("/api/v1/commitments", {"voteOutcome": "aangehouden"}).json()["results"]
    assert [item["title"] for item in held] == ["Aangehouden motie"]


def test_the_start_pages_open_link_lists_what_it_counted(client, register):
    body = client.get("/").content.decode()
    assert 'href="/toezeggingen?status=open"' in body


def test_the_register_says_what_open_means(client, register):
    text = text_of(client.get("/toezeggingen"))
    assert "Open is een toezegging, of een aangenomen motie, die nog niet of maar deels" in text


def test_the_rappellijst_lists_only_what_is_open(client, register):
    response = client.get("/toezeggingen/rappellijst", {"datum": in_days(365)})
    titles = {c.title for c in response.context["tables"]["rappellijst"].records}
    assert titles == OPEN_TITLES


# The most urgent first


def test_the_register_lists_overdue_then_due_soon_then_open_then_the_rest(client, db):
    CommitmentFactory(
        number="1", title="Voldaan, oud", status=Status.FULFILLED, fulfilment="x", deadline="2015"
    )
    CommitmentFactory(
        number="2",
        title="Voldaan, recent",
        status=Status.FULFILLED,
        fulfilment="x",
        deadline="2024",
    )
    CommitmentFactory(number="3", title="Open, later", deadline=in_days(300))
    CommitmentFactory(number="4", title="Open, zonder termijn")
    CommitmentFactory(number="5", title="Binnenkort", deadline=in_days(10))
    CommitmentFactory(number="6", title="Verstreken, kort", deadline=in_days(-5))
    CommitmentFactory(number="7", title="Verstreken, lang", deadline="2019")
    titles = [
        c.title for c in client.get("/toezeggingen").context["tables"]["toezeggingen"].records
    ]
    assert titles == [
        "Verstreken, lang",
        "Verstreken, kort",
        "Binnenkort",
        "Open, later",
        "Open, zonder termijn",
        "Voldaan, recent",
        "Voldaan, oud",
    ]


def test_a_chosen_order_or_a_search_replaces_the_urgent_order(client, db):
    CommitmentFactory(number="1", title="Verstreken", deadline="2019")
    CommitmentFactory(number="2", title="Later", deadline=in_days(300))
    by_number = client.get("/toezeggingen", {"ordering": "-number"})
    assert [c.number for c in by_number.context["tables"]["toezeggingen"].records] == ["2", "1"]
    found = client.get("/toezeggingen", {"search": "later"})
    assert listed_titles(found) == {"Later"}


# Numbers as numbers


NUMBERS = ["gen-100", "615", "gen-10", "gen-2", "1886", "gen-1"]
IN_ORDER = ["615", "1886", "gen-1", "gen-2", "gen-10", "gen-100"]


@pytest.fixture
def numbered(db):
    for number in NUMBERS:
        CommitmentFactory(number=number, title=f"Nummer {number}")


def test_numbers_sort_as_numbers_in_the_api(api, numbered):
    def numbers(**query):
        results = api.get("/api/v1/commitments", query).json()["results"]
        return [item["number"] for item in results]

    assert numbers() == IN_ORDER
    assert numbers(ordering="number") == IN_ORDER
    assert numbers(ordering="-number") == IN_ORDER[::-1]


def test_numbers_sort_as_numbers_on_the_page(client, numbered):
    response = client.get("/toezeggingen", {"ordering": "number"})
    assert [c.number for c in response.context["tables"]["toezeggingen"].records] == IN_ORDER


def test_numbers_sort_as_numbers_in_the_admin(admin_client, numbered):
    body = admin_client.get("/admin/programs/commitment/").content.decode()
    shown = re.findall(r"Toezegging (\S+): Nummer", body)
    assert list(dict.fromkeys(shown)) == IN_ORDER


# The short form


def test_the_register_shows_a_short_form_and_folds_the_rest_away(client, register):
    body = client.get("/toezeggingen").content.decode()
    form, more = body.split('<details class="more-filters"', 1)
    for name in ("status", "kind", "theme", "portfolioHolder", "search"):
        assert f'name="{name}"' in form
    more = more.split("</details>", 1)[0]
    assert more.startswith(">")  # closed
    for name in ("voteOutcome", "overdue", "meeting", "source", "ordering"):
        assert f'name="{name}"' in more


def test_more_filters_open_when_one_of_them_is_set_or_refused(client, register):
    body = client.get("/toezeggingen", {"overdue": "true"}).content.decode()
    assert '<details class="more-filters" open>' in body
    refused = client.get("/toezeggingen", {"dueBefore": "morgen"})
    assert refused.status_code == 400
    assert '<details class="more-filters" open>' in refused.content.decode()
    short = client.get("/toezeggingen", {"theme": ThemeFactory().slug}).content.decode()
    assert '<details class="more-filters">' in short


def test_a_number_searched_in_the_register_finds_its_record(client, register):
    assert listed_titles(client.get("/toezeggingen", {"search": "13"})) == {"Deels voldaan"}

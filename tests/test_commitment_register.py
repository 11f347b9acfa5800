"""The register of toezeggingen and moties: flags, deadline history, settlements, rappellijst."""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags
from openpyxl import load_workbook

from common.caching import QUOTED_NAME
from programs.models import Commitment, DeadlineChange, Settlement
from programs.tables import pending_settlement

from .factories import (
    ActionFactory,
    BudgetLineFactory,
    CommitmentFactory,
    MeetingFactory,
    PersonFactory,
    SettlementFactory,
    SubsidyFactory,
    ThemeFactory,
)
from .test_public_pages import text_of

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)
Status = Commitment.Status


def flags(commitment, today=TODAY):
    record = Commitment.objects.with_flags(today).get(pk=commitment.pk)
    return record.is_overdue, record.is_due_soon, record.has_no_deadline


def days(n):
    return (TODAY + datetime.timedelta(days=n)).isoformat()


# Flags


@pytest.mark.parametrize(
    ("deadline", "status", "expected"),
    [
        (days(0), Status.OPEN, (False, True, False)),  # due today: not yet late
        (days(-1), Status.OPEN, (True, False, False)),  # yesterday: late
        (days(30), Status.OPEN, (False, True, False)),  # last day of the due-soon window
        (days(31), Status.OPEN, (False, False, False)),
        (days(-1), Status.PARTLY_FULFILLED, (True, False, False)),
        (days(-1), Status.FULFILLED, (False, False, False)),  # closed: never late
        (days(-1), Status.LAPSED, (False, False, False)),
        (None, Status.OPEN, (False, False, True)),
        (None, Status.FULFILLED, (False, False, False)),
    ],
)
def test_overdue_and_due_soon_flags_at_the_boundaries(settings, deadline, status, expected):
    settings.COMMITMENT_DUE_SOON_DAYS = 30
    commitment = CommitmentFactory(
        deadline=deadline, status=status, remaining="nog iets", fulfilment="klaar"
    )
    assert flags(commitment) == expected


def test_a_fuzzy_deadline_is_late_only_after_its_whole_period():
    commitment = CommitmentFactory(deadline="medio 2026")  # May to August
    assert flags(commitment, datetime.date(2026, 8, 31))[0] is False
    assert flags(commitment, datetime.date(2026, 9, 1))[0] is True
    autumn = CommitmentFactory(deadline="najaar 2026")  # September to November
    assert flags(autumn, datetime.date(2026, 11, 30))[0] is False
    assert flags(autumn, datetime.date(2026, 12, 1))[0] is True


def test_due_soon_window_is_configurable(settings):
    commitment = CommitmentFactory(deadline=days(10))
    settings.COMMITMENT_DUE_SOON_DAYS = 5
    assert flags(commitment)[1] is False
    settings.COMMITMENT_DUE_SOON_DAYS = 10
    assert flags(commitment)[1] is True


def test_geen_termijn_is_kept_apart_from_an_unknown_deadline():
    explicit = CommitmentFactory(without_deadline=True)
    unknown = CommitmentFactory()
    assert explicit.deadline_label() == "geen termijn"
    assert unknown.deadline_label() == "termijn onbekend"
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentFactory(without_deadline=True, deadline="2026")


# Motions


@pytest.mark.parametrize(
    "outcome", [Commitment.VoteOutcome.REJECTED, Commitment.VoteOutcome.WITHDRAWN]
)
def test_a_rejected_motion_is_never_open(outcome):
    motion = CommitmentFactory.build(
        kind=Commitment.Kind.MOTION, vote_outcome=outcome, status=Status.OPEN
    )
    with pytest.raises(ValidationError) as refused:
        motion.full_clean()
    assert "status" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        motion.save()
    kept = CommitmentFactory(
        kind=Commitment.Kind.MOTION, vote_outcome=outcome, status=Status.LAPSED
    )
    assert not Commitment.objects.open().filter(pk=kept.pk).exists()
    assert Commitment.objects.filter(pk=kept.pk).exists()


def test_only_adopted_motions_are_tracked_like_promises():
    adopted = CommitmentFactory(
        kind=Commitment.Kind.MOTION, vote_outcome=Commitment.VoteOutcome.ADOPTED, deadline=days(-1)
    )
    held = CommitmentFactory(
        kind=Commitment.Kind.MOTION, vote_outcome=Commitment.VoteOutcome.HELD, deadline=days(-1)
    )
    assert set(Commitment.objects.open()) == {adopted}
    assert flags(adopted)[0] is True
    assert flags(held)[0] is False


def test_votes_and_appraisal_belong_to_motions_only():
    promise = CommitmentFactory.build(votes_for=30, appraisal="ontraden")
    with pytest.raises(ValidationError) as refused:
        promise.full_clean()
    assert {"votes_for", "appraisal"} <= set(refused.value.message_dict)


# Partial fulfilment and the settlement loop


def test_partial_fulfilment_keeps_the_remaining_part():
    commitment = CommitmentFactory.build(status=Status.PARTLY_FULFILLED, fulfilment="deel 1")
    with pytest.raises(ValidationError) as refused:
        commitment.full_clean()
    assert "remaining" in refused.value.message_dict

    open_promise = CommitmentFactory()
    settlement = SettlementFactory(
        commitment=open_promise,
        proposed_status=Status.PARTLY_FULFILLED,
        remaining="De evaluatie volgt medio 2027.",
    )
    settlement.decide(Settlement.Decision.ACCEPTED, on=TODAY, meeting=MeetingFactory())
    open_promise.refresh_from_db()
    assert open_promise.status == Status.PARTLY_FULFILLED
    assert open_promise.remaining == "De evaluatie volgt medio 2027."
    assert Commitment.objects.open().filter(pk=open_promise.pk).exists()


def test_an_accepted_settlement_closes_the_commitment_with_its_reason(admin_user):
    commitment = CommitmentFactory(deadline=days(-10))
    settlement = SettlementFactory(commitment=commitment)
    meeting = MeetingFactory(body="Statencommissie Economie", date=TODAY)

    settlement.decide(Settlement.Decision.ACCEPTED, on=TODAY, meeting=meeting, user=admin_user)

    commitment.refresh_from_db()
    assert commitment.status == Status.FULFILLED
    assert commitment.fulfilled_by == settlement.proposal_document
    assert str(commitment.fulfilled_on) == "27 november 2026"
    latest = commitment.history.latest()
    assert latest.status == Status.FULFILLED
    assert latest.history_user == admin_user
    assert "Afdoeningsvoorstel akkoord" in latest.history_change_reason
    assert flags(commitment)[0] is False
    with pytest.raises(ValidationError):
        settlement.decide(Settlement.Decision.REJECTED, on=TODAY)


def test_a_rejected_settlement_leaves_the_commitment_open():
    commitment = CommitmentFactory()
    settlement = SettlementFactory(commitment=commitment)
    settlement.decide(Settlement.Decision.REJECTED, on=TODAY, note="Onvoldoende beantwoord")
    commitment.refresh_from_db()
    assert commitment.status == Status.OPEN


# Deadline history


def test_a_deadline_changes_only_with_a_reason_and_every_change_is_kept():
    commitment = CommitmentFactory(deadline="medio 2026")
    commitment = Commitment.objects.get(pk=commitment.pk)
    commitment.deadline = "eind 2026"
    with pytest.raises(ValidationError):
        commitment.save()
    commitment._change_reason = "Uitstel gevraagd in de commissie"
    commitment.save()
    commitment.without_deadline, commitment.deadline = True, None
    commitment._change_reason = "Doorlopende toezegging"
    commitment.save()

    changes = list(commitment.deadline_changes.all())
    assert [(c.old_label(), c.new_label(), c.reason) for c in changes] == [
        ("medio 2026", "eind 2026", "Uitstel gevraagd in de commissie"),
        ("eind 2026", "geen termijn", "Doorlopende toezegging"),
    ]


def change_form(admin_client, commitment):
    response = admin_client.get(f"/admin/programs/commitment/{commitment.pk}/change/")
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [str(item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


def test_admin_deadline_change_needs_a_reason_and_is_recorded(admin_client):
    commitment = CommitmentFactory(deadline="medio 2026")
    url = f"/admin/programs/commitment/{commitment.pk}/change/"
    data = change_form(admin_client, commitment)
    data["deadline"] = "eind 2026"

    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    assert "change_reason" in refused.context["adminform"].form.errors
    assert not DeadlineChange.objects.exists()

    data["change_reason"] = "Nieuwe planning van GS"
    assert admin_client.post(url, data).status_code == 302
    change = DeadlineChange.objects.get()
    assert (change.old_label(), change.new_label(), change.reason) == (
        "medio 2026",
        "eind 2026",
        "Nieuwe planning van GS",
    )
    assert change.changed_by.is_superuser
    assert commitment.history.latest().history_change_reason == "Nieuwe planning van GS"


def test_admin_status_change_needs_a_reason(admin_client):
    commitment = CommitmentFactory()
    url = f"/admin/programs/commitment/{commitment.pk}/change/"
    data = change_form(admin_client, commitment)
    data.update(status=Status.LAPSED)
    assert admin_client.post(url, data).status_code == 200
    commitment.refresh_from_db()
    assert commitment.status == Status.OPEN
    data["change_reason"] = "Vervallen door nieuw coalitieakkoord"
    assert admin_client.post(url, data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Status.LAPSED


def test_api_shows_deadline_history_settlement_and_flags(api):
    commitment = CommitmentFactory(number="4242", deadline="medio 2026")
    commitment = Commitment.objects.get(pk=commitment.pk)
    commitment.deadline = days(-1)
    commitment._change_reason = "Afgesproken in de commissie"
    commitment.save()
    SettlementFactory(commitment=commitment)

    body = api.get("/api/v1/commitments/toezegging-4242").json()

    # Overdue is a question of today's date, not of the record: asked of the list.
    assert "isOverdue" not in body and "isDueSoon" not in body
    overdue = api.get("/api/v1/commitments", {"overdue": "true"}).json()["results"]
    assert [item["id"] for item in overdue] == ["toezegging-4242"]
    assert body["deadlineLabel"]
    [change] = body["deadlineHistory"]
    assert change["oldLabel"] == "medio 2026"
    assert change["reason"] == "Afgesproken in de commissie"
    [settlement] = body["settlements"]
    assert settlement["decision"] == "te_behandelen"
    assert settlement["proposedStatus"] == "voldaan"


# API filters


def test_api_filters_the_register():
    holder = PersonFactory(slug="gedeputeerde-a", role="gedeputeerde")
    theme = ThemeFactory(slug="reshoring-test")
    late = CommitmentFactory(number="1", deadline="2020", made_by=holder)
    late.themes.add(theme)
    CommitmentFactory(number="2", deadline="2199")
    CommitmentFactory(
        number="3", kind=Commitment.Kind.MOTION, vote_outcome="verworpen", status=Status.LAPSED
    )

    from rest_framework.test import APIClient

    api = APIClient()

    def numbers(query):
        response = api.get(f"/api/v1/commitments?{query}")
        assert response.status_code == 200, response.content
        return sorted(item["number"] for item in response.json()["results"])

    assert numbers("overdue=true") == ["1"]
    assert numbers("overdue=false") == ["2", "3"]
    assert numbers("dueBefore=2100-01-01") == ["1"]
    assert numbers("portfolioHolder=gedeputeerde-a") == ["1"]
    assert numbers("theme=reshoring-test") == ["1"]
    assert numbers("kind=motie") == ["3"]
    assert numbers("status=openstaand&ordering=-deadline") == ["1", "2"]
    bad = api.get("/api/v1/commitments?dueBefore=morgen")
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    assert bad.json()["invalidParams"][0]["name"] == "dueBefore"


# The memo's commitments


def test_the_memos_commitments_appear_fulfilled_by_the_memo_with_history(api, memo):
    results = api.get("/api/v1/commitments").json()["results"]
    assert sorted(item["id"] for item in results) == [
        "motie-615",
        "toezegging-1886",
        "toezegging-1887",
    ]
    for item in results:
        assert item["status"] == "voldaan"
        assert item["fulfilledBy"]["slug"] == "sterke-maakindustrie-2015"
    for commitment in Commitment.objects.all():
        assert commitment.history.count() == 1


# Pages


def test_register_page_filters_by_url_and_counts_per_status(client, memo):
    CommitmentFactory(number="77", title="Nog te doen", deadline="2020")
    response = client.get("/toezeggingen?overdue=true")
    assert response.status_code == 200
    assert [c.number for c in response.context["tables"]["toezeggingen"].records] == ["77"]
    counts = {value: count for value, _label, count in response.context["status_counts"]}
    assert counts["openstaand"] == 1
    response = client.get("/toezeggingen")
    counts = {value: count for value, _label, count in response.context["status_counts"]}
    assert counts == {"open": 1, "openstaand": 1, "deels_voldaan": 0, "voldaan": 3, "vervallen": 0}
    assert client.get("/toezeggingen?dueBefore=gisteren").status_code == 400


def test_the_status_count_links_replace_the_status_and_keep_the_other_filters(client, memo):
    """Found by the browser crawl: the links added one more `status` to the query each time."""
    content = client.get("/toezeggingen?kind=motie&status=voldaan").content.decode()
    links = re.findall(r'<ul class="status-counts"[^>]*>.*?</ul>', content, re.S)[0]
    hrefs = re.findall(r'href="([^"]*)"', links)
    assert hrefs == [
        f"?kind=motie&amp;status={status}"
        for status in ("open", "openstaand", "deels_voldaan", "voldaan", "vervallen")
    ]


def test_commitment_page_shows_the_chain_down_to_money(client):
    commitment = CommitmentFactory(number="5150", title="Reshoring bevorderen")
    action = ActionFactory(title="Overleg met LIOF")
    action.commitments.add(commitment)
    BudgetLineFactory(program=action.program, label="Investor Development", amount=2_000_000)
    SubsidyFactory(instrument=action.program, recipient__name="Maakbedrijf BV")
    response = client.get("/toezeggingen/toezegging-5150")
    body = response.content.decode()
    assert "Overleg met LIOF" in body
    assert action.program.name in body
    text = text_of(response)
    assert "1 begrotingspost van deze programma's, samen € 2,0 mln. Alle begrotingsposten" in text
    assert "1 subsidie onder deze programma's" in text
    # The lists themselves are one click away, whole.
    lines = client.get("/toezeggingen/toezegging-5150", {"tabel": "begrotingsposten"})
    assert "Investor Development" in text_of(lines)
    subsidies = client.get("/toezeggingen/toezegging-5150", {"tabel": "subsidies"})
    assert "Maakbedrijf BV" in text_of(subsidies)


def test_commitment_page_leads_with_the_promise_and_its_outcome(client):
    commitment = CommitmentFactory(
        number="5151",
        title="Reshoring bevorderen",
        text="GS zeggen toe te onderzoeken hoe reshoring kan worden bevorderd.",
        status=Commitment.Status.FULFILLED,
        fulfilment="Onderzoek uitgevoerd en met PS besproken.",
        deadline="medio 2016",
    )
    action = ActionFactory()
    action.commitments.add(commitment)
    for position in range(60):
        BudgetLineFactory(program=action.program, label=f"Post {position}", amount=1_000)
    text = text_of(client.get("/toezeggingen/toezegging-5151"))
    order = [
        text.index("GS zeggen toe te onderzoeken"),
        text.index("Statusvoldaan"),
        text.index("Termijnmedio 2016"),
        text.index("Afdoening"),
        text.index("Onderzoek uitgevoerd"),
        text.index("Uitvoering"),
        text.index("60 begrotingsposten"),
    ]
    assert order == sorted(order)
    assert "Post 0" not in text  # summarised, not listed


# Rappellijst


@pytest.fixture
def reminder_cases():
    meeting = MeetingFactory(slug="commissie-ez-2026-12-10", date=datetime.date(2026, 12, 10))
    cases = {
        "late": CommitmentFactory(number="10", deadline="2026-11-01"),
        "due-on-the-day": CommitmentFactory(number="11", deadline="2026-12-10"),
        "due-in-period": CommitmentFactory(number="12", deadline="najaar 2026"),
        "after": CommitmentFactory(number="13", deadline="2026-12-11"),
        "closed": CommitmentFactory(
            number="14", deadline="2026-11-01", status=Status.FULFILLED, fulfilment="Gedaan"
        ),
        "rejected": CommitmentFactory(
            number="15",
            kind=Commitment.Kind.MOTION,
            vote_outcome="verworpen",
            status=Status.LAPSED,
            deadline="2026-11-01",
        ),
        "no-deadline": CommitmentFactory(number="16"),
        "awaiting-decision": CommitmentFactory(
            number="17", deadline="2027", title='=HYPERLINK("http://x")'
        ),
        "decided": CommitmentFactory(number="18", deadline="2027"),
    }
    SettlementFactory(commitment=cases["awaiting-decision"])
    SettlementFactory(commitment=cases["decided"]).decide(
        Settlement.Decision.REJECTED, on=datetime.date(2026, 11, 20)
    )
    return meeting, cases


EXPECTED_REMINDERS = {"10", "11", "12", "17"}


def test_the_rappellijst_for_a_meeting_holds_exactly_the_right_records(client, reminder_cases):
    meeting, _cases = reminder_cases
    for query in (f"vergadering={meeting.slug}", "datum=2026-12-10"):
        response = client.get(f"/toezeggingen/rappellijst?{query}")
        assert response.status_code == 200
        shown = response.context["tables"]["rappellijst"].records
        settlements = {commitment.number: pending_settlement(commitment) for commitment in shown}
        assert set(settlements) == EXPECTED_REMINDERS
        assert settlements["17"].decision == Settlement.Decision.PENDING
        assert settlements["10"] is None


def test_the_rappellijst_downloads_as_csv_and_xlsx_with_formulas_neutralised(
    client, reminder_cases
):
    meeting, _cases = reminder_cases
    response = client.get(f"/toezeggingen/rappellijst?vergadering={meeting.slug}&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Nummer"
    assert {row[0].split()[-1] for row in rows[1:]} == EXPECTED_REMINDERS
    titles = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in titles

    response = client.get(f"/toezeggingen/rappellijst?vergadering={meeting.slug}&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert {row[0].split()[-1] for row in cells[1:]} == EXPECTED_REMINDERS
    assert all(not str(row[1]).startswith("=") for row in cells[1:])


def test_the_rappellijst_refuses_an_unknown_meeting_or_date(client):
    assert client.get("/toezeggingen/rappellijst?vergadering=bestaat-niet").status_code == 400
    assert client.get("/toezeggingen/rappellijst?datum=2026-13-45").status_code == 400


def test_the_database_and_python_agree_when_a_period_ends():
    texts = [
        "3 maart 2026",
        "april 2026",
        "3e kwartaal 2026",
        "1e helft 2026",
        "najaar 2026",
        "winter 2026",
        "begin 2026",
        "medio 2026",
        "eind 2026",
        "2026",
    ]
    commitments = [CommitmentFactory(deadline=text) for text in texts]
    day = datetime.date(2026, 1, 1)
    while day <= datetime.date(2027, 3, 2):
        ended = Commitment.objects.filter(Commitment.deadline.ends_before(day))
        expected = {c.pk for c in commitments if c.deadline.end < day}
        assert set(ended.values_list("pk", flat=True)) == expected, day
        day += datetime.timedelta(days=1)


def test_a_period_end_is_tested_once_per_tile_start():
    """Nine precisions, five tile starts on 15 June: begin, medio and eind share one (1 May),
    month and season another (1 June), half year and year a third (1 January)."""
    condition = Commitment.deadline.ends_before(datetime.date(2026, 6, 15))

    assert sorted(
        dict(child.children)["deadline_precision__in"] for child in condition.children
    ) == [
        ["begin", "medio", "eind"],
        ["dag"],
        ["halfjaar", "jaar"],
        ["kwartaal"],
        ["maand", "seizoen"],
    ]


def test_deadline_changes_are_kept_from_partial_and_reverted_copies():
    commitment = CommitmentFactory(deadline="medio 2026")
    partial = Commitment.objects.only("pk", "title", "version").get(pk=commitment.pk)
    partial.deadline = "eind 2026"
    partial._change_reason = "Uitgesteld"
    partial.save()
    reverted = commitment.history.earliest().instance
    reverted._change_reason = "Teruggezet"
    reverted.save()
    assert [(c.old_label(), c.new_label()) for c in commitment.deadline_changes.all()] == [
        ("medio 2026", "eind 2026"),
        ("eind 2026", "medio 2026"),
    ]


def test_the_register_shows_its_active_filters_each_removable(client, memo):
    response = client.get("/toezeggingen?status=voldaan&theme=reshoring&kind=motie")
    body = response.content.decode()
    text = re.sub(r"\s+", " ", strip_tags(body))
    assert "Status: voldaan" in text
    assert "Thema: Reshoring" in text
    assert 'href="/toezeggingen?theme=reshoring&amp;kind=motie"' in body
    assert 'href="/toezeggingen?status=voldaan&amp;kind=motie"' in body
    assert "Actieve filters" not in client.get("/toezeggingen").content.decode()


def test_filter_labels_follow_each_pages_language(client, memo):
    dutch = strip_tags(client.get("/toezeggingen?kind=motie&status=voldaan").content.decode())
    english = client.get(
        "/toezeggingen?kind=motie&status=voldaan", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    dutch_again = client.get("/toezeggingen?kind=motie").content.decode()
    assert "Soort: motie" in dutch and "Status: voldaan" in dutch
    assert "Soort:" not in strip_tags(english) and "Status:" in strip_tags(english)
    assert "Soort: motie" in strip_tags(dutch_again)


# Links the register's table does not show cost it no query (a page of fifty rows paid seven).
UNSHOWN_LINKS = {
    "programs_commitment_themes",
    "programs_commitment_programs",
    "programs_commitment_submitters",
    "programs_action_commitments",
    "programs_deadlinechange",
    "programs_commitmentrelation",
}


@pytest.mark.parametrize(
    ("url", "also_shown"),
    [
        ("/toezeggingen", set()),
        # The rappellijst names who made each one, and the settlement proposed.
        ("/toezeggingen/rappellijst?datum=2017-01-01", {"programs_person", "programs_settlement"}),
    ],
)
def test_the_register_reads_only_what_its_table_shows(client, url, also_shown):
    commitment = CommitmentFactory(deadline="2016", made_by=PersonFactory())
    commitment.themes.add(ThemeFactory())
    SettlementFactory(commitment=commitment)
    ActionFactory().commitments.add(commitment)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert commitment.title in response.content.decode()
    read = {name for query in captured for name in QUOTED_NAME.findall(query["sql"])}
    assert not read & UNSHOWN_LINKS
    assert also_shown <= read

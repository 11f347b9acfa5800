"""Every write path leaves exactly one history record with who, when, why and what changed;
paths that would leave none are refused."""

import datetime

import pytest
from django.core.management import call_command
from simple_history.utils import bulk_update_with_history

from budgets.models import BudgetLine
from programs.models import Commitment, Program, Settlement, UntrackedWrite

from .admin_forms import admin_url, browser_form
from .factories import CommitmentFactory, MeetingFactory, ProgramFactory, SettlementFactory

pytestmark = pytest.mark.django_db


def only_new_record(record, before):
    """The single history record written since `before` history records existed."""
    assert record.history.count() == before + 1
    return record.history.latest()


def test_admin_add_records_creation_with_user_and_reason(admin_client, admin_user):
    data = browser_form(admin_client.get(admin_url(Program, "add")), Program)
    data.update(name=["Nieuw"], slug=["nieuw"], kind=["programma"], status=["gepland"])
    assert admin_client.post(admin_url(Program, "add"), data).status_code == 302
    program = Program.objects.get(slug="nieuw")
    entry = only_new_record(program, 0)
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        admin_user,
        "Aangemaakt",
    )


def test_admin_change_records_user_reason_and_changed_fields(admin_client, admin_user):
    program = ProgramFactory(description="Oud")
    url = admin_url(Program, "change", program.pk)
    data = browser_form(admin_client.get(url), Program)
    data.update(description=["Nieuw"])
    refused = admin_client.post(url, data)
    assert "change_reason" in refused.context["adminform"].form.errors
    assert program.history.count() == 1

    data.update(change_reason=["Tekst uit de nieuwe nota"])
    assert admin_client.post(url, data).status_code == 302
    entry = only_new_record(program, 1)
    assert entry.history_user == admin_user
    assert entry.history_change_reason == "Tekst uit de nieuwe nota"
    assert entry.history_date > datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    assert entry.diff_against(entry.prev_record, excluded_fields=["version"]).changed_fields == [
        "description"
    ]


def test_a_reason_longer_than_the_history_keeps_is_a_form_error(admin_client):
    program = ProgramFactory(description="Oud")
    url = admin_url(Program, "change", program.pk)
    data = browser_form(admin_client.get(url), Program)
    data.update(description=["Nieuw"], change_reason=["x" * 101])

    refused = admin_client.post(url, data)

    assert refused.status_code == 200
    assert "change_reason" in refused.context["adminform"].form.errors
    assert program.history.count() == 1


def test_inline_rows_carry_the_reason_of_their_record(admin_client, memo):
    program = Program.objects.get(slug="limburgmakers")
    line = program.budget_lines.get(position=1)
    before = line.history.count()
    url = admin_url(Program, "change", program.pk)
    data = browser_form(admin_client.get(url), Program)
    prefix = next(key for key in data if key.endswith("-0-label")).removesuffix("-0-label")
    data[f"{prefix}-0-label"] = ["Programma LimburgMakers (2013-2016)"]
    data["change_reason"] = ["Looptijd in de omschrijving"]
    assert admin_client.post(url, data).status_code == 302
    entry = only_new_record(line, before)
    assert entry.history_change_reason == "Looptijd in de omschrijving"


def test_admin_deletes_one_by_one_with_a_record_each(admin_client, admin_user):
    programs = [ProgramFactory(), ProgramFactory()]
    response = admin_client.post(
        admin_url(Program, "changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in programs], "post": "yes"},
    )
    assert response.status_code == 302
    for program in programs:
        assert not Program.objects.filter(pk=program.pk).exists()
        deleted = Program.history.filter(id=program.pk, history_type="-")
        assert deleted.count() == 1
        assert deleted.get().history_user == admin_user
        assert deleted.get().history_change_reason == "Verwijderd in het beheer"


def test_management_command_records_each_record_once():
    call_command("load_memo", verbosity=0)
    for record in [*Program.objects.all(), *BudgetLine.objects.all()]:
        assert record.history.count() == 1
        assert record.history.get().history_change_reason.startswith("Geladen uit de memo")


def test_settling_records_the_status_change_with_who_and_why(admin_user):
    commitment = CommitmentFactory()
    settlement = SettlementFactory(commitment=commitment)
    settlement.decide(
        Settlement.Decision.ACCEPTED,
        on=datetime.date(2026, 11, 27),
        meeting=MeetingFactory(),
        user=admin_user,
    )
    entry = only_new_record(commitment, 1)
    assert entry.status == Commitment.Status.FULFILLED
    assert entry.history_user == admin_user
    assert entry.history_change_reason.startswith("Afdoeningsvoorstel akkoord")


def test_writes_that_bypass_the_history_are_refused():
    program = ProgramFactory()
    with pytest.raises(UntrackedWrite):
        Program.objects.filter(pk=program.pk).update(description="stil")
    with pytest.raises(UntrackedWrite):
        Program.objects.bulk_update([program], ["description"])
    program.refresh_from_db()
    assert program.description != "stil"


def test_bulk_updates_go_through_the_history_aware_path():
    programs = [ProgramFactory(), ProgramFactory()]
    for program in programs:
        program.description = "In bulk"
    bulk_update_with_history(
        programs,
        Program,
        ["description"],
        default_change_reason="Bulkcorrectie",
        manager=Program._base_manager,
    )
    for program in programs:
        entry = only_new_record(program, 1)
        assert entry.description == "In bulk"
        assert entry.history_change_reason == "Bulkcorrectie"


def test_deleted_records_can_be_found_and_restored(admin_client, admin_user):
    program = ProgramFactory(name="Weggegooid programma", slug="weg")
    pk = program.pk
    admin_client.post(admin_url(Program, "delete", pk), {"post": "yes"})
    assert not Program.objects.filter(pk=pk).exists()

    changelist = admin_client.get(admin_url(Program, "changelist")).content.decode()
    assert admin_url(Program, "deleted") in changelist
    listing = admin_client.get(admin_url(Program, "deleted"))
    assert "Weggegooid programma" in listing.content.decode()
    assert admin_url(Program, "history", pk) in listing.content.decode()

    last_version = Program.history.filter(id=pk).exclude(history_type="-").latest()
    url = admin_url(Program, "history", pk) + f"{last_version.history_id}/"
    data = browser_form(admin_client.get(url), type(last_version))
    data["change_reason"] = ["Per ongeluk verwijderd"]
    admin_client.post(url, data)

    restored = Program.objects.get(pk=pk)
    assert restored.name == "Weggegooid programma"
    entry = restored.history.latest()
    assert entry.history_user == admin_user
    assert entry.history_change_reason == "Per ongeluk verwijderd"
    still_deleted = admin_client.get(admin_url(Program, "deleted")).context["deletions"]
    assert pk not in [deletion.id for deletion in still_deleted]

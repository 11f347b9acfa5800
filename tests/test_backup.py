"""A backup restored into an empty database gives back everything, history included."""

import datetime
import io
import stat

import pytest
from django.core.management import CommandError, call_command

from programs.models import Commitment, Program, ProgramOrganisation

from .factories import SettlementFactory

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot(path):
    call_command("backup", str(path), verbosity=0)
    return path.read_text(encoding="utf-8")


def test_backup_and_restore_lose_nothing(tmp_path, admin_user):
    call_command("load_memo", verbosity=0)
    program = Program.objects.get(slug="limburgmakers")
    program.description = "Bewerkt"
    program._change_reason = "Correctie"
    program._history_user = admin_user
    program.save()
    commitment = Commitment.objects.get_by_public_id("toezegging-1887")
    commitment.deadline = "eind 2015"
    commitment._change_reason = "Termijn vastgelegd"
    commitment.save()
    SettlementFactory(commitment=commitment)
    role = ProgramOrganisation.objects.first()
    role_id = role.pk
    role.delete()
    before = snapshot(tmp_path / "voor.json")

    call_command("flush", interactive=False, verbosity=0)
    assert not Program.objects.exists()
    call_command("restore", str(tmp_path / "voor.json"), verbosity=0)

    assert snapshot(tmp_path / "na.json") == before
    restored = Program.objects.get(slug="limburgmakers")
    assert restored.history.latest().history_change_reason == "Correctie"
    assert restored.history.latest().history_user.username == admin_user.username
    assert ProgramOrganisation.history.filter(id=role_id, history_type="-").exists()
    assert Commitment.objects.get_by_public_id("toezegging-1887").deadline_changes.count() == 1


def test_backup_keeps_history_timestamps_to_the_microsecond(tmp_path):
    call_command("load_memo", verbosity=0)
    entry = Program.history.order_by("history_id").first()
    moment = datetime.datetime(2026, 3, 4, 5, 6, 7, 123, tzinfo=datetime.UTC)
    Program.history.filter(history_id=entry.history_id).update(history_date=moment)
    snapshot(tmp_path / "backup.json")

    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(tmp_path / "backup.json"), verbosity=0)

    assert Program.history.get(history_id=entry.history_id).history_date == moment


def test_restore_refuses_a_database_that_holds_records(tmp_path):
    call_command("load_memo", verbosity=0)
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path), verbosity=0)


def test_the_backup_is_readable_by_its_owner_only_and_says_so(tmp_path, admin_user):
    new, existing = tmp_path / "nieuw.json", tmp_path / "bestaand.json"
    existing.write_text("oud", encoding="utf-8")
    existing.chmod(0o644)
    for path in (new, existing):
        output = io.StringIO()
        call_command("backup", str(path), stdout=output)

        # It holds password hashes and key digests: no one else may read it.
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert "readable by its owner only" in output.getvalue()
        assert admin_user.password in path.read_text(encoding="utf-8")

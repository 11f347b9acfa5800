"""Two editors, one record: saving an outdated copy is refused, never a silent overwrite."""

import threading

import pytest
from django.db import connection, transaction

from programs.models import Program, StaleRecord

from .admin_forms import admin_url, browser_form
from .factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_every_save_is_a_new_version():
    program = ProgramFactory()
    assert program.version == 1
    program.description = "Tweede"
    program.save()
    program.refresh_from_db()
    assert program.version == 2


def test_a_stale_copy_is_refused_by_the_database():
    first = Program.objects.get(pk=ProgramFactory().pk)
    second = Program.objects.get(pk=first.pk)
    first.description = "Eerste redacteur"
    first.save()
    second.description = "Tweede redacteur"
    with pytest.raises(StaleRecord), transaction.atomic():
        second.save()
    assert Program.objects.get(pk=first.pk).description == "Eerste redacteur"


def test_the_second_editor_in_the_admin_is_told_what_changed(admin_client, django_user_model):
    program = ProgramFactory(name="Programma A", description="Oud")
    url = admin_url(Program, "change", program.pk)
    first = browser_form(admin_client.get(url), Program)
    second = browser_form(admin_client.get(url), Program)

    first["description"] = ["Door de eerste redacteur"]
    first["change_reason"] = ["Eerste"]
    assert admin_client.post(url, first).status_code == 302

    second["description"] = ["Door de tweede redacteur"]
    second["change_reason"] = ["Tweede"]
    refused = admin_client.post(url, second)

    assert refused.status_code == 200
    message = " ".join(refused.context["adminform"].form.non_field_errors())
    assert "omschrijving: 'Oud' → 'Door de eerste redacteur'" in message
    program.refresh_from_db()
    assert program.description == "Door de eerste redacteur"
    assert program.version == 2


def test_inline_rows_are_versioned_too(admin_client, memo):
    program = Program.objects.get(slug="limburgmakers")
    url = admin_url(Program, "change", program.pk)
    stale = browser_form(admin_client.get(url), Program)
    line = program.budget_lines.get(position=1)
    line.note = "Intussen gewijzigd"
    line._change_reason = "Test"
    line.save()
    prefix = next(key for key in stale if key.endswith("-0-seen_version")).removesuffix(
        "-0-seen_version"
    )
    stale[f"{prefix}-0-label"] = ["Andere omschrijving"]
    response = admin_client.post(url, stale)
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.label == "Programma LimburgMakers"


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_saves_of_one_version_give_exactly_one_success():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs a server database")
    program = ProgramFactory()
    copies = [Program.objects.get(pk=program.pk) for _ in range(50)]
    results, start = [], threading.Barrier(50)

    def save(copy, number):
        start.wait()
        copy.description = f"Schrijver {number}"
        try:
            copy.save()
            results.append("saved")
        except StaleRecord:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(copy, n)) for n, copy in enumerate(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("saved") == 1
    assert results.count("refused") == 49
    program.refresh_from_db()
    assert program.version == 2

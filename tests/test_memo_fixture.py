"""The memo's data loads on an empty database, once, with its history, spelled correctly."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from budgets.models import BudgetLine, Subsidy
from programs.models import (
    Action,
    Commitment,
    Document,
    Indicator,
    Organisation,
    Program,
    PublicationStatus,
    Theme,
)

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "memo.json"
MEMO = "sterke-maakindustrie-2015"
TRACKED = [Document, Theme, Organisation, Program, Commitment, Action, Indicator, BudgetLine]


def counts():
    return {model.__name__: model.objects.count() for model in [*TRACKED, Subsidy]}


@pytest.mark.django_db
def test_memo_loads_on_an_empty_database():
    assert Document.objects.count() == 0
    call_command("load_memo", verbosity=0)
    loaded = counts()
    assert all(loaded.values()), loaded
    assert loaded["BudgetLine"] == 17
    assert loaded["Commitment"] == 3
    assert loaded["Theme"] == 8


@pytest.mark.django_db
def test_loading_the_memo_again_changes_nothing(memo):
    before = counts()
    edited = Program.objects.get(slug="limburgmakers")
    edited.description = "Bewerkt door een redacteur"
    edited._change_reason = "Tekst verbeterd"
    edited.save()
    call_command("load_memo", verbosity=0)
    assert counts() == before
    assert Program.objects.get(slug="limburgmakers").description == "Bewerkt door een redacteur"


@pytest.mark.django_db
def test_every_loaded_record_has_its_first_history_entry(memo):
    for model in TRACKED:
        for record in model.objects.all():
            assert record.history.count() == 1, record
            assert record.history.get().history_change_reason


@pytest.mark.django_db
def test_the_memo_is_published_and_passes_validation(memo):
    for model in [*TRACKED, Subsidy]:
        for record in model.objects.all():
            assert record.publication_status == PublicationStatus.PUBLISHED, record
            record.full_clean()


def test_the_fixture_uses_natural_keys_only():
    objects = json.loads(FIXTURE.read_text())
    assert all("pk" not in obj for obj in objects)


@pytest.mark.parametrize(
    "scan_typo",
    [
        ",9 min",
        ",0 min",
        "LlOF",
        "Venio",
        "VenIo",
        "\\NP ",
        "AutomotiveA/",
        "Manufactunng",
        "investenngs",
        "werl<",
        "betiandeiing",
        "daan/oor",
        "phnting",
        "Limbugrse",
        "vemieuwing",
    ],
)
def test_the_fixture_holds_corrected_spelling_not_the_scan(scan_typo):
    assert scan_typo not in FIXTURE.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_the_commitments_cite_how_the_memo_fulfils_them(memo):
    promise = Commitment.objects.get_by_public_id("toezegging-1887")
    assert promise.fulfilled_by == memo
    assert str(promise.made_on) == "7 november 2014"
    motion = Commitment.objects.get_by_public_id("motie-615")
    assert [person.name for person in motion.submitters.all()] == ["Heemels"]
    assert motion.vote_outcome == Commitment.VoteOutcome.ADOPTED
    assert Commitment.objects.get_by_public_id("toezegging-1886").fulfilled_by == memo


@pytest.mark.django_db
def test_limburgmakers_holds_its_instruments(memo):
    limburgmakers = Program.objects.get(slug="limburgmakers")
    assert set(limburgmakers.children.values_list("slug", flat=True)) >= {
        "kennischeque",
        "innovatieassistentie",
        "innovatieproject-subsidies",
    }
    assert str(limburgmakers.start) == "medio 2013"
    assert str(limburgmakers.end) == "medio 2016"


@pytest.mark.django_db
def test_every_fact_cites_the_memo(memo):
    for model in [Organisation, Program, Commitment, Action, Indicator]:
        uncited = model.objects.filter(source__isnull=True).count()
        assert uncited == 0, f"{model.__name__}: {uncited} without source"
    assert not BudgetLine.objects.filter(source_locator="").exists()

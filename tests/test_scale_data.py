"""`manage.py generate_scale_data`: a deterministic synthetic data set, next to the memo."""

import datetime
import json
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from budgets.models import BudgetLine, ContributionKind, Subsidy
from programs.models import (
    BudgetProgram,
    Commitment,
    DeadlineChange,
    Document,
    Meeting,
    Organisation,
    Person,
    Program,
    ProgramLine,
    ProgramOrganisation,
    PublicationStatus,
    Theme,
)

SCALE = 0.001
REASON = "Gegenereerd (schaal 0.001, zaad 42)"
TODAY = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
PUBLISHABLE = [
    Theme,
    Organisation,
    Document,
    BudgetProgram,
    ProgramLine,
    Person,
    Meeting,
    Program,
    ProgramOrganisation,
    Commitment,
    Subsidy,
    BudgetLine,
]


def generate(seed=42, scale=SCALE):
    call_command("generate_scale_data", scale=scale, seed=seed, verbosity=0)


def generated(model):
    """The generated records of `model`: slugs and numbers start with gen-."""
    manager = model._base_manager
    if model is Commitment:
        return manager.filter(number__startswith="gen-")
    if model is BudgetLine:
        return manager.filter(document__slug__startswith="gen-")
    if model is ProgramOrganisation:
        return manager.filter(program__slug__startswith="gen-")
    if model is DeadlineChange:
        return manager.filter(commitment__number__startswith="gen-")
    return manager.filter(slug__startswith="gen-")


def snapshot():
    """What must not differ between two runs: public ids, names, amounts, states, dates."""
    return {
        "organisations": list(
            generated(Organisation).order_by("slug").values_list("slug", "name", "kind")
        ),
        "programs": list(
            generated(Program)
            .order_by("slug")
            .values_list("slug", "parent__slug", "start_date", "publication_status")
        ),
        "commitments": list(
            generated(Commitment)
            .order_by("kind", "number")
            .values_list("kind", "number", "status", "deadline_date", "version")
        ),
        "subsidies": list(
            generated(Subsidy).order_by("slug").values_list("slug", "granted_amount", "status")
        ),
        "budget_lines": list(
            generated(BudgetLine)
            .order_by("document__slug", "position")
            .values_list("document__slug", "position", "amount", "contribution_kind")
        ),
        "deadline_changes": list(
            generated(DeadlineChange)
            .order_by("commitment__number", "changed_at")
            .values_list("commitment__number", "new_deadline_date", "changed_at", "reason")
        ),
    }


@pytest.mark.django_db
def test_counts_follow_the_scale_with_a_tenth_in_concept():
    generate()
    motions = generated(Commitment).filter(kind=Commitment.Kind.MOTION)
    assert motions.count() == 18
    assert generated(Commitment).filter(kind=Commitment.Kind.PROMISE).count() == 18
    assert generated(Program).count() == 5
    assert generated(Subsidy).count() == 90
    assert generated(Organisation).count() == 30
    assert generated(BudgetLine).count() == 360
    assert generated(Document).count() == 6
    for model in PUBLISHABLE:
        total = generated(model).count()
        concept = generated(model).filter(publication_status=PublicationStatus.CONCEPT).count()
        assert concept == round(total / 10), model
    # Motions are voted on, most adopted; some deadlines moved; PM and external lines mixed in.
    assert motions.filter(vote_outcome="aangenomen").count() > motions.count() / 2
    assert motions.exclude(vote_outcome="aangenomen").exists()
    assert generated(DeadlineChange).exists()
    kinds = set(generated(BudgetLine).values_list("contribution_kind", flat=True))
    assert kinds == set(ContributionKind.values)
    assert generated(Program).filter(parent__isnull=False).exists()
    assert generated(Program).filter(parent__isnull=True, program_line__isnull=False).exists()


@pytest.mark.django_db
def test_the_same_scale_and_seed_give_the_same_data():
    runs = []
    for seed in (42, 42, 7):
        with transaction.atomic():
            generate(seed)
            runs.append(snapshot())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0]["budget_lines"] != runs[2]["budget_lines"]


@pytest.mark.django_db
def test_generating_again_changes_nothing_and_another_seed_is_refused():
    generate()
    before = snapshot()
    generate()
    assert snapshot() == before
    with pytest.raises(CommandError, match="Other generated data"):
        generate(seed=7)


@pytest.mark.django_db
def test_generated_data_loads_next_to_the_memo_which_stays_as_it_was(client, memo):
    def memo_counts():
        return {model.__name__: model.objects.count() for model in PUBLISHABLE} | {
            "memo lines": BudgetLine.objects.filter(document=memo).count()
        }

    before = memo_counts()
    generate()
    after = memo_counts()
    for model in PUBLISHABLE:
        name = model.__name__
        assert after[name] == before[name] + generated(model).count(), name
    assert after["memo lines"] == before["memo lines"] == 17
    assert BudgetLine.objects.filter(document=memo).totals().label == "€ 77,57 mln + 6 × PM"
    for path in ["/", "/documenten/sterke-maakindustrie-2015", "/programmas", "/toezeggingen"]:
        assert client.get(path).status_code == 200, path
    program = generated(Program).filter(publication_status=PublicationStatus.PUBLISHED).first()
    assert client.get(f"/programmas/{program.slug}").status_code == 200


@pytest.mark.django_db
def test_every_generated_record_has_its_creation_history_row():
    generate()
    for model in [*PUBLISHABLE, DeadlineChange]:
        records = generated(model)
        ids = set(records.values_list("pk", flat=True))
        created = model.history.filter(id__in=ids, history_type="+")
        assert set(created.values_list("id", flat=True)) == ids, model
        assert set(created.values_list("history_change_reason", flat=True)) == {REASON}, model
        # Timestamps come from the seed, all before the data set's "today".
        late = model.history.filter(id__in=ids, history_date__gte=TODAY)
        assert not late.exists(), model
    # A commitment's version counts its history: created, each deadline moved, settled.
    for commitment in generated(Commitment):
        assert commitment.history.count() == commitment.version
    moved = generated(DeadlineChange).first().commitment
    assert moved.history.filter(history_type="~").exists()


@pytest.mark.django_db
def test_a_sample_of_generated_records_passes_full_clean():
    generate()
    for model in [*PUBLISHABLE, DeadlineChange]:
        for record in generated(model).order_by("pk")[:40]:
            record.full_clean()


@pytest.mark.django_db
def test_published_records_are_in_the_api_and_concept_ones_are_not(api):
    generate()
    for path, model, key in [
        ("/api/v1/organisations", Organisation, "slug"),
        ("/api/v1/commitments", Commitment, "id"),
    ]:
        response = api.get(path, {"pageSize": 100})
        assert response.status_code == 200
        listed = {row[key] for row in response.json()["results"]}
        records = list(generated(model))
        assert len(listed) < 100
        key_of = (lambda r: r.public_id) if model is Commitment else (lambda r: r.slug)
        published = {key_of(r) for r in records if r.is_published}
        concept = {key_of(r) for r in records if not r.is_published}
        assert concept
        assert published <= listed
        assert not concept & listed


@pytest.mark.django_db
def test_the_changes_feed_has_every_generated_public_record_as_new_once():
    from programs.models import PublicChange

    generate()

    entries = PublicChange.objects.filter(action=PublicChange.Action.CREATED)
    for model, type_name in [(BudgetLine, "budget-line"), (Commitment, "commitment")]:
        public = set(model.objects.published().values_list("uuid", flat=True))
        reported = list(entries.filter(type=type_name).values_list("record_uuid", flat=True))
        assert public and len(reported) == len(set(reported)) == len(public)
        assert set(reported) == public


@pytest.mark.django_db
def test_the_audit_log_gets_one_line_per_model_not_one_per_record():
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(record.getMessage()))

    handler = Collect()
    audit = logging.getLogger("limburg_maak.audit")
    audit.addHandler(handler)
    try:
        generate()
    finally:
        audit.removeHandler(handler)
    assert len(lines) < 20
    lines_by_model = {line["model"]: line for line in lines}
    assert lines_by_model["budgets.BudgetLine"]["count"] == 360
    assert lines_by_model["budgets.BudgetLine"]["history_rows"] == 360
    assert {line["reason"] for line in lines} == {REASON}

"""A budget line is an amount, PM or paid by others: the model and the database both insist."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budgets.models import BudgetLine, ContributionKind, Funder, Subsidy

from .factories import BudgetLineFactory, DocumentFactory, ProgramFactory, SubsidyFactory

pytestmark = pytest.mark.django_db


def test_pm_lines_are_counted_not_summed():
    document = DocumentFactory()
    BudgetLineFactory(document=document, amount=Decimal("8900000"))
    BudgetLineFactory(document=document, amount=Decimal("100000"))
    BudgetLineFactory(document=document, contribution_kind=ContributionKind.PM, amount=None)
    BudgetLineFactory(document=document, contribution_kind=ContributionKind.PM, amount=None)
    BudgetLineFactory(
        document=document,
        contribution_kind=ContributionKind.EXTERNAL,
        amount=None,
        funder=Funder.EU,
    )

    totals = BudgetLine.objects.filter(document=document).totals()

    assert totals.amount == Decimal("9000000.00")
    assert totals.pm_count == 2
    assert totals.external_count == 1
    assert totals.label == "€ 9,0 mln + 2 × PM"


def test_totals_of_no_lines_are_zero_not_null():
    totals = BudgetLine.objects.none().totals()
    assert (totals.amount, totals.pm_count, totals.external_count) == (0, 0, 0)


@pytest.mark.parametrize(
    ("kind", "amount", "funder", "field"),
    [
        (ContributionKind.AMOUNT, None, Funder.PROVINCE, "amount"),
        (ContributionKind.AMOUNT, Decimal("-1"), Funder.PROVINCE, "amount"),
        (ContributionKind.PM, Decimal("100"), Funder.PROVINCE, "amount"),
        (ContributionKind.EXTERNAL, Decimal("100"), Funder.EU, "amount"),
        (ContributionKind.EXTERNAL, None, Funder.PROVINCE, "funder"),
    ],
)
def test_clean_refuses_contributions_that_do_not_match_their_kind(kind, amount, funder, field):
    line = BudgetLineFactory.build(
        document=DocumentFactory(),
        program=ProgramFactory(),
        contribution_kind=kind,
        amount=amount,
        funder=funder,
    )
    with pytest.raises(ValidationError) as refused:
        line.full_clean()
    assert field in refused.value.message_dict


@pytest.mark.parametrize(
    ("kind", "amount"),
    [
        (ContributionKind.AMOUNT, None),
        (ContributionKind.AMOUNT, Decimal("-0.01")),
        (ContributionKind.PM, Decimal("100")),
        (ContributionKind.EXTERNAL, Decimal("0")),
    ],
)
def test_database_refuses_contributions_that_do_not_match_their_kind(kind, amount):
    line = BudgetLineFactory.build(
        document=DocumentFactory(), program=ProgramFactory(), contribution_kind=kind, amount=amount
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()
    assert not BudgetLine.objects.exists()


def test_a_script_cannot_sneak_an_amount_onto_a_pm_line():
    line = BudgetLineFactory(contribution_kind=ContributionKind.PM, amount=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        # Straight past the model (and its refusal of untracked writes) to the database.
        BudgetLine._base_manager.filter(pk=line.pk).update(amount=Decimal("5"))
    line.refresh_from_db()
    assert line.amount is None


def test_a_fuzzy_date_needs_its_precision_in_the_database():
    program = ProgramFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(program)._base_manager.filter(pk=program.pk).update(start_precision="")


def test_leverage_is_computed_from_volume_and_subsidy():
    subsidy = SubsidyFactory(granted_amount=Decimal("3200000"), project_volume=Decimal("11200000"))
    assert subsidy.leverage == Decimal("3.50")
    subsidy.status = Subsidy.Status.SETTLED
    subsidy.settled_amount = Decimal("2800000")
    assert subsidy.leverage == Decimal("4.00")
    subsidy.project_volume = None
    assert subsidy.leverage is None


def test_granted_and_settled_amounts_are_kept_apart():
    subsidy = SubsidyFactory(status=Subsidy.Status.GRANTED, granted_amount=Decimal("50000"))
    subsidy.settled_amount = Decimal("45000")
    with pytest.raises(ValidationError) as refused:
        subsidy.full_clean()
    assert "settled_amount" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        subsidy.save()
    subsidy.status = Subsidy.Status.SETTLED
    subsidy.full_clean()
    subsidy.save()
    subsidy.refresh_from_db()
    assert (subsidy.granted_amount, subsidy.settled_amount) == (Decimal("50000"), Decimal("45000"))

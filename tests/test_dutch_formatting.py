"""Money and fuzzy dates are written and read the Dutch way."""

import datetime
from decimal import Decimal

import pytest
from django.db import models
from django.test.utils import isolate_apps
from django.utils import translation

from budgets.models import Totals
from common.formats import dutch_number, format_money
from common.fuzzydates import (
    FuzzyDate,
    FuzzyDateField,
    Precision,
    check_fuzzy_date_constraints,
    fuzzy_date_constraints,
    missing_constraints,
)


@pytest.mark.parametrize(
    ("amount", "label"),
    [
        ("8900000", "€ 8,9 mln"),
        ("20000", "€ 0,02 mln"),
        ("30000000", "€ 30,0 mln"),
        ("550000", "€ 0,55 mln"),
        ("6000000.00", "€ 6,0 mln"),
        ("77570000", "€ 77,57 mln"),
        ("999994999", "€ 999,99 mln"),
        ("1234560000", "€ 1,23 mld"),
        ("11727890000", "€ 11,73 mld"),
        ("2000000000", "€ 2,0 mld"),
        ("4999", "€ 4.999"),
        ("5000", "€ 0,01 mln"),
        ("4250", "€ 4.250"),
        ("0", "€ 0,0 mln"),
    ],
)
def test_money_is_written_in_millions_with_a_decimal_comma(amount, label):
    assert format_money(Decimal(amount)) == label


def test_numbers_group_thousands_with_a_dot():
    assert dutch_number(Decimal("47000")) == "47.000"
    assert dutch_number(Decimal("16.00")) == "16"
    assert dutch_number(Decimal("3.25")) == "3,25"


def test_totals_keep_pm_lines_in_sight():
    assert Totals(Decimal("77570000"), 6, 1).label == "€ 77,57 mln + 6 × PM"
    assert Totals(Decimal("8900000"), 0, 0).label == "€ 8,9 mln"


def test_an_empty_total_says_there_is_no_amount():
    assert Totals(Decimal("0"), 0, 0).label == "geen bedrag"
    assert Totals(Decimal("0"), 0, 2).label == "geen bedrag"
    with translation.override("en"):
        assert Totals(Decimal("0"), 0, 0).label == "no amount"


def test_pm_counts_group_their_thousands_and_large_sums_read_in_billions():
    assert Totals(Decimal("11727890000"), 1327, 0).label == "€ 11,73 mld + 1.327 × PM"
    with translation.override("en"):
        assert Totals(Decimal("11727890000"), 1327, 0).label == "€11.73 billion + 1,327 × PM"


def test_pm_only_totals_do_not_claim_a_zero_amount():
    assert Totals(Decimal("0"), 2, 0).label == "2 × PM"
    assert Totals(Decimal("0"), 1, 3).label == "1 × PM"


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "rendered"),
    [
        ("medio 2016", "2016-05-01", "2016-08-31", Precision.MID, "medio 2016"),
        ("najaar 2015", "2015-09-01", "2015-11-30", Precision.SEASON, "najaar 2015"),
        ("eind 2014", "2014-09-01", "2014-12-31", Precision.LATE, "eind 2014"),
        ("begin 2015", "2015-01-01", "2015-04-30", Precision.EARLY, "begin 2015"),
        ("april 2015", "2015-04-01", "2015-04-30", Precision.MONTH, "april 2015"),
        ("7 november 2014", "2014-11-07", "2014-11-07", Precision.DAY, "7 november 2014"),
        ("7-11-2014", "2014-11-07", "2014-11-07", Precision.DAY, "7 november 2014"),
        ("2014-11-07", "2014-11-07", "2014-11-07", Precision.DAY, "7 november 2014"),
        ("3e kwartaal 2015", "2015-07-01", "2015-09-30", Precision.QUARTER, "3e kwartaal 2015"),
        ("Q1 2016", "2016-01-01", "2016-03-31", Precision.QUARTER, "1e kwartaal 2016"),
        ("tweede helft 2016", "2016-07-01", "2016-12-31", Precision.HALF_YEAR, "2e helft 2016"),
        ("winter 2015", "2015-12-01", "2016-02-29", Precision.SEASON, "winter 2015"),
        ("  Medio   2013 ", "2013-05-01", "2013-08-31", Precision.MID, "medio 2013"),
        ("2016", "2016-01-01", "2016-12-31", Precision.YEAR, "2016"),
    ],
)
def test_fuzzy_dates_read_and_write_dutch(text, start, end, precision, rendered):
    fuzzy = FuzzyDate.parse(text)
    assert fuzzy.start == datetime.date.fromisoformat(start)
    assert fuzzy.end == datetime.date.fromisoformat(end)
    assert fuzzy.precision == precision
    with translation.override("nl"):
        assert str(fuzzy) == rendered


@pytest.mark.parametrize(
    "text", ["", "ergens in 2015", "medio", "31 februari 2015", "5e kwartaal 2015"]
)
def test_unreadable_periods_are_refused(text):
    with pytest.raises(ValueError):
        FuzzyDate.parse(text)


def test_fuzzy_dates_sort_by_their_first_day():
    texts = ["medio 2016", "eind 2014", "najaar 2015", "7 november 2014", "begin 2015"]
    ordered = sorted(FuzzyDate.parse(text) for text in texts)
    assert [str(fuzzy) for fuzzy in ordered] == [
        "eind 2014",
        "7 november 2014",
        "begin 2015",
        "najaar 2015",
        "medio 2016",
    ]


def test_a_fuzzy_date_must_start_its_period():
    with pytest.raises(ValueError):
        FuzzyDate(datetime.date(2016, 6, 1), Precision.MID)
    assert FuzzyDate.containing(datetime.date(2016, 6, 15), Precision.MID) == FuzzyDate.parse(
        "medio 2016"
    )


@isolate_apps("programs")
def test_a_fuzzy_date_without_its_constraint_fails_the_system_check():
    class Visit(models.Model):
        planned = FuzzyDateField("gepland", blank=True)
        held = FuzzyDateField("gehouden", blank=True)

        class Meta:
            app_label = "programs"
            constraints = [*fuzzy_date_constraints("held")]

        def __str__(self):
            return str(self.held)

    (error,) = missing_constraints(Visit)

    assert error.id == "fuzzydates.E001"
    assert "planned" in error.msg
    assert [constraint.name for constraint in Visit._meta.constraints] == ["visit_held_fuzzy_date"]


def test_every_fuzzy_date_of_the_project_has_its_constraint():
    assert check_fuzzy_date_constraints() == []

"""Fuzzy dates: policy texts give periods ("medio 2016", "najaar 2015"), not days.

A fuzzy date is the first day of its period plus a precision. The period's first day is
what the database stores and sorts on; the precision says how wide the period is and how
it is written in Dutch. `FuzzyDateField` declares the two columns on a model in one line.
"""

import datetime
import functools
import re
from dataclasses import dataclass

from django.apps import apps
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "dag", _("dag")
    MONTH = "maand", _("maand")
    QUARTER = "kwartaal", _("kwartaal")
    HALF_YEAR = "halfjaar", _("halfjaar")
    SEASON = "seizoen", _("seizoen")
    EARLY = "begin", _("begin (jan-apr)")
    MID = "medio", _("medio (mei-aug)")
    LATE = "eind", _("eind (sep-dec)")
    YEAR = "jaar", _("jaar")


# Months a period covers, by the month it starts in (None: the month itself or the whole year).
_MONTH_SPAN = {
    Precision.DAY: 0,
    Precision.MONTH: 1,
    Precision.QUARTER: 3,
    Precision.HALF_YEAR: 6,
    Precision.SEASON: 3,
    Precision.EARLY: 4,
    Precision.MID: 4,
    Precision.LATE: 4,
    Precision.YEAR: 12,
}
_PRECISIONS = frozenset(Precision.values)
_THIRD_START = {Precision.EARLY: 1, Precision.MID: 5, Precision.LATE: 9}
_THIRD_WORD = {Precision.EARLY: _("begin"), Precision.MID: _("medio"), Precision.LATE: _("eind")}
_SEASON_START = {3: _("voorjaar"), 6: _("zomer"), 9: _("najaar"), 12: _("winter")}

DUTCH_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
_MONTH_NUMBER = {name: number for number, name in enumerate(DUTCH_MONTHS, 1)}
_MONTH_NUMBER.update({name[:3]: number for name, number in list(_MONTH_NUMBER.items())})
_SEASON_NUMBER = {"voorjaar": 3, "lente": 3, "zomer": 6, "najaar": 9, "herfst": 9, "winter": 12}
_THIRD_NUMBER = {
    "begin": Precision.EARLY,
    "medio": Precision.MID,
    "half": Precision.MID,
    "midden": Precision.MID,
    "eind": Precision.LATE,
    "einde": Precision.LATE,
}
_ORDINAL = {"1e": 1, "eerste": 1, "2e": 2, "tweede": 2, "3e": 3, "derde": 3, "4e": 4, "vierde": 4}

FUZZY_DATE_HELP = _(
    "Schrijf de datum zoals de beleidstekst hem geeft: '7 november 2014', 'april 2015', "
    "'3e kwartaal 2015', '1e helft 2016', 'najaar 2015', 'begin 2016', 'medio 2016', "
    "'eind 2014' of '2016'."
)


# The years a date that people enter may have: policy runs from the last century into the
# next. Python cannot write a date past 9999, so a period that ends there (eind 9999) broke
# every list that showed it; nothing that far off is a policy date anyway.
FIRST_YEAR, LAST_YEAR = 1900, 2200
YEAR_RANGE_MESSAGE = _("Geef een jaar van 1900 tot en met 2200.")


def is_known_precision(precision):
    return isinstance(precision, str) and precision in _PRECISIONS


def check_year(value):
    """Refuse (Django `ValidationError`) a date or fuzzy date outside FIRST_YEAR..LAST_YEAR."""
    day = value.start if isinstance(value, FuzzyDate) else value
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(YEAR_RANGE_MESSAGE, code="year_out_of_range")


def year_validators():
    """Validators of a date column that people fill in: a year from FIRST_YEAR to LAST_YEAR."""
    return [
        MinValueValidator(datetime.date(FIRST_YEAR, 1, 1), message=YEAR_RANGE_MESSAGE),
        MaxValueValidator(datetime.date(LAST_YEAR, 12, 31), message=YEAR_RANGE_MESSAGE),
    ]


def _add_months(day, months):
    month_index = day.month - 1 + months
    return day.replace(year=day.year + month_index // 12, month=month_index % 12 + 1, day=1)


@dataclass(frozen=True, order=True)
class FuzzyDate:
    """A period given the way policy texts give it; ordered by its first day."""

    start: datetime.date
    precision: str = Precision.DAY

    def __post_init__(self):
        if not is_known_precision(self.precision):
            raise ValueError(f"unknown precision {self.precision!r}")
        if self.start != period_start(self.start, self.precision):
            raise ValueError(f"{self.start} does not start a {self.precision} period")

    @classmethod
    def containing(cls, day, precision):
        """The period of the given precision that contains `day`; ValueError for a precision
        that does not exist."""
        if not is_known_precision(precision):
            raise ValueError(f"unknown precision {precision!r}")
        return cls(period_start(day, precision), precision)

    @property
    def end(self):
        """The last day of the period."""
        if self.precision == Precision.DAY:
            return self.start
        try:
            following = _add_months(self.start, _MONTH_SPAN[self.precision])
        except ValueError:
            # The next period starts past 9999, the last year Python writes: a stored period
            # that late ends on the last day Python knows (eind 9999 truly ends there).
            return datetime.date.max
        return following - datetime.timedelta(days=1)

    def __str__(self):
        return _label(self.start, self.precision, get_language())

    @classmethod
    def parse(cls, text):
        """Read a Dutch period: 'medio 2016', '7 november 2014', '2016-03-01'; else ValueError."""
        words = re.sub(r"\s+", " ", str(text).strip().lower())
        if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", words):
            return cls(datetime.date(*map(int, match.groups())), Precision.DAY)
        if match := re.fullmatch(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})", words):
            day, month, year = map(int, match.groups())
            return cls(datetime.date(year, month, day), Precision.DAY)
        if match := re.fullmatch(r"(\d{1,2}) ([a-z]+)\.? (\d{4})", words):
            month = _MONTH_NUMBER.get(match[2])
            if month:
                return cls(datetime.date(int(match[3]), month, int(match[1])), Precision.DAY)
        if match := re.fullmatch(r"([a-z]+)\.? (\d{4})", words):
            word, year = match[1], int(match[2])
            if word in _MONTH_NUMBER:
                return cls(datetime.date(year, _MONTH_NUMBER[word], 1), Precision.MONTH)
            if word in _SEASON_NUMBER:
                return cls(datetime.date(year, _SEASON_NUMBER[word], 1), Precision.SEASON)
            if word in _THIRD_NUMBER:
                precision = _THIRD_NUMBER[word]
                return cls(datetime.date(year, _THIRD_START[precision], 1), precision)
        if match := re.fullmatch(r"(?:q([1-4])|([a-z0-9]+) kwartaal) (\d{4})", words):
            quarter = int(match[1]) if match[1] else _ORDINAL.get(match[2])
            if quarter:
                return cls(datetime.date(int(match[3]), 3 * quarter - 2, 1), Precision.QUARTER)
        if match := re.fullmatch(r"(?:h([12])|([a-z0-9]+) (?:helft|halfjaar)) (\d{4})", words):
            half = int(match[1]) if match[1] else _ORDINAL.get(match[2])
            if half in (1, 2):
                return cls(datetime.date(int(match[3]), 6 * half - 5, 1), Precision.HALF_YEAR)
        if re.fullmatch(r"\d{4}", words):
            return cls(datetime.date(int(words), 1, 1), Precision.YEAR)
        raise ValueError(f"geen datum of periode: {text!r}")


@functools.lru_cache(maxsize=4096)
def _label(start, precision, language):
    """How a period is written in `language` (the active one): cached, since a list writes
    the same few hundred periods over and over, and months are written by `date_format`."""
    if precision == Precision.DAY:
        return date_format(start, "j F Y")
    if precision == Precision.MONTH:
        return date_format(start, "F Y")
    if precision == Precision.QUARTER:
        return _("%(n)se kwartaal %(year)s") % {"n": (start.month + 2) // 3, "year": start.year}
    if precision == Precision.HALF_YEAR:
        return _("%(n)se helft %(year)s") % {
            "n": 1 if start.month == 1 else 2,
            "year": start.year,
        }
    if precision == Precision.SEASON:
        return f"{_SEASON_START[start.month]} {start.year}"
    if precision in _THIRD_WORD:
        return f"{_THIRD_WORD[precision]} {start.year}"
    return str(start.year)


def period_start(day, precision):
    """First day of the period of `precision` that contains `day`."""
    if precision == Precision.DAY:
        return day
    if precision == Precision.MONTH:
        return day.replace(day=1)
    if precision == Precision.YEAR:
        return datetime.date(day.year, 1, 1)
    if precision in _THIRD_START:
        return datetime.date(day.year, _THIRD_START[precision], 1)
    if precision == Precision.SEASON:
        # Winter runs December to February and carries the year of its December.
        if day.month <= 2:
            return datetime.date(day.year - 1, 12, 1)
        return datetime.date(day.year, day.month - (day.month % 3), 1)
    span = _MONTH_SPAN[precision]
    return datetime.date(day.year, (day.month - 1) // span * span + 1, 1)


def tile_start(day, precision):
    """First day of the period that contains `day` in the tiling `precision` belongs to.

    The same as `period_start`, except that begin, medio and eind are thirds of one tiling:
    on 1 September the current third is eind, whichever third `precision` names.
    """
    if precision in _THIRD_START:
        return datetime.date(day.year, (day.month - 1) // 4 * 4 + 1, 1)
    return period_start(day, precision)


class FuzzyDateField(property):
    """Declares a fuzzy date on a model as two columns, `<name>_date` and `<name>_precision`.

    The model attribute `<name>` reads and writes a `FuzzyDate`, a Dutch text ('medio 2016')
    or None; being a property, it is accepted by the model constructor too. The columns are
    real fields, so the database sorts and filters on `<name>_date`, and migrations see them
    as ordinary fields. The model's `Meta.constraints` keep the pair either both set or both
    empty (`fuzzy_date_constraints`); a system check says when they are missing.
    """

    def __init__(self, verbose_name, *, blank=False, help_text=FUZZY_DATE_HELP):
        self.verbose_name = verbose_name
        self.blank = blank
        self.help_text = help_text

    def contribute_to_class(self, cls, name):
        self.name = name
        self.date_field = f"{name}_date"
        self.precision_field = f"{name}_precision"
        cls.add_to_class(
            self.date_field,
            models.DateField(
                self.verbose_name,
                null=self.blank,
                blank=self.blank,
                editable=False,
                validators=year_validators(),
            ),
        )
        cls.add_to_class(
            self.precision_field,
            models.CharField(
                _("%(name)s (precisie)") % {"name": self.verbose_name},
                max_length=10,
                choices=Precision.choices,
                blank=True,
                editable=False,
            ),
        )
        setattr(cls, name, self)

    def ends_before(self, day):
        """A Q for rows whose period ends before `day`.

        Periods of one precision tile the calendar (begin, medio and eind tile it together), so
        a period ends before `day` exactly when it starts before the tile that contains `day`.
        That keeps the test on the indexed `<name>_date` column, the same on every database.
        """
        precisions_by_start = {}
        for precision in Precision.values:
            precisions_by_start.setdefault(tile_start(day, precision), []).append(precision)
        # One condition per tile start (the thirds share theirs): fewer to build and to plan.
        condition = models.Q()
        for start, precisions in precisions_by_start.items():
            condition |= models.Q(
                **{f"{self.precision_field}__in": precisions, f"{self.date_field}__lt": start}
            )
        return condition

    def __get__(self, instance, owner):
        if instance is None:
            return self
        day = getattr(instance, self.date_field)
        precision = getattr(instance, self.precision_field)
        if day is None or not precision:
            return None
        try:
            return FuzzyDate.containing(day, precision)
        except ValueError:
            # Stored past the checks (an unknown precision, a winter starting before year 1):
            # shown as the day it is, rather than breaking every page that lists it.
            return FuzzyDate(day, Precision.DAY)

    def __set__(self, instance, value):
        if isinstance(value, str):
            value = FuzzyDate.parse(value) if value.strip() else None
        setattr(instance, self.date_field, value.start if value else None)
        setattr(instance, self.precision_field, value.precision if value else "")


def fuzzy_date_constraints(*names):
    """For a model's `Meta.constraints`: keep the columns of the fuzzy dates `names` either both
    set or both empty. Declared in `Meta`, so that migrations see them."""
    constraints = []
    for name in names:
        both = models.Q(**{f"{name}_date__isnull": False}) & ~models.Q(**{f"{name}_precision": ""})
        neither = models.Q(**{f"{name}_date__isnull": True, f"{name}_precision": ""})
        constraints.append(
            models.CheckConstraint(condition=both | neither, name=constraint_name(name))
        )
    return constraints


def constraint_name(name):
    """The name of fuzzy date `name`'s constraint; Django fills in the model (`%(class)s`)."""
    return f"%(class)s_{name}_fuzzy_date"


def fuzzy_dates_of(model):
    """The fuzzy dates (`FuzzyDateField`) `model` declares, its parents' included."""
    return [
        value
        for klass in reversed(model.__mro__)
        for value in vars(klass).values()
        if isinstance(value, FuzzyDateField)
    ]


@checks.register(checks.Tags.models)
def check_fuzzy_date_constraints(app_configs=None, **kwargs):
    """A fuzzy date whose model does not declare its constraint could hold half a date."""
    return [error for model in apps.get_models() for error in missing_constraints(model)]


def missing_constraints(model):
    """An error for each fuzzy date of `model` without its `fuzzy_date_constraints`."""
    declared = {constraint.name for constraint in model._meta.constraints}
    return [
        checks.Error(
            f"{model._meta.label}.{fuzzy.name} has no constraint on its two columns.",
            hint=f'Add *fuzzy_date_constraints("{fuzzy.name}") to its Meta.constraints.',
            obj=model,
            id="fuzzydates.E001",
        )
        for fuzzy in fuzzy_dates_of(model)
        if constraint_name(fuzzy.name) % {"class": model._meta.model_name} not in declared
    ]

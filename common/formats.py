"""Money and figures written the Dutch way: `€ 8,9 mln`, `€ 0,02 mln`, `ruim 2.500 vestigingen`.

On the pages they follow the active language (`€8.9 million` in English): `format_money` and
`local_number` take the separators from Django's locale formats and the words from the
catalogue. `dutch_number` is always Dutch, for spreadsheets that are Dutch in every language.

Kept here, beside the models that carry amounts in both apps (indicators in `programs`, budget
lines and subsidies in `budgets`), because `budgets` may use `programs` and never the reverse.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.formats import get_format
from django.utils.numberformat import format as number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

MILLION = Decimal(1_000_000)
BILLION = Decimal(1_000_000_000)
EURO_UNIT = "EUR"


def dutch_number(value, decimals=None):
    """`2500` -> `2.500`, `16.0` -> `16`, `3.25` -> `3,25`; grouping always on."""
    return _grouped(value, decimals, ",", ".")


def local_number(value, decimals=None):
    """A number in the active language: `2.500` and `3,25` in Dutch, `2,500` and `3.25` in English.

    Grouping is always on, as in `dutch_number`; without an active language it is Dutch.
    """
    language = get_language() or settings.LANGUAGE_CODE
    return _grouped(
        value,
        decimals,
        get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
    )


def _grouped(value, decimals, decimal_sep, thousand_sep):
    value = Decimal(value)
    if decimals is None:
        value = value.normalize()
        decimals = max(0, -value.as_tuple().exponent)
    return number_format(
        value,
        decimal_sep,
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=thousand_sep,
        force_grouping=True,
    )


def format_money(amount):
    """Euros as the memo writes them: in millions, from a billion on in billions, with at least
    one and at most two decimals.

    `8900000` -> `€ 8,9 mln`, `20000` -> `€ 0,02 mln`, `30000000` -> `€ 30,0 mln`,
    `11727890000` -> `€ 11,73 mld`. Amounts that two decimals would hide (below € 5.000) are
    written in full: `€ 4.250`. In English the same figures read `€8.9 million`,
    `€11.73 billion` and `€4,250`.
    """
    amount = Decimal(amount)
    if abs(amount) >= BILLION:
        # Translators: an amount in billions of euros, e.g. "€ 11,73 mld".
        return _("€ %(amount)s mld") % {"amount": _in_units(amount, BILLION)}
    if abs(amount) * 200 < MILLION and amount != 0:
        return _in_full(amount)
    # Translators: an amount in millions of euros, e.g. "€ 8,9 mln".
    return _("€ %(amount)s mln") % {"amount": _in_units(amount, MILLION)}


def _in_full(amount):
    """`€ 4.250`, `€ 100.000,50`: every euro, and the cents when there are any."""
    figure = local_number(amount, 0 if amount == amount.to_integral() else 2)
    # Translators: an amount in euros written in full, e.g. "€ 4.250".
    return _("€ %(amount)s") % {"amount": figure}


def _in_units(amount, unit):
    """`amount` in `unit`s with one decimal, or two when the second is not zero."""
    units = (amount / unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    decimals = 1 if units == units.quantize(Decimal("0.1")) else 2
    return local_number(units, decimals)


# `1.234,56` (points group thousands), `8,9`, and `8900000.00` as machines write it.
_DUTCH_GROUPED = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_DUTCH_PLAIN = re.compile(r"-?\d+(?:,\d+)?")
_DECIMAL_POINT = re.compile(r"-?\d+\.\d+")


def parse_dutch_number(text):
    """Read a number the Dutch way: `8,9` -> 8.9, `1.234,56` -> 1234.56, `€ 1.500` -> 1500.

    A point followed by groups of three digits groups thousands, as in Dutch; any other single
    point is a decimal point (`8900000.00`, as systems write it). Anything else is a ValueError.
    """
    compact = re.sub(r"[\s\u00a0€]", "", str(text))
    if _DUTCH_GROUPED.fullmatch(compact) or _DUTCH_PLAIN.fullmatch(compact):
        return Decimal(compact.replace(".", "").replace(",", "."))
    if _DECIMAL_POINT.fullmatch(compact):
        return Decimal(compact)
    raise ValueError(f"geen getal: {text!r}")


class PM:
    """The answer of `parse_money` to `PM`: the amount exists but is not known yet."""

    def __repr__(self):
        return "PM"


PRO_MEMORIE = PM()

_PM_WORDS = {"pm", "p.m.", "p.m", "pro memorie"}
_UNITS = {
    "mln": MILLION,
    "miljoen": MILLION,
    "mio": MILLION,
    "mld": BILLION,
    "miljard": BILLION,
}
_MONEY = re.compile(r"(?P<number>-?[\d.,]+)(?P<unit>[a-z]*)")
# A comma before exactly three digits (`1,234`) is how English writes thousands and how Dutch
# writes three decimals: without a unit it means two different amounts.
_COMMA_THOUSANDS = re.compile(r"-?\d{1,3},\d{3}")
_ENGLISH_GROUPED = re.compile(r"-?\d{1,3}(?:(?:,\d{3})+\.\d+|(?:,\d{3}){2,})")


class MoneyError(ValueError):
    """Text that is not an amount; its message says, in Dutch, how to write it."""


def parse_money(text, *, pm_allowed=True):
    """An amount in euros as civil servants type it, as a Decimal; `PRO_MEMORIE` for `PM`.

    Reads `8,9 mln`, `0,55 miljoen`, `2 mld`, `8.900.000`, `250.000`, `8900000,50`,
    `€ 1.234,56` and `8900000.00` (a decimal point, as systems write it). Refuses with a
    `MoneyError` what could mean two amounts (`1,234`: 1.234 euros or 1,23?; `1,234.56` in
    English notation), more than two decimals (cents), and anything else, saying how to write it.
    Blank text is None.
    """
    compact = re.sub(r"[\s\u00a0€]|eur(o)?", "", str(text).strip().lower())
    if not compact:
        return None
    if compact in _PM_WORDS:
        if not pm_allowed:
            raise MoneyError(_("PM past hier niet; laat het veld leeg als het bedrag onbekend is."))
        return PRO_MEMORIE
    match = _MONEY.fullmatch(compact)
    if match is None or (match["unit"] and match["unit"] not in _UNITS):
        raise not_an_amount(text)
    number, unit = match["number"], _UNITS.get(match["unit"], Decimal(1))
    if _ENGLISH_GROUPED.fullmatch(number):
        grouped = number.replace(",", "#").replace(".", ",").replace("#", ".")
        raise MoneyError(
            _(
                "'%(text)s' is Engelse schrijfwijze. Schrijf %(grouped)s: een punt voor "
                "duizendtallen, een komma voor centen."
            )
            % {"text": text, "grouped": grouped}
        )
    if unit == 1 and _COMMA_THOUSANDS.fullmatch(number):
        whole = number.replace(",", ".")
        cents = number[: number.index(",") + 3]
        raise MoneyError(
            _(
                "'%(text)s' kan twee bedragen zijn. Schrijf %(whole)s voor duizendtallen, "
                "of %(cents)s voor een bedrag met centen."
            )
            % {"text": text, "whole": whole, "cents": cents}
        )
    if unit != 1 and re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+", number):
        raise MoneyError(
            _(
                "'%(text)s' kan twee bedragen zijn. Schrijf %(decimal)s %(unit)s, of het hele "
                "bedrag zonder %(unit)s."
            )
            % {"text": text, "decimal": dutch_number(Decimal(number)), "unit": match["unit"]}
        )
    try:
        amount = parse_dutch_number(number) * unit
    except ValueError:
        raise not_an_amount(text) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise MoneyError(
            _(
                "'%(text)s' heeft meer dan twee cijfers achter de komma; een bedrag gaat tot "
                "op de cent."
            )
            % {"text": text}
        )
    return amount.quantize(Decimal("0.01"))


def not_an_amount(text):
    return MoneyError(
        _("'%(text)s' is geen bedrag. Schrijf bijvoorbeeld 8,9 mln, 8.900.000 of 1.234,56.")
        % {"text": text}
    )


def exact_money(amount, *, with_short=False):
    """The exact amount, as the tables and downloads give it: `€ 100.000,50`, `€ 8.900.000`;
    `with_short`, followed by how the pages write it where that differs: `€ 100.000,50
    (€ 0,1 mln)`."""
    amount = Decimal(amount)
    exact = _in_full(amount)
    short = format_money(amount)
    return f"{exact} ({short})" if with_short and short != exact else exact

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
        figure = local_number(amount, 0 if amount == amount.to_integral() else 2)
        # Translators: an amount in euros written in full, e.g. "€ 4.250".
        return _("€ %(amount)s") % {"amount": figure}
    # Translators: an amount in millions of euros, e.g. "€ 8,9 mln".
    return _("€ %(amount)s mln") % {"amount": _in_units(amount, MILLION)}


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

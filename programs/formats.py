"""Money and figures written the Dutch way: `€ 8,9 mln`, `€ 0,02 mln`, `ruim 2.500 vestigingen`.

Kept here, beside the models that carry amounts in both apps (indicators in `programs`, budget
lines and subsidies in `budgets`), because `budgets` may use `programs` and never the reverse.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.numberformat import format as number_format

MILLION = Decimal(1_000_000)
EURO_UNIT = "EUR"


def dutch_number(value, decimals=None):
    """`2500` -> `2.500`, `16.0` -> `16`, `3.25` -> `3,25`; grouping always on."""
    value = Decimal(value)
    if decimals is None:
        value = value.normalize()
        decimals = max(0, -value.as_tuple().exponent)
    return number_format(
        value, ",", decimal_pos=decimals, grouping=3, thousand_sep=".", force_grouping=True
    )


def format_money(amount):
    """Euros in millions as the memo writes them: at least one, at most two decimals.

    `8900000` -> `€ 8,9 mln`, `20000` -> `€ 0,02 mln`, `30000000` -> `€ 30,0 mln`.
    Amounts that two decimals would hide (below € 5.000) are written in full: `€ 4.250`.
    """
    amount = Decimal(amount)
    millions = (amount / MILLION).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if millions == 0 and amount != 0:
        return f"€ {dutch_number(amount, 0 if amount == amount.to_integral() else 2)}"
    decimals = 1 if millions == millions.quantize(Decimal("0.1")) else 2
    return f"€ {dutch_number(millions, decimals)} mln"

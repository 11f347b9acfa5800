"""Tables on the public pages, and the same tables as CSV or XLSX downloads.

A view describes each table once (`Table`: caption, columns, rows); the page renders it with
`templates/_table.html` and `?tabel=<name>&format=csv|xlsx` on the same URL downloads exactly
those rows, so a download always equals what the page shows, filters included.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .exports import CONTENT_TYPES, table_response
from .formats import format_money

DOWNLOAD_FORMATS = tuple(CONTENT_TYPES)


@dataclass(frozen=True)
class Column:
    """One column: `text(row)` is what the page shows.

    `number(row)`, when given, is what a spreadsheet gets instead of the text (an amount in
    euros as a Decimal, so it can be summed); None there falls back to the text (`PM`).
    `link(row)` makes the cell a link; `numeric` aligns it right.
    """

    header: Any
    text: Callable[[Any], Any]
    link: Callable[[Any], str | None] | None = None
    number: Callable[[Any], Any] | None = None
    numeric: bool = False
    download_header: Any = None


def money_column(header, amount, otherwise=None, **kwargs):
    """Amounts: `€ 8,9 mln` on the page, the euros (a Decimal) in a spreadsheet.

    `amount(row)` is the Decimal or None; for None the cell reads `otherwise(row)` (`PM`,
    `op kosten EU`, `onbekend`) on the page and in the spreadsheet alike.
    """

    def text(row):
        value = amount(row)
        if value is None:
            return otherwise(row) if otherwise else ""
        return format_money(value)

    return Column(header, text, number=amount, numeric=True, **kwargs)


def record_column(header, record, user, text=str, **kwargs):
    """A related record (`record(row)`), linked to its page; empty where `user` may not see it."""

    def shown(row):
        found = record(row)
        return found if found is not None and found.is_visible_to(user) else None

    def cell_text(row):
        found = shown(row)
        return text(found) if found is not None else ""

    def link(row):
        found = shown(row)
        return found.get_absolute_url() if found is not None else None

    return Column(header, cell_text, link=link, **kwargs)


def count_column(header, count, **kwargs):
    """A count: the same figure on the page and, as a number, in a spreadsheet."""
    return Column(header, count, number=count, numeric=True, **kwargs)


@dataclass(frozen=True)
class Cell:
    text: str
    link: str | None = None
    numeric: bool = False
    span: int = 1


@dataclass
class Table:
    """A captioned table with headers; the first column heads its row.

    `footer` is a totals row, one text per column; None widens the cell before it (`["Totaal",
    None, "€ 77,57 mln + 6 × PM"]`), and is an empty cell in a download.
    """

    name: str
    caption: Any
    columns: list[Column]
    rows: Iterable
    footer: list | None = None
    empty: Any = field(default=_("Geen gegevens."))

    @cached_property
    def records(self):
        return list(self.rows)

    @cached_property
    def body(self):
        """Rows of `Cell`s for the template."""
        return [[self._cell(column, row) for column in self.columns] for row in self.records]

    @staticmethod
    def _cell(column, row):
        text = column.text(row)
        link = column.link(row) if column.link else None
        return Cell("" if text is None else str(text), link, column.numeric)

    @cached_property
    def footer_cells(self):
        """The footer as `Cell`s, each spanning the columns its None neighbours leave."""
        cells = []
        if not self.footer:
            return cells
        for column, text in zip(self.columns, self.footer, strict=True):
            if text is None and cells:
                cells[-1] = Cell(cells[-1].text, numeric=cells[-1].numeric, span=cells[-1].span + 1)
            else:
                cells.append(Cell("" if text is None else str(text), numeric=column.numeric))
        return cells

    def download_rows(self):
        """The body as spreadsheet values: numbers where a column has them, else the text."""
        rows = []
        for row, cells in zip(self.records, self.body, strict=True):
            values = []
            for column, cell in zip(self.columns, cells, strict=True):
                number = column.number(row) if column.number else None
                values.append(cell.text if number is None else number)
            rows.append(values)
        if self.footer:
            rows.append(["" if text is None else str(text) for text in self.footer])
        return rows

    def download_headers(self):
        return [str(column.download_header or column.header) for column in self.columns]

    def download(self, file_format, filename):
        return table_response(
            f"{filename}-{self.name}", self.download_headers(), self.download_rows(), file_format
        )


def render_with_tables(
    request, template, context, tables, *, filename, status=200, default_table=None
):
    """The page, or one of its tables as a download when `?tabel=` and `?format=` ask for it.

    `?format=` alone downloads `default_table` (older links name no table); on a page without
    one it is ignored. An unknown table is a 404, an unknown or missing format a 400. A page
    that is itself an error (invalid filters) answers as a page, never as a download.
    """
    requested = request.GET.get("tabel")
    file_format = request.GET.get("format")
    if requested is None and file_format is not None:
        requested = default_table
    if requested is None or status >= 400:
        context = {**context, "tables": {table.name: table for table in tables}}
        return render(request, template, context, status=status)
    table = next((table for table in tables if table.name == requested), None)
    if table is None:
        raise Http404(_("Deze tabel bestaat niet."))
    if file_format not in DOWNLOAD_FORMATS:
        message = gettext("Onbekend formaat ‘%(format)s’: kies csv of xlsx.") % {
            "format": file_format or ""
        }
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    return table.download(file_format, filename)

"""Tables on the public pages, and the same tables as CSV or XLSX downloads.

A view describes each table once (`Table`: caption, columns, rows); the page renders it with
`templates/_table.html` and `?tabel=<name>&format=csv|xlsx` on the same URL downloads exactly
those rows, so a download always equals what the page shows, filters included.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .exports import CONTENT_TYPES, table_response

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


@dataclass(frozen=True)
class Cell:
    text: str
    link: str | None = None
    numeric: bool = False


@dataclass
class Table:
    """A captioned table with headers; the first column heads its row."""

    name: str
    caption: Any
    columns: list[Column]
    rows: Iterable
    footer: list | None = None  # a totals row, one text per column
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
            rows.append([str(text) for text in self.footer])
        return rows

    def download_headers(self):
        return [str(column.download_header or column.header) for column in self.columns]

    def download(self, file_format, filename):
        return table_response(
            f"{filename}-{self.name}", self.download_headers(), self.download_rows(), file_format
        )


def render_with_tables(request, template, context, tables, *, filename, status=200):
    """The page, or one of its tables as a download when `?tabel=` and `?format=` ask for it."""
    requested = request.GET.get("tabel")
    if requested is None:
        context = {**context, "tables": {table.name: table for table in tables}}
        return render(request, template, context, status=status)
    table = next((table for table in tables if table.name == requested), None)
    file_format = request.GET.get("format")
    if table is None or file_format not in DOWNLOAD_FORMATS:
        raise Http404(_("Deze tabel of dit formaat bestaat niet."))
    return table.download(file_format, filename)

"""Tables on the public pages, and the same tables as CSV or XLSX downloads.

A view describes each table once (`Table`: caption, columns, rows); the page renders it with
`templates/_table.html` a page of rows at a time (`?pagina=N`), and `?tabel=<name>&format=csv|xlsx`
on the same URL downloads every row of the list, filters included.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .api import in_total_order, page_of
from .exports import CONTENT_TYPES, COUNT, DATE, MONEY, TEXT, Source, table_response
from .formats import format_money

DOWNLOAD_FORMATS = tuple(CONTENT_TYPES)

#: Rows on one page of a table.
PER_PAGE = 50
#: Records read per query while a download reads the whole list.
DOWNLOAD_CHUNK_SIZE = 500
#: Pages beyond this are past the end of any list, without asking the database for an offset
#: that would overflow it.
MAX_PAGE = 10**7
#: Rows a whole list shows on one page (`?tabel=<name>`); a longer list says so and offers
#: the download, which holds every row.
FULL_LIST_MAX = 5_000


@dataclass(frozen=True)
class Part:
    """One column of a download: its header, its value for a row (a Decimal, an int, a date,
    text or None) and what it holds (`common.exports`: TEXT, MONEY, COUNT, DATE).

    `total(values)` is its cell in the totals row of an XLSX (`sum_of` for amounts and
    counts); None leaves that cell empty.
    """

    header: Any
    value: Callable[[Any], Any]
    kind: str = TEXT
    total: Callable[[list], Any] | None = None


def sum_of(values):
    return sum(value for value in values if value is not None)


@dataclass(frozen=True)
class Column:
    """One column: `text(row)` is what the page shows.

    `number(row)`, when given, is what a download gets instead of the text (an amount in
    euros as a Decimal, a count as an int), None an empty cell: the page's `PM` or
    `onbekend` is never an amount. `kind` says which (MONEY, COUNT). `parts`, when given,
    are the download's columns for this one (an amount and the kind of contribution; a
    period's words and its first and last day). `link(row)` makes the cell a link; `numeric`
    aligns it right.
    """

    header: Any
    text: Callable[[Any], Any]
    link: Callable[[Any], str | None] | None = None
    number: Callable[[Any], Any] | None = None
    numeric: bool = False
    download_header: Any = None
    kind: str = TEXT
    parts: tuple = ()

    def download_parts(self):
        if self.parts:
            return self.parts
        header = self.download_header or self.header
        if self.number is not None:
            total = sum_of if self.kind in (MONEY, COUNT) else None
            return (Part(header, self.number, self.kind, total),)
        return (Part(header, self.shown_text),)

    def shown_text(self, row):
        text = self.text(row)
        return "" if text is None else str(text)


def money_column(header, amount, otherwise=None, *, kind=None, **kwargs):
    """Amounts: `€ 8,9 mln` on the page, the euros (a Decimal) in a download.

    `amount(row)` is the Decimal or None; for None the page reads `otherwise(row)` (`PM`,
    `op kosten EU`, `onbekend`) and a download has an empty cell. `kind`, when given, is a
    `Part` for the kind of contribution, a column of its own in a download.
    """

    def text(row):
        value = amount(row)
        if value is None:
            return otherwise(row) if otherwise else ""
        return format_money(value)

    parts = ()
    if kind is not None:
        parts = (Part(kwargs.get("download_header") or header, amount, MONEY, sum_of), kind)
    return Column(header, text, number=amount, numeric=True, kind=MONEY, parts=parts, **kwargs)


def period_column(header, text, first_day, last_day, **kwargs):
    """A period or a day as policy texts give it (`medio 2016`, `3 augustus 2016`): the words
    on the page; in a download the words and, as dates, its first and last day (empty when
    unknown)."""
    parts = (
        Part(header, lambda row: "" if text(row) is None else str(text(row))),
        Part(first_day_header(header), first_day, DATE),
        Part(last_day_header(header), last_day, DATE),
    )
    return Column(header, text, parts=parts, **kwargs)


def first_day_header(header):
    return gettext("%(header)s: eerste dag") % {"header": header}


def last_day_header(header):
    return gettext("%(header)s: laatste dag") % {"header": header}


def fuzzy_date_column(header, fuzzy, otherwise=None, **kwargs):
    """`fuzzy(row)`, a `FuzzyDate` or None, as a period column; None reads `otherwise(row)`
    on the page (`onbekend`, `geen termijn`)."""

    def text(row):
        value = fuzzy(row)
        if value is None:
            return otherwise(row) if otherwise else ""
        return value

    def first(row):
        value = fuzzy(row)
        return value.start if value else None

    def last(row):
        value = fuzzy(row)
        return value.end if value else None

    return period_column(header, text, first, last, **kwargs)


def date_column(header, day, **kwargs):
    """A day (a date or an aware datetime): `3 augustus 2016` on the page, a date in a
    download."""

    def local_day(row):
        value = day(row)
        if isinstance(value, datetime.datetime):
            return timezone.localdate(value)
        return value

    def text(row):
        value = local_day(row)
        return date_format(value, "j F Y") if value else ""

    return Column(header, text, parts=(Part(header, local_day, DATE),), **kwargs)


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
    """A count: the same figure on the page and, as a whole number, in a download."""
    return Column(header, count, number=count, numeric=True, kind=COUNT, **kwargs)


@dataclass(frozen=True)
class Cell:
    text: str
    link: str | None = None
    numeric: bool = False
    span: int = 1
    #: The row is a record that is not published (only staff see it): its first cell says so.
    concept: bool = False
    #: The column's header, which a narrow screen shows before the text (rows stacked).
    header: str = ""


@dataclass
class Table:
    """A captioned table with headers; the first column heads its row.

    On a page it shows the page `show_page` chose (all rows until then, as in the admin);
    `download_rows` always reads every row of `rows`, which a page slices with LIMIT/OFFSET.

    `footer` is a totals row, one text per column; None widens the cell before it (`["Totaal",
    None, "€ 77,57 mln + 6 × PM"]`). A CSV never has it; an XLSX has its own totals row
    below the data, after an empty row: the footer's label, the amounts and counts summed
    (`download_totals`). A table whose rows overlap (a line under each of its themes) has no
    footer, so no totals.
    """

    name: str
    caption: Any
    columns: list[Column]
    rows: Iterable
    footer: list | None = None
    empty: Any = field(default=_("Geen gegevens."))
    #: Rows on one of its pages: fewer where a page shows many tables.
    per_page: int = PER_PAGE
    #: Set by `show_page`: the page shown, the query parameter that names it, or an error.
    page: int | None = field(default=None, init=False)
    page_parameter: str = field(default="pagina", init=False)
    page_error: str | None = field(default=None, init=False)
    #: Set by `show_all`: at most this many rows, all on one page.
    row_limit: int | None = field(default=None, init=False)

    def show_page(self, request, parameter):
        """Show only the page `request` asks for with `parameter` (`?pagina=2`), 1 by default.

        A malformed number leaves the table empty, with `page_error` saying why.
        """
        self.page_parameter = parameter
        value = request.GET.get(parameter)
        if value is None:
            self.page = 1
        elif value.isascii() and value.isdigit() and int(value) >= 1:
            self.page = int(value)
        else:
            self.page_error = gettext(
                "Paginanummer ‘%(value)s’ klopt niet: geef een geheel getal vanaf 1."
            ) % {"value": value}

    def show_all(self, limit):
        """Show every row on one page, up to `limit` (`is_cut_short` says when more follow)."""
        self.page = None
        self.row_limit = limit

    @property
    def is_cut_short(self):
        return self.row_limit is not None and self.has_next

    @property
    def is_past_the_end(self):
        return bool(self.page and self.page > 1 and not self.records)

    @cached_property
    def _fetched(self):
        """(the rows shown, whether more follow)."""
        if self.page_error:
            return [], False
        if self.page is None and self.row_limit is None:
            return list(self.rows), False
        if self.page is None:
            fetched = list(slice_of(self.rows, 0, self.row_limit + 1))
            return fetched[: self.row_limit], len(fetched) > self.row_limit
        if self.page > MAX_PAGE:
            return [], False
        start = self.first_row - 1
        # One row more than the page says whether a next page exists, without counting them all.
        fetched = list(slice_of(self.rows, start, start + self.per_page + 1))
        return fetched[: self.per_page], len(fetched) > self.per_page

    @property
    def records(self):
        return self._fetched[0]

    @property
    def has_next(self):
        return self._fetched[1]

    @property
    def first_row(self):
        return (self.page - 1) * self.per_page + 1 if self.page else 1

    @property
    def last_row(self):
        return self.first_row + len(self.records) - 1

    @property
    def total(self):
        """The number of rows in the list where the page shown tells it for free (the last
        page), else None."""
        return None if self.has_next or self.page_error else self.last_row

    @property
    def previous_page(self):
        return self.page - 1 if self.page and self.page > 1 else None

    @property
    def next_page(self):
        return self.page + 1 if self.has_next else None

    @property
    def is_paged(self):
        """More than one page: the page shows navigation and which rows it shows."""
        return bool(self.page and (self.previous_page or self.next_page))

    @cached_property
    def body(self):
        """Rows of `Cell`s for the template: the page shown."""
        return [self._cells(row) for row in self.records]

    def _cells(self, row):
        cells = [self._cell(column, row) for column in self.columns]
        if cells and getattr(row, "is_published", True) is False:
            cells[0] = replace(cells[0], concept=True)
        return cells

    @staticmethod
    def _cell(column, row):
        text = column.text(row)
        link = column.link(row) if column.link else None
        return Cell(
            "" if text is None else str(text), link, column.numeric, header=str(column.header)
        )

    @cached_property
    def footer_cells(self):
        """The footer as `Cell`s, each spanning the columns its None neighbours leave."""
        cells = []
        if not self.footer:
            return cells
        for column, text in zip(self.columns, self.footer, strict=True):
            if text is None and cells:
                cells[-1] = replace(cells[-1], span=cells[-1].span + 1)
            else:
                text = "" if text is None else str(text)
                cells.append(Cell(text, numeric=column.numeric, header=str(column.header)))
        return cells

    def download_parts(self):
        return [part for column in self.columns for part in column.download_parts()]

    def download_rows(self):
        """Every row of the list (not only the page shown) as download values: numbers,
        dates and text, never a totals row."""
        parts = self.download_parts()
        records = self.rows
        if isinstance(records, QuerySet):
            # Every row of a long list, in the pages' order: records (and their prefetches)
            # read a chunk at a time.
            records = in_total_order(records).iterator(chunk_size=DOWNLOAD_CHUNK_SIZE)
        return [[part.value(row) for part in parts] for row in records]

    def download_headers(self):
        return [str(part.header) for part in self.download_parts()]

    def download_totals(self, rows):
        """The totals row of an XLSX, for a table whose page has a footer: its label, then
        each column's total (amounts and counts summed, the kinds of contribution counted)."""
        if not self.footer:
            return None
        parts = self.download_parts()
        totals = [
            part.total([row[index] for row in rows]) if part.total else None
            for index, part in enumerate(parts)
        ]
        totals[0] = str(self.footer[0])
        return totals

    def download(self, file_format, filename, source=None):
        """The whole list as CSV (the data only) or XLSX (the data, the totals below it after
        an empty row, the sheet `Bron` with `source`)."""
        rows = self.download_rows()
        return table_response(
            f"{filename}-{self.name}",
            self.download_headers(),
            rows,
            file_format,
            name=self.name,
            kinds=[part.kind for part in self.download_parts()],
            totals=self.download_totals(rows),
            source=source,
        )


def download_source(request, table, active_filters=()):
    """The `Bron` of a download: the page's address with its filters (without `tabel` and
    `format`), the table's caption, the filters in force and now."""
    query = request.GET.copy()
    for name in ("tabel", "format"):
        query.pop(name, None)
    url = request.build_absolute_uri(request.path)
    if query:
        url = f"{url}?{query.urlencode()}"
    filters = [(str(item.label), str(item.value)) for item in active_filters]
    return Source(url=url, title=str(table.caption), filters=filters)


def slice_of(rows, start, stop):
    """`rows[start:stop]`: a LIMIT query for a QuerySet, any iterable otherwise."""
    if isinstance(rows, QuerySet):
        return page_of(rows, start, stop)
    if hasattr(rows, "__getitem__"):
        return rows[start:stop]
    return islice(rows, start, stop)


def page_parameter(table, tables):
    """`pagina` for a page's only table; `pagina-<name>` where a page has several."""
    return "pagina" if len(tables) == 1 else f"pagina-{table.name}"


def render_with_tables(
    request,
    template,
    context,
    tables,
    *,
    filename,
    status=200,
    default_table=None,
    paginate=True,
    full_list_heading=None,
):
    """The page, or one of its tables as a download when `?tabel=` and `?format=` ask for it.

    The page shows each table a page at a time (`?pagina=N`, or `?pagina-<table>=N` where it
    has several) unless `paginate` is False; a malformed page number is a 400, a page past the
    end a 404. A download holds every row.

    `?tabel=<name>` alone shows that table whole on a page of its own, to read or print
    (`render_full_list`, headed `full_list_heading` or the table's caption). `?format=` alone
    downloads `default_table` (older links name no table); on a page without one it is
    ignored. An unknown table is a 404, an unknown format a 400. A page that is itself an
    error (invalid filters) answers as a page, never as a download.
    """
    requested = request.GET.get("tabel")
    file_format = request.GET.get("format")
    if requested is None and file_format is not None:
        requested = default_table
    if requested is not None and file_format is None and status < 400:
        return render_full_list(request, context, tables, requested, full_list_heading)
    if requested is None or status >= 400:
        if paginate:
            for table in tables:
                table.show_page(request, page_parameter(table, tables))
            if any(table.page_error for table in tables):
                status = max(status, 400)
            elif status < 400 and any(table.is_past_the_end for table in tables):
                raise Http404(_("Deze pagina bestaat niet."))
        context = {**context, "tables": {table.name: table for table in tables}}
        return render(request, template, context, status=status)
    table = table_named(tables, requested)
    if file_format not in DOWNLOAD_FORMATS:
        message = gettext("Onbekend formaat ‘%(format)s’: kies csv of xlsx.") % {
            "format": file_format or ""
        }
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    source = download_source(request, table, context.get("active_filters", []))
    return table.download(file_format, filename, source)


def render_full_list(request, context, tables, name, heading=None):
    """`?tabel=<name>`: every row of one table on a page without the form or pagination, with
    the filters in force, the number of rows, the table's totals and the date: for reading or
    printing a whole list (`FULL_LIST_MAX` rows at most; the download holds them all)."""
    table = table_named(tables, name)
    table.show_all(FULL_LIST_MAX)
    back = request.GET.copy()
    back.pop("tabel", None)
    full_context = {
        "table": table,
        "heading": heading or table.caption,
        "active_filters": context.get("active_filters", []),
        "back_url": f"{request.path}?{back.urlencode()}" if back else request.path,
        "row_limit": FULL_LIST_MAX,
    }
    return render(request, "full_list.html", full_context)


def table_named(tables, name):
    """The table of the page named `name` (`?tabel=`); a 404 when it has none."""
    table = next((table for table in tables if table.name == name), None)
    if table is None:
        raise Http404(_("Deze tabel bestaat niet."))
    return table

"""Every CSV and XLSX the project writes, one convention per kind of file.

CSV is for machines, the same everywhere (page downloads, API lists, open data, the admin's
export): UTF-8 without byte order mark, comma separated, CRLF line ends, a header row and
then only data (no totals), decimal points (`8900000.00`), ISO dates (`2016-08-03`),
`true`/`false`, an empty cell for nothing (a PM line's amount is empty; its kind has a column
of its own).

XLSX is for people: a named sheet with bold headers, amounts as numbers in a € format,
dates as date cells, counts as whole numbers; totals below the data after an empty row; and
a sheet `Bron` with where the data comes from, the filters and when it was retrieved.

In both, text that a spreadsheet would run as a formula starts with `'` (`spreadsheet_safe`).
"""

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# What a column holds, for the XLSX cell formats and the totals (a CSV writes every kind as
# the machine convention has it, whatever the column).
TEXT, MONEY, COUNT, DATE = "text", "money", "count", "date"
#: `€ 8.900.000,00` in Excel set to Dutch, `€ 8,900,000.00` in English: a number either way.
MONEY_FORMAT = '"€" #,##0.00'
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "d-m-yyyy"
DATETIME_FORMAT = "d-m-yyyy hh:mm"
#: Excel refuses a longer sheet name, and these characters in one.
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def spreadsheet_safe(value):
    """Text that a spreadsheet shows as text: `=1+1` becomes `'=1+1`. Other values pass."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value


# CSV


def csv_cell(value):
    """One CSV cell by the machine convention: None empty, `true`/`false`, a Decimal with a
    decimal point and no exponent, ISO dates and times, text spreadsheet safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):  # a datetime too
        return value.isoformat()
    return spreadsheet_safe(str(value))


def csv_lines(rows):
    """Each row as one encoded CSV line (UTF-8, no byte order mark), ready to stream."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate(0)


def csv_content(headers, rows):
    """A whole CSV file: the header row, then the rows."""
    return b"".join(csv_lines([headers, *rows]))


# XLSX


@dataclass
class Source:
    """Where a download comes from, for its `Bron` sheet: the address, what it holds, the
    filters (`[(label, value)]`) and when it was retrieved."""

    url: str
    title: str = ""
    filters: list = field(default_factory=list)
    retrieved: datetime.datetime = field(default_factory=timezone.now)


def sheet_name(name):
    """A name Excel accepts for a sheet: `bijdrage-per-programma` is `Bijdrage per programma`."""
    text = str(name).replace("-", " ").translate(SHEET_NAME_FORBIDDEN).strip()
    text = text[:1].upper() + text[1:]
    return text[:SHEET_NAME_MAX] or gettext("Gegevens")


def kind_of(value):
    """The kind of a value in a column that does not say (the admin's export)."""
    if isinstance(value, bool):
        return TEXT
    if isinstance(value, Decimal):
        return MONEY
    if isinstance(value, int):
        return COUNT
    if isinstance(value, datetime.date):
        return DATE
    return TEXT


def xlsx_cell(value):
    """A value as openpyxl writes it: text spreadsheet safe, a date and time in local time
    (Excel has no time zones), `ja`/`nee` for booleans."""
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nee")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, (int, Decimal, datetime.date)) or value is None:
        return value
    return spreadsheet_safe(str(value))


def formatted(cell, kind):
    if cell.value is None:
        return
    if kind == MONEY and isinstance(cell.value, (int, Decimal)):
        cell.number_format = MONEY_FORMAT
    elif kind == COUNT and isinstance(cell.value, int):
        cell.number_format = COUNT_FORMAT
    elif isinstance(cell.value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(cell.value, datetime.date):
        cell.number_format = DATE_FORMAT


def workbook_content(name, headers, rows, *, kinds=None, totals=None, source=None):
    """An XLSX file: the sheet `name` with the headers and the rows, then (when given) an
    empty row and the `totals` row, and a sheet `Bron` that says where it all comes from.

    `kinds` says per column what it holds (TEXT, MONEY, COUNT, DATE); without it each cell's
    type decides (a Decimal is money, an int a count, a date a date).
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name(name)
    sheet.append([str(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = min(60, max(12, len(cell.value) + 4))
    sheet.freeze_panes = "A2"
    for row in rows:
        values = [xlsx_cell(value) for value in row]
        sheet.append(values)
        for index, cell in enumerate(sheet[sheet.max_row]):
            formatted(cell, kinds[index] if kinds else kind_of(cell.value))
    if totals is not None:
        sheet.append([])
        sheet.append([xlsx_cell(value) for value in totals])
        for index, cell in enumerate(sheet[sheet.max_row]):
            formatted(cell, kinds[index] if kinds else kind_of(cell.value))
            cell.font = Font(bold=True)
    if source is not None:
        source_sheet(workbook, source)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def source_sheet(workbook, source):
    """The sheet `Bron`: the address the data comes from, what it is, the filters in force and
    when it was retrieved (a date cell)."""
    sheet = workbook.create_sheet(gettext("Bron"))
    filters = "; ".join(f"{label}: {value}" for label, value in source.filters)
    rows = [
        (gettext("Bron"), source.url),
        (gettext("Gegevens"), str(source.title)),
        (gettext("Filters"), filters or gettext("geen")),
        (gettext("Opgehaald op"), xlsx_cell(source.retrieved)),
        (gettext("Uitgever"), gettext("Provincie Limburg")),
    ]
    for label, value in rows:
        sheet.append([label, spreadsheet_safe(value)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        formatted(sheet.cell(sheet.max_row, 2), DATE)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 80


# Downloads


def download_response(content, filename, file_format):
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def table_response(
    filename,
    headers,
    rows: Iterable,
    file_format,
    *,
    name=None,
    kinds=None,
    totals=None,
    source=None,
):
    """A download of `rows` under `headers` as `csv` (data only) or `xlsx` (the sheet `name`,
    the totals below the data, the sheet `Bron`)."""
    if file_format == "xlsx":
        content = workbook_content(
            name or filename, headers, rows, kinds=kinds, totals=totals, source=source
        )
    else:
        content = csv_content(headers, rows)
    return download_response(content, filename, file_format)

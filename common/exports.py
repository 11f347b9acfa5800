"""Tables as CSV or XLSX downloads, with spreadsheet formulas neutralised."""

import csv
import io

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def spreadsheet_safe(value):
    """Text that a spreadsheet shows as text: `=1+1` becomes `'=1+1`. Other values pass."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value


def table_response(filename, headers, rows, file_format):
    """A download of `rows` under `headers` as `csv` or `xlsx`."""
    rows = [[spreadsheet_safe(cell) for cell in row] for row in rows]
    if file_format == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.append([str(header) for header in headers])
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([str(header) for header in headers])
        writer.writerows(rows)
        content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response

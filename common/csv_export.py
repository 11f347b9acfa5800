"""Open data as CSV: a DRF renderer, API records flattened into readable columns, streamed.

A list's CSV has the columns of its JSON records, nested objects flattened with dots
(`program.slug`, `start.label`, `start.start`), lists joined with `; ` and money as decimal
text (`8900000.00`). Every cell passes `spreadsheet_safe`: a text that starts with `=` is
never read as a formula. The cells and lines are `common.exports`' CSV convention, the same
for every CSV the project writes: UTF-8 without byte order mark, comma separated, CRLF line
ends, ISO dates.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.http import StreamingHttpResponse
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from .exports import csv_cell, csv_lines
from .renderers import camel

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
LIST_SEPARATOR = "; "
NUMBER_FIELDS = (serializers.DecimalField, serializers.IntegerField, serializers.FloatField)


class CSVRenderer(BaseRenderer):
    """`text/csv`, chosen by `Accept: text/csv` or `?format=csv`.

    Renders a table: an iterable of rows, the header row first. Large tables are streamed
    with `csv_response` instead; both write the same lines.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"".join(csv_lines(data))


def csv_response(filename, rows):
    """A streamed CSV download of `rows` (an iterable, header first), read as it is sent."""
    response = StreamingHttpResponse(csv_lines(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


@dataclass(frozen=True)
class Column:
    """One CSV column: where its value sits in a record's representation."""

    path: tuple
    number: bool = False

    @property
    def title(self):
        return ".".join(camel(part) for part in self.path)

    def value(self, representation):
        """The value at `path`; values inside lists joined with `; `."""
        value = pluck(representation, self.path)
        if self.number and isinstance(value, str) and value:
            return Decimal(value)
        return value


def pluck(value, path):
    for index, key in enumerate(path):
        if isinstance(value, list):
            items = (pluck(item, path[index:]) for item in value)
            return LIST_SEPARATOR.join(str(csv_cell(item)) for item in items if item is not None)
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(csv_cell(item)) for item in value if item is not None)
    return value


def columns(serializer, path=()):
    """The columns of a serializer's representation, nested objects and lists flattened.

    A field may name its parts in `csv_parts` (a fuzzy date: label, start, end, precision).
    """
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        where = (*path, name)
        if isinstance(field, serializers.Serializer):
            yield from columns(field, where)
        elif parts := getattr(field, "csv_parts", None):
            yield from (Column((*where, part)) for part in parts)
        else:
            yield Column(where, number=isinstance(field, NUMBER_FIELDS))


def serializer_table(serializer, records):
    """The header, then one row per record: its API representation, flattened."""
    flat = list(columns(serializer))
    yield [column.title for column in flat]
    for record in records:
        representation = serializer.to_representation(record)
        yield [column.value(representation) for column in flat]

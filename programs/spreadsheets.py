"""Spreadsheets in the admin: what the Excel and CSV imports and exports of both apps share.

Columns have Dutch names and hold natural keys (slugs, `toezegging-1886`), Dutch numbers
(`1.234,56`) and Dutch dates (`7 november 2014`, `medio 2016`), never database ids. An import
checks every row with the model's own `full_clean()` and the admin's role rules, shows the
result before anything is kept, and is then written all or nothing: each record through
`save()`, with the file and the user as the reason in its history.
"""

import codecs
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ObjectDoesNotExist,
    ValidationError,
)
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from import_export.instance_loaders import BaseInstanceLoader
from import_export.tmp_storages import CacheStorage
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from common.exports import CONTENT_TYPES, FORMULA_TRIGGERS, csv_content, spreadsheet_safe
from common.formats import dutch_number, parse_dutch_number, parse_money
from common.fuzzydates import FuzzyDate, Precision, check_year, fuzzy_dates_of

from .models import Document, PublicationStatus, StaleRecord, change_reason_limit

TRUE_WORDS = {"ja", "j", "waar", "true", "1", "x"}
FALSE_WORDS = {"nee", "n", "onwaar", "false", "0", ""}


def unneutralised(text):
    """Undo `spreadsheet_safe`: `'=1+1`, as the export writes it, reads back as `=1+1`."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def cell_text(value):
    """A cell as text. Spreadsheets turn cells that look like numbers into numbers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unneutralised(str(value).strip())


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


class TextWidget(widgets.CharWidget):
    """Text, stripped as the admin's forms strip it."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def describe(self):
        return _("tekst")


class MoneyWidget(widgets.Widget):
    """Euros as Decimal, never float: a number cell, or text as the admin's amount fields read
    it (`parse_money`: `8,9 mln`, `1.234,56`, `8.900.000`; `PM` where `pm_allowed`)."""

    def __init__(self, *, pm_allowed=False, **kwargs):
        self.pm_allowed = pm_allowed
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            # str() first: a float cell's shortest form, so 0.1 stays 0.1.
            return Decimal(str(value))
        return parse_money(cell_text(value), pm_allowed=self.pm_allowed)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value  # a number cell in XLSX: still the exact Decimal
        return dutch_number(value, 2)

    def describe(self):
        if self.pm_allowed:
            return _("bedrag in euro's: 8,9 mln, 8.900.000 of 1.234,56, of PM (leeg: onbekend)")
        return _("bedrag in euro's: 8,9 mln, 8.900.000 of 1.234,56 (leeg: onbekend)")


class WholeNumberWidget(widgets.Widget):
    """A whole number: `12`, `1.500`, or a number cell."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = Decimal(str(value))
        else:
            try:
                number = parse_dutch_number(cell_text(value))
            except ValueError:
                number = None
        if number is None or number != number.to_integral_value():
            raise ValueError(_("'%(value)s' is geen geheel getal.") % {"value": value})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)

    def describe(self):
        return _("geheel getal")


class FuzzyDateWidget(widgets.Widget):
    """A day or a period as policy texts give them: `7 november 2014`, `07-11-2014`,
    `medio 2016`; a date cell is that day."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        fuzzy = self.read(value)
        try:
            check_year(fuzzy)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None
        return fuzzy

    @staticmethod
    def read(value):
        if isinstance(value, datetime.datetime):
            return FuzzyDate(value.date(), Precision.DAY)
        if isinstance(value, datetime.date):
            return FuzzyDate(value, Precision.DAY)
        try:
            return FuzzyDate.parse(cell_text(value))
        except ValueError:
            raise ValueError(
                _(
                    "Onbekende datum of periode '%(value)s'. Bijvoorbeeld: '7 november 2014', "
                    "'07-11-2014' of 'medio 2016'."
                )
                % {"value": value}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type") and value.precision == Precision.DAY:
            return value.start  # a date cell in XLSX, an ISO date in CSV; both read back
        with translation.override("nl"):
            return str(value)

    def describe(self):
        return _(
            "datum of periode: 7 november 2014, 07-11-2014, april 2015, 3e kwartaal 2015, "
            "najaar 2015, medio 2016, 2016"
        )


class ChoiceWidget(widgets.Widget):
    """One of the field's choices, written as its Dutch label; the stored code is read too."""

    def __init__(self, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def labels(self):
        with translation.override("nl"):
            return {value: str(label) for value, label in self.choices}

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).lower()
        if not text:
            return ""
        for code, label in self.labels().items():
            if text in (code.lower(), label.lower()):
                return code
        raise ValueError(
            _("Onbekende waarde '%(value)s'; kies uit: %(labels)s.")
            % {"value": value, "labels": ", ".join(self.labels().values())}
        )

    def render(self, value, obj=None, **kwargs):
        return self.labels().get(value, value or "")

    def describe(self):
        return _("een van: %(labels)s") % {"labels": ", ".join(self.labels().values())}


class YesNoWidget(widgets.Widget):
    """`ja` or `nee`; empty is `nee`."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueError(_("Schrijf 'ja' of 'nee', niet '%(value)s'.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return _("ja") if value else _("nee")

    def describe(self):
        return _("ja of nee")


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record named by its slug; an unknown slug is a row error, not a new record."""

    def __init__(self, model, **kwargs):
        super().__init__(model, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        slug = cell_text(value)
        if not slug:
            return None
        try:
            return self.model._default_manager.get(slug=slug)
        except self.model.DoesNotExist:
            raise ValueError(
                _("Onbekend: %(model)s met slug '%(slug)s'.")
                % {"model": self.model._meta.verbose_name, "slug": slug}
            ) from None

    def describe(self):
        example = self.model._default_manager.values_list("slug", flat=True).first()
        text = _("slug van een bestaand record uit %(models)s") % {
            "models": self.model._meta.verbose_name_plural
        }
        return f"{text}, bijv. {example}" if example else text


class SlugListWidget(widgets.ManyToManyWidget):
    """Related records named by their slugs, separated by commas."""

    def __init__(self, model, **kwargs):
        super().__init__(model, separator=",", field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        slugs = [slug.strip() for slug in cell_text(value).split(",") if slug.strip()]
        found = self.model._default_manager.filter(slug__in=slugs)
        missing = sorted(set(slugs) - {record.slug for record in found})
        if missing:
            raise ValueError(
                _("Onbekend in %(models)s: %(slugs)s.")
                % {"models": self.model._meta.verbose_name_plural, "slugs": ", ".join(missing)}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return ", ".join(record.slug for record in value.all())

    def describe(self):
        return _("slugs uit %(models)s, gescheiden door komma's") % {
            "models": self.model._meta.verbose_name_plural
        }


class Column(fields.Field):
    """A column of the spreadsheet; `description` explains it in the template's second sheet."""

    def __init__(self, attribute, column_name, widget, *, description="", **kwargs):
        super().__init__(attribute=attribute, column_name=column_name, widget=widget, **kwargs)
        self.description = description


class KeyColumn(Column):
    """The `id` column: a record's public id (`toezegging-1886`), set on a new record by
    `assign(instance, public_id)`, which raises ValueError for an id it cannot use."""

    def __init__(self, *, assign, description):
        super().__init__("public_id", "id", TextWidget(), description=description)
        self.assign = assign

    def save(self, instance, row, is_m2m=False, **kwargs):
        public_id = self.clean(row, **kwargs)
        if not public_id:
            raise ValueError(_("Vul de id in."))
        self.assign(instance, public_id)


class NaturalKeyLoader(BaseInstanceLoader):
    """Finds a row's record by its slug or public id, as the resource's `find()` reads it."""

    def get_instance(self, row):
        key = cell_text(row.get(self.resource.key_column()))
        if not key:
            return None
        try:
            return self.resource.find(key)
        except ObjectDoesNotExist:
            return None


class UnreadableFile(ValueError):
    """A file the import cannot read as it is; the message tells the user how to save it."""


# UTF-8 first: a UTF-8 file is almost never also valid Windows-1252 text with the same
# meaning, while Windows-1252 reads nearly any bytes.
CSV_ENCODINGS = ("utf-8-sig", "cp1252")
# Byte order marks of encodings a spreadsheet may write but the import does not read.
OTHER_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decoded_csv(content):
    """The text of a CSV file in UTF-8 (with or without byte order mark) or Windows-1252, as
    Excel saves it ('CSV UTF-8' or plain 'CSV'); UnreadableFile for any other encoding."""
    if not content.startswith(OTHER_BOMS):
        for encoding in CSV_ENCODINGS:
            try:
                text = content.decode(encoding)
            except UnicodeDecodeError:
                continue
            # UTF-16 or UTF-32 without a byte order mark reads as Windows-1252 with a NUL
            # beside every letter; no spreadsheet writes NUL in a text file.
            if "\x00" not in text:
                return text
    raise UnreadableFile(
        _(
            "Dit CSV-bestand is niet opgeslagen in UTF-8 of Windows-1252. Sla het in Excel op "
            "als 'CSV UTF-8 (door komma's gescheiden)' en kies het opnieuw."
        )
    )


class SpreadsheetCSV(CSV):
    """CSV as spreadsheets write it: `,` between the columns, or `;` as Dutch Excel does; in
    UTF-8 or Windows-1252, whichever the file is (`decoded_csv`), whatever `encoding` says."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decoded_csv(in_stream)
        header = in_stream.split("\n", 1)[0]
        delimiter = ";" if header.count(";") > header.count(",") else ","
        return super().create_dataset(in_stream, delimiter=delimiter, **kwargs)


class SpreadsheetXLSX(XLSX):
    """XLSX, its active sheet as the library reads it; a file with a formula is refused.

    The library reads the value Excel saved with a formula. A file written by another program
    often has no saved value, so the cell would silently read as empty; and a saved value may
    be stale. Every formula is refused, with its cell, so the file holds the values imported.
    """

    def create_dataset(self, in_stream):
        cells = formula_cells(in_stream)
        if cells:
            shown = ", ".join(cells[:10]) + (" …" if len(cells) > 10 else "")
            raise UnreadableFile(
                ngettext(
                    "Formule in cel %(cells)s: vul de waarde in.",
                    "Formules in de cellen %(cells)s: vul de waarden in.",
                    len(cells),
                )
                % {"cells": shown}
            )
        return super().create_dataset(in_stream)


def formula_cells(content):
    """The cells of the active sheet that hold a formula, as `C7`, in reading order."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [
            cell.coordinate
            for row in workbook.active.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]
    finally:
        workbook.close()


class PreviewStorage(CacheStorage):
    """An uploaded file between its preview and the confirmation, in the shared cache.

    Every app server reads the same cache (Redis, `REDIS_URL`), so the confirmation may land on
    another server than the preview did. A file not confirmed within the hour is gone, as is
    one confirmed already: the confirmation then asks for the file again. The name comes back
    from the browser and is only ever the random one `save` gave.
    """

    CACHE_LIFETIME = 60 * 60
    CACHE_PREFIX = "import-preview-"

    def read(self):
        data = None
        if re.fullmatch(r"[0-9a-f]{32}", self.name or ""):
            data = super().read()
        if data is None:
            raise FileNotFoundError(f"import preview {self.name!r}")
        return data


class SpreadsheetImportForm(ImportForm):
    """The upload, up to `IMPORT_MAX_BYTES`: the shared cache keeps it until it is confirmed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = _("Hoogstens %(size)s.") % {
            "size": filesizeformat(settings.IMPORT_MAX_BYTES)
        }

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _(
                    "Dit bestand is %(size)s; een import mag hoogstens %(limit)s zijn. "
                    "Verdeel de regels over meer bestanden."
                )
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                }
            )
        return upload


def import_reason(file_name, user, limit):
    """'Import uit begrotingsposten.xlsx door jan', shortened to fit `limit` characters."""
    who = user.get_username() if user is not None else _("onbekend")
    reason = _("Import uit %(file)s door %(user)s") % {"file": file_name, "user": who}
    if len(reason) <= limit:
        return reason
    room = max(limit - (len(reason) - len(file_name)) - 1, 0)
    return _("Import uit %(file)s door %(user)s") % {"file": f"{file_name[:room]}…", "user": who}


@dataclass(frozen=True)
class PreviewCell:
    """One cell of the import preview: the field before the row (None for a new record) and
    after it, both written the Dutch way (`8.900.000,00`, `7 november 2014`)."""

    old: str | None
    new: str

    @property
    def changed(self):
        return self.old is not None and self.old != self.new


# The columns every record's spreadsheet has after those it shares with the API.
RECORD_STATE = ("source_locator", "publication_status", "version", "uuid")


def api_columns(serializer_class):
    """The fields an API client writes through `serializer_class`, in its order: the columns a
    record's spreadsheet shares with the API, so both change together. The record's state
    (`RECORD_STATE`) follows them."""
    return tuple(
        name
        for name, field in serializer_class().fields.items()
        if not field.read_only and name not in RECORD_STATE
    )


class RecordResource(resources.ModelResource):
    """The rules every import shares: the admin's validation and roles, no lost updates, and a
    reason in the history of every record written.

    Subclasses declare their columns, list them in `Meta.fields` (that is the column order),
    and name the key column in `Meta.import_id_fields`.
    """

    source = Column("source", "bron", SlugWidget(Document))
    source_locator = Column("source_locator", "vindplaats", TextWidget())
    publication_status = Column(
        "publication_status", "publicatiestatus", ChoiceWidget(PublicationStatus.choices)
    )
    version = Column(
        "version",
        "versie",
        WholeNumberWidget(),
        readonly=True,
        description=gettext_lazy(
            "Laat staan zoals geëxporteerd (leeg bij een nieuw record). Is het record sindsdien "
            "gewijzigd, dan wordt de rij geweigerd, zodat niemands wijziging verloren gaat."
        ),
    )
    uuid = Column(
        "uuid",
        "vaste id",
        TextWidget(),
        readonly=True,
        description=gettext_lazy(
            "Het id dat nooit verandert, ook niet als de slug verandert (zoals in de API). "
            "Alleen ter informatie: de import leest het niet."
        ),
    )

    class Meta:
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        # The library's diff finds the unchanged rows (skip_unchanged); the preview shows
        # each row's `changes` (see after_import_row), not the library's HTML diff.
        skip_diff = False
        skip_html_diff = True
        instance_loader_class = NaturalKeyLoader
        import_id_fields = ("slug",)

    #: Relations to load along with an export, beside those of the columns.
    export_related = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = None
        self.file_name = ""

    @classmethod
    def key_column(cls):
        return cls.fields[cls._meta.import_id_fields[0]].column_name

    @classmethod
    def columns(cls):
        """The resource's columns, in order."""
        return [cls.fields[name] for name in cls._meta.fields]

    def find(self, key):
        """The record named `key` in the key column; DoesNotExist when there is none."""
        return self.get_queryset().get(slug=key)

    # Import

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        self.file_name = kwargs.get("file_name") or _("een bestand")
        normalise_headers(dataset, [column.column_name for column in self.columns()])
        if self.key_column() not in dataset.headers:
            raise ValueError(
                _("De kolom '%(column)s' ontbreekt; daaraan wordt elk record herkend.")
                % {"column": self.key_column()}
            )
        drop_blank_rows(dataset)

    def import_instance(self, instance, row, **kwargs):
        instance._import_before = self.guarded_state(instance)
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        errors.update(self.many_to_many_errors(row))
        errors.update(self.stale_errors(instance, row))
        if errors:
            raise ValidationError(errors)

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        # The record as it was, for the preview (after_import_row).
        self.row_instance = instance
        previewing = kwargs.get("dry_run")
        self.row_before = self.shown_cells(instance) if previewing and not new else None

    def after_import_row(self, row, row_result, **kwargs):
        """The preview's cells of a row read without errors: each column written the Dutch
        way, before and after the row (`PreviewCell`), in the order of `get_diff_headers`. Only
        in the preview: the confirmation shows no rows, so it need not read them twice."""
        super().after_import_row(row, row_result, **kwargs)
        if not kwargs.get("dry_run"):
            return
        after = self.shown_cells(self.row_instance)
        before = self.row_before or [None] * len(after)
        row_result.changes = [PreviewCell(old, new) for old, new in zip(before, after, strict=True)]

    def shown_cells(self, instance):
        """The record's cells for people (`1.234,56`, `medio 2016`, `ja`): the widgets' text,
        where the export asks them for values (`force_native_type`: 1234.56, a date)."""
        values = [self.export_field(field, instance) for field in self.get_import_fields()]
        return ["" if value is None else str(value) for value in values]

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if is_blank(row.get(field.column_name)) and self.keeps_when_blank(field):
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def keeps_when_blank(self, column):
        """A blank cell under a column with a default (publicatiestatus, financier) leaves the
        value as it is; a new record gets the default, as in the admin's add form."""
        if column.readonly:
            return False
        try:
            field = self._meta.model._meta.get_field(column.attribute)
        except FieldDoesNotExist:
            return False
        return field.has_default() and not field.blank

    def many_to_many_errors(self, row):
        # The library reads these columns only after saving; read them now, to report them
        # with the row's other errors.
        errors = {}
        for column in self.columns():
            if isinstance(column.widget, SlugListWidget) and column.column_name in row:
                try:
                    column.clean(row)
                except ValueError as error:
                    errors[column.attribute] = [str(error)]
        return errors

    def stale_errors(self, instance, row):
        """A row whose `versie` is older than the record's: saving it would undo a change."""
        seen = row.get(self.fields["version"].column_name)
        if instance.pk is None or is_blank(seen):
            return {}
        try:
            seen = WholeNumberWidget().clean(seen)
        except ValueError as error:
            return {"version": [str(error)]}
        if seen == instance.version:
            return {}
        message = _(
            "Dit record is gewijzigd sinds de export (versie %(seen)s, nu %(current)s). "
            "Exporteer opnieuw en breng uw wijziging daarin aan."
        ) % {"seen": seen, "current": instance.version}
        return {"version": [message]}

    def guarded_state(self, instance):
        """What the role rules compare with: the record as it was before this row."""
        return {"published": instance.pk is not None and instance.is_published}

    def rule_errors(self, instance):
        """The admin's rule: only who may publish publishes, or changes a published record."""
        model = type(instance)
        if model.may_publish(self.user):
            return {}
        if instance._import_before["published"] or instance.is_published:
            message = _(
                "Alleen wie mag publiceren (Publicist) publiceert een record of wijzigt een "
                "gepubliceerd record."
            )
            return {"publication_status": [message]}
        return {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own `full_clean()`, as in the admin, after the columns and role rules."""
        errors = {**(import_validation_errors or {}), **self.rule_errors(instance)}
        try:
            instance.full_clean(exclude=self.unchecked(errors), validate_unique=validate_unique)
        except ValidationError as error:
            # A cell that could not be read is reported once, not again as an empty value.
            for name, messages in error.message_dict.items():
                if name not in errors:
                    errors[name] = messages
        if errors:
            raise ValidationError(self.errors_by_column(ValidationError(errors)))

    def unchecked(self, errors):
        # Model fields behind a column that already failed: their old value says nothing.
        exclude = set(errors)
        for name in errors:
            exclude |= {f"{name}_date", f"{name}_precision"}
        if "public_id" in errors:
            exclude |= set(self.key_parts())
        return exclude

    def errors_by_column(self, error):
        """The row's errors under the names of the columns, as the user knows them."""
        names = {}
        for column in self.columns():
            names[column.attribute] = column.column_name
            names[f"{column.attribute}_date"] = column.column_name
            names[f"{column.attribute}_precision"] = column.column_name
        names.update(dict.fromkeys(self.key_parts(), self.key_column()))
        by_column = {}
        for name, messages in error.message_dict.items():
            column = NON_FIELD_ERRORS if name == NON_FIELD_ERRORS else names.get(name, name)
            by_column.setdefault(column, []).extend(messages)
        return by_column

    def key_parts(self):
        """Model fields that the key column sets (`kind` and `number` of `toezegging-1886`)."""
        return ()

    def before_save_instance(self, instance, row, **kwargs):
        instance._change_reason = self.change_reason(type(instance))
        if self.user is not None:
            instance._history_user = self.user
        if kwargs.get("dry_run"):
            # The preview is rolled back; it changed nothing, so it leaves no history.
            instance.skip_history_when_saving = True

    def do_instance_save(self, instance, is_create):
        try:
            super().do_instance_save(instance, is_create)
        except StaleRecord as stale:
            # Someone saved the record between reading and writing this row.
            message = _("Dit record is zojuist door iemand anders gewijzigd (versie %(v)s).") % {
                "v": stale.version
            }
            raise ValidationError({self.fields["version"].column_name: [message]}) from None

    def change_reason(self, model):
        return import_reason(self.file_name, self.user, change_reason_limit(model))

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # Report rows by their line in the spreadsheet, where line 1 holds the column names.
        for invalid in result.invalid_rows:
            invalid.number += 1
        for row_result in result.rows:
            for error in row_result.errors:
                error.number = (error.number or 0) + 1

    # Export

    def filter_export(self, queryset, **kwargs):
        related = [
            column.attribute
            for column in self.columns()
            if isinstance(column.widget, widgets.ForeignKeyWidget)
        ]
        many = [
            column.attribute
            for column in self.columns()
            if isinstance(column.widget, SlugListWidget)
        ]
        queryset = queryset.select_related(*related, *self.export_related)
        return queryset.prefetch_related(*many)

    def export_field(self, field, instance, **kwargs):
        """Every exported cell stays data: text starting with `=`, `+`, `-` or `@` gets a `'`."""
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))


def normalise_headers(dataset, known):
    """Column names as the resource knows them (`Naam ` is `naam`); unknown ones are refused,
    because a misspelt column would otherwise be left out without a word."""
    canonical = {name.lower(): name for name in known}
    headers = [cell_text(header) for header in dataset.headers or []]
    headers = [canonical.get(header.lower(), header) for header in headers]
    unknown = [header for header in headers if header and header not in known]
    if unknown:
        raise ValueError(
            _("Onbekende kolom(men): %(unknown)s. De kolommen zijn: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(known)}
        )
    doubles = sorted({header for header in headers if header and headers.count(header) > 1})
    if doubles:
        raise ValueError(_("Dubbele kolom(men): %(doubles)s.") % {"doubles": ", ".join(doubles)})
    for index, header in enumerate(headers):
        if not header and any(not is_blank(row[index]) for row in dataset):
            raise ValueError(_("Kolom %(n)s heeft gegevens maar geen naam.") % {"n": index + 1})
    dataset.headers = headers


def drop_blank_rows(dataset):
    """Spreadsheets keep empty lines below the data; they are no records."""
    for index in reversed(range(len(dataset))):
        if all(is_blank(cell) for cell in dataset[index]):
            del dataset[index]


# Templates: the columns to fill in, and what each one means


def column_help(resource_class, column):
    """(meaning, required for a new record) of one column."""
    if column.description:
        return str(column.description), isinstance(column, KeyColumn)
    model = resource_class._meta.model
    fuzzy = {field.name: field for field in fuzzy_dates_of(model)}
    if column.attribute in fuzzy:
        # How to write a date is in the next column already.
        field = fuzzy[column.attribute]
        return capfirst(str(field.verbose_name)), not field.blank
    field = model._meta.get_field(column.attribute)
    meaning = capfirst(str(field.verbose_name))
    if field.help_text:
        meaning = f"{meaning}. {field.help_text}"
    return meaning, not field.blank and not field.has_default()


def writing_help(resource_class, column):
    """How to write a column's cells, and what an empty cell does where that is not obvious."""
    text = column.widget.describe()
    if resource_class().keeps_when_blank(column):
        default = resource_class._meta.model._meta.get_field(column.attribute).get_default()
        text = _("%(text)s; leeg: blijft ongewijzigd, bij een nieuw record %(default)s") % {
            "text": text,
            "default": column.widget.render(default),
        }
    return text


def template_rows(resource_class):
    """One row per column: name, required, meaning, how to write it."""
    for column in resource_class.columns():
        meaning, required = column_help(resource_class, column)
        required = _("ja") if required else ""
        yield [column.column_name, required, meaning, writing_help(resource_class, column)]


def template_response(resource_class, file_format, filename):
    """An empty import file: the header row, and in XLSX a second sheet explaining each column."""
    headers = [column.column_name for column in resource_class.columns()]
    if file_format == "csv":
        content = csv_content(headers, [])
    else:
        content = template_workbook(resource_class, headers)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def template_workbook(resource_class, headers):
    workbook = Workbook()
    data = workbook.active
    data.title = _("Gegevens")
    data.append(headers)
    for cell in data[1]:
        cell.font = Font(bold=True)
        data.column_dimensions[cell.column_letter].width = max(14, len(cell.value) + 4)
    data.freeze_panes = "A2"
    explanation = workbook.create_sheet(_("Toelichting"))
    explanation.append(
        [
            _("Vul het blad 'Gegevens' in: één rij per record. %(key)s")
            % {"key": key_explanation(resource_class)}
        ]
    )
    explanation.append([])
    explanation.append(
        [_("kolom"), _("verplicht bij nieuw record"), _("betekenis"), _("schrijfwijze")]
    )
    for cell in explanation[3]:
        cell.font = Font(bold=True)
    for row in template_rows(resource_class):
        explanation.append([spreadsheet_safe(value) for value in row])
    for letter, width in zip("ABCD", (22, 12, 70, 60), strict=True):
        explanation.column_dimensions[letter].width = width
    for row in explanation.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def key_explanation(resource_class):
    return _(
        "Een rij waarvan de %(key)s al bestaat, werkt dat record bij; met een nieuwe "
        "%(key)s komt er een record bij. Een lege cel maakt het veld leeg (behalve waar "
        "hieronder anders staat); een kolom die ontbreekt, blijft ongewijzigd."
    ) % {"key": resource_class.key_column()}

"""API filters: query keys in lowerCamelCase, related records by their public identifier.

The dashboard's filters (`theme`, `programLine`, `organisation`, `programStatus`, `periodFrom`,
`periodUntil`) exist under the same keys on every resource the dashboard shows, so a dashboard
URL's query asks the API the same question.
"""

import datetime
from dataclasses import dataclass

import django_filters as filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from common.caching import cached_query
from common.fuzzydates import FIRST_YEAR, LAST_YEAR, year_validators

from .models import (
    Action,
    Commitment,
    Document,
    Indicator,
    Meeting,
    Organisation,
    Person,
    Program,
    ProgramLine,
    Theme,
)

# What a record's name (`__str__`) reads, so that a form listing the choices costs one query.
NAMED_BY = {ProgramLine: ("budget_program",)}


def visible(model):
    """Choices for a related-record filter: only what the requesting user may see."""

    def queryset(request):
        records = model.objects.visible_to(getattr(request, "user", None))
        return records.select_related(*NAMED_BY.get(model, ()))

    return queryset


def related(model, field_name, to_field_name="slug", **kwargs):
    """Filter on a related record by its slug; an unknown slug is a 400, not an empty list."""
    kwargs.setdefault("empty_label", _("Alle"))
    return filters.ModelChoiceFilter(
        field_name=field_name, to_field_name=to_field_name, queryset=visible(model), **kwargs
    )


@extend_schema_field(OpenApiTypes.STR)
class SlugChoiceFilter(filters.ModelChoiceFilter):
    """A related record by its slug, matched by a method (the schema can't guess the type)."""


def reached_by(*lookups):
    """A filter method: the records that reach the value by any of `lookups`.

    The match is a `pk IN (...)` subquery, so a record is never repeated by the joins and sums
    and groupings over the filtered rows stay exact.
    """

    def method(queryset, name, value):
        match = Q()
        for lookup in lookups:
            match |= Q(**{lookup: value})
        return queryset.filter(pk__in=queryset.model._base_manager.filter(match).values("pk"))

    return method


def related_via(model, *lookups, **kwargs):
    """Filter on a related record reached by any of `lookups` (`program__themes`, ...)."""
    kwargs.setdefault("empty_label", _("Alle"))
    return SlugChoiceFilter(
        to_field_name="slug", queryset=visible(model), method=reached_by(*lookups), **kwargs
    )


def program_status(lookup):
    """`programStatus`: the status of the program a record belongs to."""
    return filters.ChoiceFilter(
        choices=Program.Status.choices,
        label=_("Status van het programma"),
        method=reached_by(lookup),
    )


@extend_schema_field(OpenApiTypes.INT)
class PeriodFilter(filters.NumberFilter):
    """A year bound on a record's (fuzzy) period: `periodFrom=2015`, `periodUntil=2016`.

    From: the period ends in or after that year, or has a start and no end yet (still
    running). Until: it starts in or before that year. A record without a known period is not
    in any period, so a period filter leaves it out.
    """

    field_class = forms.IntegerField

    def __init__(self, *, start, end=None, bound, **kwargs):
        super().__init__(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)
        self.start, self.end, self.bound = start, end or start, bound

    def filter(self, queryset, value):
        if value in (None, ""):
            return queryset
        start = getattr(queryset.model, self.start)
        if self.bound == "until":
            return queryset.filter(**{f"{start.date_field}__lte": datetime.date(value, 12, 31)})
        end = getattr(queryset.model, self.end)
        ends_in_time = Q(**{f"{end.date_field}__isnull": False}) & ~end.ends_before(
            datetime.date(value, 1, 1)
        )
        if self.end == self.start:
            return queryset.filter(ends_in_time)
        running = Q(**{f"{end.date_field}__isnull": True, f"{start.date_field}__isnull": False})
        return queryset.filter(ends_in_time | running)


def period(start, end=None):
    """The `periodFrom` and `periodUntil` filters over the fuzzy dates `start` and `end`."""
    return (
        PeriodFilter(start=start, end=end, bound="from", label=_("Periode vanaf (jaar)")),
        PeriodFilter(start=start, end=end, bound="until", label=_("Periode tot en met (jaar)")),
    )


class PublicIdChoiceField(forms.ModelChoiceField):
    """Chooses a record by its composed public id (`toezegging-1886`)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.queryset.get_by_public_id(value)
        except self.queryset.model.DoesNotExist:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class StrictBooleanSelect(forms.Select):
    """Ja/Nee/Alle as `true`/`false`/empty, handing the raw value to the field."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, [("", _("Alle")), ("true", _("Ja")), ("false", _("Nee"))])

    def format_value(self, value):
        return [{True: "true", False: "false"}.get(value, value or "")]

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictBooleanField(forms.NullBooleanField):
    """`true`, `false` or absent; anything else is an error, never a silently ignored filter."""

    widget = StrictBooleanSelect(choices=[("", _("Alle")), ("true", _("Ja")), ("false", _("Nee"))])

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        if value == "":
            return None
        if value in ("true", "false"):
            return value == "true"
        raise ValidationError(_("Geef true of false."), code="invalid")


class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class PublicIdFilter(filters.ModelChoiceFilter):
    field_class = PublicIdChoiceField


class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class DocumentFilter(filters.FilterSet):
    year = YearFilter(
        field_name="date_date", lookup_expr="year", label=_("Jaar"), min_value=1900, max_value=2200
    )
    issuer = related(Organisation, "issuer", label=_("Uitgever"))
    ordering = filters.OrderingFilter(
        fields=(("title", "title"), ("date_date", "issued")),
        field_labels={
            "title": _("Titel"),
            "-title": _("Titel (aflopend)"),
            "date_date": _("Datum"),
            "-issued": _("Datum (aflopend)"),
        },
        label=_("Sortering"),
    )

    class Meta:
        model = Document
        fields = ["kind"]


class ThemeFilter(filters.FilterSet):
    ordering = filters.OrderingFilter(fields=(("name", "name"),))

    class Meta:
        model = Theme
        fields = []


class OrganisationFilter(filters.FilterSet):
    parent = related(Organisation, "parent")
    source = related(Document, "source")
    program = related(Program, "programs", distinct=True)
    ordering = filters.OrderingFilter(fields=(("name", "name"), ("place", "place")))

    class Meta:
        model = Organisation
        fields = ["kind", "place"]


class ProgramFilter(filters.FilterSet):
    parent = related(Program, "parent")
    programLine = related(ProgramLine, "program_line", label=_("Programmalijn"))
    theme = related(Theme, "themes", label=_("Thema"))
    organisation = related(Organisation, "organisations", distinct=True, label=_("Organisatie"))
    programStatus = program_status("status")
    periodFrom, periodUntil = period("start", "end")
    kind = filters.ChoiceFilter(choices=Program.Kind.choices, label=_("Soort"))
    status = filters.ChoiceFilter(choices=Program.Status.choices, label=_("Status"))
    source = related(Document, "source")
    ordering = filters.OrderingFilter(
        fields=(("name", "name"), ("start_date", "start"), ("end_date", "end"))
    )

    class Meta:
        model = Program
        fields = []


class CommitmentFilter(filters.FilterSet):
    """The register's filters, for the API and the public register page alike.

    Expects a queryset annotated by `CommitmentQuerySet.with_flags()`.
    """

    # Labels declared, not derived: django-filter fixes a model-derived label in the language
    # active when it is first read, which would leave a Dutch page with English labels.
    kind = filters.ChoiceFilter(choices=Commitment.Kind.choices, label=_("Soort"))
    status = filters.ChoiceFilter(choices=Commitment.Status.choices, label=_("Status"))
    voteOutcome = filters.ChoiceFilter(
        field_name="vote_outcome", choices=Commitment.VoteOutcome.choices, label=_("Stemming")
    )
    overdue = BooleanFilter(
        field_name="is_overdue",
        label=_("Termijn verstreken"),
        help_text=_("Openstaand en de termijn is verstreken."),
    )
    dueSoon = BooleanFilter(
        field_name="is_due_soon",
        label=_("Termijn nadert"),
        help_text=_("Openstaand en de termijn verstrijkt binnenkort."),
    )
    noDeadline = BooleanFilter(
        field_name="has_no_deadline",
        label=_("Zonder termijn"),
        help_text=_("Openstaand zonder (bekende) termijn."),
    )
    dueBefore = filters.DateFilter(
        method="filter_due_before",
        label=_("Termijn loopt af voor"),
        help_text=_("Openstaand met een termijn die eindigt voor deze datum (JJJJ-MM-DD)."),
        # Periods tile the calendar from year 1 on: a winter before 1 March 0001 has none.
        validators=year_validators(),
    )
    portfolioHolder = related(Person, "made_by", label=_("Portefeuillehouder"))
    submitter = related(Person, "submitters", label=_("Indiener"))
    theme = related(Theme, "themes", label=_("Thema"))
    program = related(Program, "programs", label=_("Programma"))
    programLine = related_via(ProgramLine, "programs__program_line", label=_("Programmalijn"))
    organisation = related_via(
        Organisation, "programs__organisations", label=_("Organisatie (via programma)")
    )
    programStatus = program_status("programs__status")
    periodFrom, periodUntil = period("deadline")
    meeting = related(Meeting, "meeting", label=_("Vergadering"))
    madeFrom = filters.DateFilter(
        field_name="made_on_date", lookup_expr="gte", label=_("Gedaan vanaf (JJJJ-MM-DD)")
    )
    madeUntil = filters.DateFilter(
        field_name="made_on_date", lookup_expr="lte", label=_("Gedaan tot en met (JJJJ-MM-DD)")
    )
    fulfilledBy = related(Document, "fulfilled_by", label=_("Afgedaan met"))
    source = related(Document, "source", label=_("Bron"))
    ordering = filters.OrderingFilter(
        fields=(
            ("number", "number"),
            ("made_on_date", "madeOn"),
            ("deadline_date", "deadline"),
        ),
        # Own labels, looked up when shown: django-filter would make English-like labels from
        # the parameters and fix "(descending)" in the language active at import.
        field_labels={
            "number": _("Nummer"),
            "-number": _("Nummer (aflopend)"),
            "made_on_date": _("Datum"),
            "-madeOn": _("Datum (aflopend)"),
            "deadline_date": _("Termijn"),
            "-deadline": _("Termijn (aflopend)"),
        },
        label=_("Sortering"),
    )

    class Meta:
        model = Commitment
        fields = []

    def filter_due_before(self, queryset, name, value):
        return queryset.due_before(value)


class ActionFilter(filters.FilterSet):
    """The actions' filters, for the API and the public list of actions alike."""

    status = filters.ChoiceFilter(choices=Action.Status.choices, label=_("Status"))
    theme = related(Theme, "themes", label=_("Thema"))
    owner = related(Organisation, "owner", label=_("Eigenaar"))
    program = related(Program, "program", label=_("Programma"))
    programLine = related_via(ProgramLine, "program__program_line", label=_("Programmalijn"))
    organisation = related_via(
        Organisation, "owner", "program__organisations", label=_("Organisatie")
    )
    programStatus = program_status("program__status")
    periodFrom, periodUntil = period("due")
    commitment = PublicIdFilter(
        field_name="commitments", queryset=visible(Commitment), label=_("Voert uit")
    )
    source = related(Document, "source", label=_("Bron"))
    ordering = filters.OrderingFilter(
        fields=(("title", "title"), ("due_date", "due")),
        field_labels={
            "title": _("Titel"),
            "-title": _("Titel (aflopend)"),
            "due_date": _("Termijn"),
            "-due": _("Termijn (aflopend)"),
        },
        label=_("Sortering"),
    )

    class Meta:
        model = Action
        fields = ["status"]


class IndicatorFilter(filters.FilterSet):
    program = related(Program, "program")
    theme = related(Theme, "themes")
    source = related(Document, "source")
    ordering = filters.OrderingFilter(
        fields=(("name", "name"), ("value", "value"), ("reference_date", "reference"))
    )

    class Meta:
        model = Indicator
        fields = ["unit"]


# Filters on the public pages


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    value: str
    remove_url: str


#: Parameters that choose a download of the page's table or a page of it, never a filter; a
#: page number is dropped with a filter, since that page may no longer exist.
NOT_FILTERS = ("tabel", "format", "page", "pagina")


def active_filters(filterset, request):
    """The filters a valid filterset applies, each with the URL of the page without it."""
    if not filterset.is_valid():
        return []
    found = []
    for name, value in filterset.form.cleaned_data.items():
        if value is None or value in ("", [], ()):
            continue
        query = request.GET.copy()
        for parameter in (name, *NOT_FILTERS):
            query.pop(parameter, None)
        remove_url = f"{request.path}?{query.urlencode()}" if query else request.path
        field = filterset.form.fields[name]
        found.append(ActiveFilter(str(field.label), shown_value(field, value), remove_url))
    return found


def shown_value(field, value):
    """A filter's value as the reader chose it: the choice's label, the record's name."""
    if isinstance(value, bool):
        return str(_("ja") if value else _("nee"))
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if isinstance(value, models.Model):
        return str(value)
    labels = {str(key): label for key, label in getattr(field, "choices", [])}
    values = value if isinstance(value, list | tuple) else [value]
    return ", ".join(str(labels.get(str(item), item)) for item in values)


#: What to type in a filter on a record of this kind when there are too many to list.
KENMERK_HELP = {
    Document: _("Kenmerk van het document, zoals het in de adresbalk van zijn pagina staat."),
    Organisation: _("Kenmerk van de organisatie, zoals het in de adresbalk van haar pagina staat."),
    Program: _("Kenmerk van het programma, zoals het in de adresbalk van zijn pagina staat."),
    Theme: _("Kenmerk van het thema, zoals het in de adresbalk van zijn pagina staat."),
    ProgramLine: _("Kenmerk van de programmalijn, zoals het in de open data (API) staat."),
    Person: _("Kenmerk van de persoon, zoals het in de open data (API) staat."),
    Meeting: _("Kenmerk van de vergadering, zoals het in de open data (API) staat."),
}
ANY_KENMERK_HELP = _("Kenmerk, zoals het in de open data (API) staat.")


def has_many(queryset, bound):
    """Whether `queryset` holds more than `bound` records; reads at most `bound + 1` keys,
    once until the data changes."""
    keys = queryset.order_by().values_list("pk")[: bound + 1]
    return cached_query("has-many", keys, lambda keys: len(keys) > bound)


def typed_when_many(form, names=None):
    """Turn the selects of `form` (or of its fields `names`) that would list more than
    `FILTER_CHOICES_LISTED_MAX` records into text inputs for the record's kenmerk (slug).

    Only the widget changes: the field still looks up the one record typed, so an unknown
    kenmerk is the field's error, and the active filters show the record's name. Call it before
    the form is validated or shown: a bound field keeps the help text it was made with.
    """
    bound = settings.FILTER_CHOICES_LISTED_MAX
    for name in names or list(form.fields):
        field = form.fields[name]
        if (
            isinstance(field, forms.ModelChoiceField)
            and field.to_field_name == "slug"
            and has_many(field.queryset, bound)
        ):
            field.widget = forms.TextInput()
            field.help_text = KENMERK_HELP.get(field.queryset.model, ANY_KENMERK_HELP)
    return form


def filter_form(filterset, request, names):
    """What `_filter_form.html` shows: the chosen fields, and the filters now in force."""
    return {
        "filterset": filterset,
        "fields": [filterset.form[name] for name in names],
        "active_filters": active_filters(filterset, request),
    }

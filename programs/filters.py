"""API filters: query keys in lowerCamelCase, related records by their public identifier.

The dashboard's filters (`theme`, `programLine`, `organisation`, `programStatus`, `periodFrom`,
`periodUntil`) exist under the same keys on every resource the dashboard shows, so a dashboard
URL's query asks the API the same question.
"""

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_
from urllib.parse import urlencode

import django_filters as filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.lookups import IContains
from django.http import HttpResponseRedirect, JsonResponse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from common.caching import cached_query
from common.fuzzydates import FIRST_YEAR, LAST_YEAR, year_validators

from .models import (
    NUMBER_KEYS,
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
from .search import MAX_QUERY_LENGTH, MIN_QUERY_LENGTH

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
    and groupings over the filtered rows stay exact. When every lookup starts at the same
    record the rows belong to (`program__themes`, `program__status`), the subquery lists those
    records instead: a theme's programs, not every budget line or kept total of them, which at
    scale is the difference between a thousand keys and sixty thousand.
    """

    def method(queryset, name, value):
        through = owner_of(queryset.model, lookups)
        if through is None:
            matching = queryset.model._base_manager.filter(any_of(lookups, value))
            return queryset.filter(pk__in=matching.values("pk"))
        owner, rests = through
        owners = owner.related_model._base_manager.filter(any_of(rests, value))
        return queryset.filter(**{f"{owner.name}__in": owners.values("pk")})

    return method


def any_of(lookups, value):
    return reduce(or_, (Q(**{lookup: value}) for lookup in lookups))


def owner_of(model, lookups):
    """(the foreign key of `model` that every one of `lookups` starts with, the lookups from
    its record on), or None when they do not all start with the same one."""
    heads, rests = zip(*(lookup.partition("__")[::2] for lookup in lookups), strict=True)
    if len(set(heads)) != 1 or not all(rests):
        return None
    field = model._meta.get_field(heads[0])
    if field.many_to_one or (field.one_to_one and field.concrete):
        return field, rests
    return None


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


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
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


@extend_schema_field(OpenApiTypes.STR)
class PublicIdFilter(filters.ModelChoiceFilter):
    """A record by its composed public id (`toezegging-1886`): text, not the database key."""

    field_class = PublicIdChoiceField


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
class YearFilter(filters.NumberFilter):
    """A year from FIRST_YEAR to LAST_YEAR, as the document declares it."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


class DocumentFilter(filters.FilterSet):
    year = YearFilter(field_name="date_date", lookup_expr="year", label=_("Jaar"))
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


class NullsLastOrderingFilter(filters.OrderingFilter):
    """An ordering in which the fields `nulls_last` put records without a value last, in
    either direction: PM lines (no amount) after every amount, under `amount` and `-amount`."""

    def __init__(self, *args, nulls_last=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.nulls_last = frozenset(nulls_last)

    def get_ordering_value(self, param):
        field = super().get_ordering_value(param)
        name = field.lstrip("-")
        if name not in self.nulls_last:
            return field
        return (
            F(name).desc(nulls_last=True) if field.startswith("-") else F(name).asc(nulls_last=True)
        )


class NumberOrderingFilter(filters.OrderingFilter):
    """An ordering in which `number` sorts as a number (`commitments.NUMBER_KEYS`)."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        ordering = []
        for param in value:
            field = self.get_ordering_value(param)
            if field.lstrip("-") != "number":
                ordering.append(field)
                continue
            descending = field.startswith("-")
            for key in NUMBER_KEYS:
                part = F(key) if isinstance(key, str) else key
                ordering.append(part.desc() if descending else part.asc())
        return queryset.order_by(*ordering)


class CommitmentFilter(filters.FilterSet):
    """The register's filters, for the API and the public register page alike.

    Expects a queryset annotated by `CommitmentQuerySet.with_flags()`.
    """

    # Labels declared, not derived: django-filter fixes a model-derived label in the language
    # active when it is first read, which would leave a Dutch page with English labels.
    kind = filters.ChoiceFilter(choices=Commitment.Kind.choices, label=_("Soort"))
    status = filters.ChoiceFilter(
        choices=Commitment.STATUS_FILTER_CHOICES,
        label=_("Status"),
        method="filter_status",
        help_text=_(
            "Open: openstaand of deels voldaan. Een motie staat alleen open als ze is aangenomen."
        ),
    )
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
    ordering = NumberOrderingFilter(
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

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)


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


class TextSearchFilter(filters.CharFilter):
    """`search`: what the site's search finds for the text, best match first
    (`SearchQuerySet.search`), so a list page and the search page agree on what matches."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Zoeken"))
        super().__init__(min_length=MIN_QUERY_LENGTH, max_length=MAX_QUERY_LENGTH, **kwargs)

    def filter(self, queryset, value):
        if not value or not value.strip():
            return queryset
        return queryset.search(value)


class CommitmentPageFilter(CommitmentFilter):
    """`/toezeggingen`: the API's filters, and a search in the texts and numbers."""

    search = TextSearchFilter(help_text=_("Woorden of een nummer."))


class OrganisationPageFilter(OrganisationFilter):
    """`/organisaties`: the API's filters, and a search in the names and places."""

    search = TextSearchFilter(help_text=_("Naam, afkorting of plaats."))
    kind = filters.ChoiceFilter(choices=Organisation.Kind.choices, label=_("Soort"))


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
    return chosen_fields(filterset.form, request) if filterset.is_valid() else []


def chosen_fields(form, request):
    """The fields of a valid form that are set, each with the URL of the page without it."""
    found = []
    for name, value in form.cleaned_data.items():
        if value is None or value in ("", [], ()):
            continue
        query = request.GET.copy()
        for parameter in (name, *NOT_FILTERS):
            query.pop(parameter, None)
        remove_url = f"{request.path}?{query.urlencode()}" if query else request.path
        field = form.fields[name]
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


#: The field that holds a record's name, where it is not `name`.
NAME_FIELDS = {Document: "title", Meeting: "body"}

#: What to type in a filter on a record of this kind when there are too many to list.
NAME_HELP = {
    Document: _("Titel van het document, of het kenmerk uit het adres van zijn pagina."),
    Organisation: _("Naam van de organisatie, of het kenmerk uit het adres van haar pagina."),
    Program: _("Naam van het programma, of het kenmerk uit het adres van zijn pagina."),
    Theme: _("Naam van het thema, of het kenmerk uit het adres van zijn pagina."),
    ProgramLine: _("Naam van de programmalijn, of haar kenmerk uit de open data (API)."),
    Person: _("Naam van de persoon, of zijn of haar kenmerk uit de open data (API)."),
    Meeting: _("Orgaan en datum, zoals de suggesties ze tonen, of het kenmerk uit de open data."),
}
ANY_NAME_HELP = _("Naam, of het kenmerk uit de open data (API).")

#: How many records the suggestions offer, and an error message names at most.
SUGGESTED = 15
NAMED_IN_ERROR = 5


def has_many(queryset, bound):
    """Whether `queryset` holds more than `bound` records; reads at most `bound + 1` keys,
    once until the data changes."""
    keys = queryset.order_by().values_list("pk")[: bound + 1]
    return cached_query("has-many", keys, lambda keys: len(keys) > bound)


class NameInput(forms.TextInput):
    """A text input with an empty `datalist` of suggestions, which `js/suggest.js` fills as
    the reader types (from `?suggest=<field>&q=<text>` on the same page)."""

    class Media:
        js = [forms.Script("js/suggest.js", defer=True)]

    def __init__(self, field_name, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.field_name = field_name

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}_suggesties"
        attrs["list"] = list_id
        attrs["data-suggest"] = f"?{urlencode({'suggest': self.field_name})}"
        field = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', field, list_id)


class RecordByNameField(forms.ModelChoiceField):
    """A related record typed as text: its kenmerk (slug), its name, or its full label as the
    suggestions show it ("Brightlands Chemelot Campus (Geleen)").

    A name that several records share is refused with the candidates and their kenmerken, an
    unknown name with the nearest names. Shown again, the field holds the record's label.
    """

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", **kwargs)
        self.resolved = {}

    @property
    def name_field(self):
        return NAME_FIELDS.get(self.queryset.model, "name")

    def to_python(self, value):
        text = " ".join(str(value).split()) if value not in self.empty_values else ""
        if not text:
            return None
        if text not in self.resolved:
            self.resolved[text] = self.resolve(text)
        return self.resolved[text]

    def resolve(self, text):
        records = self.queryset
        record = records.filter(slug=text).first()
        if record:
            return record
        named = list(records.filter(**{f"{self.name_field}__iexact": text})[: NAMED_IN_ERROR + 1])
        if not named:
            # A label from the suggestions: the records whose name it contains, and whose
            # label it is.
            containing = records.filter(IContains(Value(text), F(self.name_field)))
            named = [r for r in containing[:500] if str(r).casefold() == text.casefold()]
        if len(named) == 1:
            return named[0]
        what = self.queryset.model._meta.verbose_name
        if named:
            raise ValidationError(
                _("Meer dan één %(what)s heet zo: %(choices)s. Typ het kenmerk van de goede."),
                code="ambiguous",
                params={"what": what, "choices": "; ".join(labelled(r) for r in named)},
            )
        nearest = self.suggestions(text)[:NAMED_IN_ERROR]
        if nearest:
            raise ValidationError(
                _("Geen %(what)s met de naam of het kenmerk '%(text)s'. Bedoelt u: %(choices)s?"),
                code="invalid_choice",
                params={"what": what, "text": text, "choices": "; ".join(map(str, nearest))},
            )
        raise ValidationError(
            _("Geen %(what)s met de naam of het kenmerk '%(text)s'."),
            code="invalid_choice",
            params={"what": what, "text": text},
        )

    def prepare_value(self, value):
        if isinstance(value, str) and value in self.resolved:
            return str(self.resolved[value])
        return super().prepare_value(value)

    def suggestions(self, text):
        """The records whose name holds every word of `text`, names that start with it first."""
        words = text.split()
        if not words:
            return []
        records = self.queryset
        for word in words:
            records = records.filter(
                Q(**{f"{self.name_field}__icontains": word}) | Q(slug__icontains=word)
            )
        starts = Q(**{f"{self.name_field}__istartswith": text})
        first = Case(When(starts, then=Value(0)), default=Value(1))
        return list(records.order_by(first, self.name_field, "pk")[:SUGGESTED])


def labelled(record):
    """A record's label with its kenmerk, to tell apart records that share a name."""
    return _("%(label)s (kenmerk %(slug)s)") % {"label": record, "slug": record.slug}


def typed_when_many(form, names=None):
    """Turn the selects of `form` (or of its fields `names`) that would list more than
    `FILTER_CHOICES_LISTED_MAX` records into text fields that take a name (`RecordByNameField`).

    The field still looks up the one record typed, so an unknown name is the field's error,
    and the active filters show the record's name. Call it before the form is validated or
    shown, and let `answer_by_name` answer the request first.
    """
    bound = settings.FILTER_CHOICES_LISTED_MAX
    for name in names or list(form.fields):
        field = form.fields[name]
        if (
            isinstance(field, forms.ModelChoiceField)
            and field.to_field_name == "slug"
            and has_many(field.queryset, bound)
        ):
            form.fields[name] = RecordByNameField(
                field.queryset,
                required=field.required,
                label=field.label,
                help_text=NAME_HELP.get(field.queryset.model, ANY_NAME_HELP),
                widget=NameInput(name),
            )
    return form


def answer_by_name(form, request):
    """What a page answers before its own work, for the fields `typed_when_many` made:

    - `?suggest=<field>&q=<text>`: the suggestions for that field, as JSON;
    - a valid form whose records were typed by name: a redirect to the same query with each
      record's kenmerk, so the address always holds the kenmerk, as a shared link should.

    None when the page answers as usual.
    """
    typed = {
        name: field for name, field in form.fields.items() if isinstance(field, RecordByNameField)
    }
    asked = request.GET.get("suggest")
    if asked is not None:
        if asked not in typed:
            return JsonResponse({"detail": "Onbekend veld."}, status=400)
        records = typed[asked].suggestions(request.GET.get("q", "")[:200])
        return JsonResponse([{"label": str(r), "kenmerk": r.slug} for r in records], safe=False)
    if not typed or not form.is_valid():
        return None
    query = request.GET.copy()
    for name in typed:
        record = form.cleaned_data.get(name)
        if record is not None and query.get(name) != record.slug:
            query[name] = record.slug
    if query == request.GET:
        return None
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")


def filter_form(filterset, request, names, more=()):
    """What `_filter_form.html` shows: the chosen fields, those under "Meer filters" (open when
    one of them is set or refused), and the filters now in force."""
    more_fields = [filterset.form[name] for name in more]
    return {
        "filterset": filterset,
        "fields": [filterset.form[name] for name in names],
        "more_fields": more_fields,
        "more_open": any(field.data or field.errors for field in more_fields),
        "media": filterset.form.media,
        "active_filters": active_filters(filterset, request),
    }

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _

from common.fuzzydates import FIRST_YEAR, LAST_YEAR
from programs.filters import (
    NullsLastOrderingFilter,
    period,
    program_status,
    related,
    related_via,
)
from programs.models import Document, Organisation, Program, ProgramLine, Theme

from .models import BudgetLine, BudgetTotal, ContributionKind, Funder, Subsidy, SubsidyTotal


class BudgetLineFilter(filters.FilterSet):
    document = related(Document, "document")
    program = related(Program, "program")
    contributionKind = filters.ChoiceFilter(
        field_name="contribution_kind", choices=ContributionKind.choices
    )
    funder = filters.ChoiceFilter(choices=Funder.choices)
    theme = related_via(Theme, "program__themes", label=_("Thema"))
    programLine = related_via(ProgramLine, "program__program_line", label=_("Programmalijn"))
    organisation = related_via(Organisation, "program__organisations", label=_("Organisatie"))
    programStatus = program_status("program__status")
    periodFrom, periodUntil = period("start", "end")
    ordering = NullsLastOrderingFilter(
        fields=(("position", "position"), ("amount", "amount"), ("label", "description")),
        nulls_last=["amount"],
    )

    class Meta:
        model = BudgetLine
        fields = []


class KeptPeriodFilter(filters.NumberFilter):
    """`periodFrom` or `periodUntil` over the kept totals' start and end years: the same lines
    as `PeriodFilter` chooses, whose bounds are whole years."""

    field_class = forms.IntegerField

    def __init__(self, bound, **kwargs):
        super().__init__(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)
        self.bound = bound

    def filter(self, queryset, value):
        if value in (None, ""):
            return queryset
        return queryset.in_period(**{self.bound: value})


class BudgetTotalFilter(filters.FilterSet):
    """`BudgetLineFilter`'s keys but `document`, over the kept totals: the same figures from a
    few thousand rows instead of every line."""

    program = related(Program, "program")
    contributionKind = filters.ChoiceFilter(
        field_name="contribution_kind", choices=ContributionKind.choices
    )
    funder = filters.ChoiceFilter(choices=Funder.choices)
    theme = related_via(Theme, "program__themes", label=_("Thema"))
    programLine = related_via(ProgramLine, "program__program_line", label=_("Programmalijn"))
    organisation = related_via(Organisation, "program__organisations", label=_("Organisatie"))
    programStatus = program_status("program__status")
    periodFrom = KeptPeriodFilter("first_year", label=_("Periode vanaf (jaar)"))
    periodUntil = KeptPeriodFilter("last_year", label=_("Periode tot en met (jaar)"))

    class Meta:
        model = BudgetTotal
        fields = []

    def filter_queryset(self, queryset):
        periods = (self.form.cleaned_data.get(name) for name in ("periodFrom", "periodUntil"))
        if all(year is None for year in periods):
            queryset = queryset.of_programs()
        return super().filter_queryset(queryset)


class SubsidyFilter(filters.FilterSet):
    instrument = related(Program, "instrument")
    recipient = related(Organisation, "recipient")
    theme = related_via(Theme, "instrument__themes", label=_("Thema"))
    programLine = related_via(ProgramLine, "instrument__program_line", label=_("Programmalijn"))
    organisation = related_via(
        Organisation, "recipient", "instrument__organisations", label=_("Organisatie")
    )
    programStatus = program_status("instrument__status")
    periodFrom, periodUntil = period("granted_on")
    ordering = NullsLastOrderingFilter(
        fields=(
            ("granted_amount", "grantedAmount"),
            ("project_volume", "projectVolume"),
            ("granted_on_date", "grantedOn"),
        ),
        nulls_last=["granted_amount", "project_volume"],
    )

    class Meta:
        model = Subsidy
        fields = ["status"]


class SubsidyTotalFilter(filters.FilterSet):
    """`SubsidyFilter`'s keys but `recipient` and `organisation` (a recipient is not kept),
    over the kept totals."""

    instrument = related(Program, "instrument")
    theme = related_via(Theme, "instrument__themes", label=_("Thema"))
    programLine = related_via(ProgramLine, "instrument__program_line", label=_("Programmalijn"))
    programStatus = program_status("instrument__status")
    # A grant's period is its day: granted in or after, in or before the year.
    periodFrom = filters.NumberFilter(field_name="granted_year", lookup_expr="gte")
    periodUntil = filters.NumberFilter(field_name="granted_year", lookup_expr="lte")

    class Meta:
        model = SubsidyTotal
        fields = ["status"]

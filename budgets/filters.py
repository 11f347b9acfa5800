import django_filters as filters
from django.utils.translation import gettext_lazy as _

from programs.filters import (
    NullsLastOrderingFilter,
    period,
    program_status,
    related,
    related_via,
)
from programs.models import Document, Organisation, Program, ProgramLine, Theme

from .models import BudgetLine, ContributionKind, Funder, Subsidy


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

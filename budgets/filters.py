import django_filters as filters

from programs.filters import related
from programs.models import Document, Organisation, Program

from .models import BudgetLine, ContributionKind, Funder, Subsidy


class BudgetLineFilter(filters.FilterSet):
    document = related(Document, "document")
    program = related(Program, "program")
    contributionKind = filters.ChoiceFilter(
        field_name="contribution_kind", choices=ContributionKind.choices
    )
    funder = filters.ChoiceFilter(choices=Funder.choices)
    ordering = filters.OrderingFilter(
        fields=(("position", "position"), ("amount", "amount"), ("label", "description"))
    )

    class Meta:
        model = BudgetLine
        fields = []


class SubsidyFilter(filters.FilterSet):
    instrument = related(Program, "instrument")
    recipient = related(Organisation, "recipient")
    ordering = filters.OrderingFilter(
        fields=(
            ("granted_amount", "grantedAmount"),
            ("project_volume", "projectVolume"),
            ("granted_on_date", "grantedOn"),
        )
    )

    class Meta:
        model = Subsidy
        fields = ["status"]

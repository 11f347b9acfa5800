"""Excel and CSV import and export of budget lines and subsidies (admin)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import Document, Organisation, Program
from programs.spreadsheets import (
    RECORD_STATE,
    ChoiceWidget,
    Column,
    FuzzyDateWidget,
    KeyColumn,
    MoneyWidget,
    RecordResource,
    SlugWidget,
    TextWidget,
    api_columns,
)

from .models import BudgetLine, ContributionKind, Funder, Subsidy, typed_contribution
from .serializers import SubsidySerializer


def assign_budget_line_id(line, public_id):
    """`sterke-maakindustrie-2015-1` is row 1 of the document `sterke-maakindustrie-2015`."""
    parts = BudgetLine.split_public_id(public_id)
    if parts is None:
        raise ValueError(
            _(
                "'%(id)s' is geen id van een begrotingspost; schrijf document en rij, "
                "bijvoorbeeld sterke-maakindustrie-2015-1."
            )
            % {"id": public_id}
        )
    slug, line.position = parts
    try:
        line.document = Document.objects.get(slug=slug)
    except Document.DoesNotExist:
        raise ValueError(_("Onbekend document '%(slug)s'.") % {"slug": slug}) from None


class BudgetLineResource(RecordResource):
    public_id = KeyColumn(
        assign=assign_budget_line_id,
        description=gettext_lazy(
            "Document en rij: sterke-maakindustrie-2015-1 is rij 1 van de bijlage van "
            "document sterke-maakindustrie-2015 (het document moet al bestaan)."
        ),
    )
    label = Column("label", "omschrijving", TextWidget())
    program = Column("program", "programma", SlugWidget(Program))
    contribution_kind = Column(
        "contribution_kind", "soort bijdrage", ChoiceWidget(ContributionKind.choices)
    )
    amount = Column("amount", "bedrag (euro)", MoneyWidget(pm_allowed=True))
    funder = Column("funder", "financier", ChoiceWidget(Funder.choices))
    start = Column("start", "periode vanaf", FuzzyDateWidget())
    end = Column("end", "periode tot", FuzzyDateWidget())
    note = Column("note", "toelichting", TextWidget())

    class Meta:
        model = BudgetLine
        name = gettext_lazy("Begrotingsposten")
        import_id_fields = ("public_id",)
        fields = (
            "public_id",
            "label",
            "program",
            "contribution_kind",
            "amount",
            "funder",
            "start",
            "end",
            "source_locator",
            "note",
            "publication_status",
            "version",
            "uuid",
        )

    # The id column shows the document's slug.
    export_related = ("document",)

    def find(self, key):
        return self.get_queryset().get_by_public_id(key)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        super().import_field(field, instance, row, is_m2m, **kwargs)
        if field.attribute != "amount":
            return
        # `PM` in the amount column, as in the admin's amount field: a PM line.
        try:
            instance.contribution_kind, instance.amount = typed_contribution(
                instance.contribution_kind, instance.amount
            )
        except ValidationError as error:
            instance.amount = None
            raise ValueError(error.messages[0]) from None

    def key_parts(self):
        return ("document", "position")


class SubsidyResource(RecordResource):
    slug = Column(
        "slug",
        "slug",
        TextWidget(),
        description=gettext_lazy(
            "Kenmerk van de subsidie. Een bestaande slug werkt die subsidie bij; een nieuwe "
            "maakt een nieuwe subsidie."
        ),
    )
    instrument = Column("instrument", "regeling", SlugWidget(Program))
    recipient = Column("recipient", "ontvanger", SlugWidget(Organisation))
    status = Column("status", "status", ChoiceWidget(Subsidy.Status.choices))
    granted_amount = Column("granted_amount", "verleend bedrag (euro)", MoneyWidget())
    settled_amount = Column("settled_amount", "vastgesteld bedrag (euro)", MoneyWidget())
    project_volume = Column("project_volume", "projectvolume (euro)", MoneyWidget())
    granted_on = Column("granted_on", "datum verlening", FuzzyDateWidget())
    description = Column("description", "omschrijving", TextWidget())

    class Meta:
        model = Subsidy
        name = gettext_lazy("Subsidies")
        fields = (*api_columns(SubsidySerializer), *RECORD_STATE)

"""Excel and CSV import and export of organisations, programs and commitments (admin)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    Commitment,
    Document,
    Meeting,
    Organisation,
    Person,
    Program,
    ProgramLine,
    Theme,
)
from .serializers import OrganisationSerializer, ProgramSerializer
from .spreadsheets import (
    RECORD_STATE,
    ChoiceWidget,
    Column,
    FuzzyDateWidget,
    KeyColumn,
    RecordResource,
    SlugListWidget,
    SlugWidget,
    TextWidget,
    WholeNumberWidget,
    YesNoWidget,
    api_columns,
)

SLUG_HELP = gettext_lazy(
    "Kenmerk van het record (kleine letters, cijfers en streepjes). Een bestaande slug werkt "
    "dat record bij; een nieuwe maakt een nieuw record."
)


class OrganisationResource(RecordResource):
    slug = Column("slug", "slug", TextWidget(), description=SLUG_HELP)
    name = Column("name", "naam", TextWidget())
    abbreviation = Column("abbreviation", "afkorting", TextWidget())
    kind = Column("kind", "soort", ChoiceWidget(Organisation.Kind.choices))
    place = Column("place", "plaats", TextWidget())
    parent = Column("parent", "onderdeel van", SlugWidget(Organisation))
    description = Column("description", "omschrijving", TextWidget())
    website = Column("website", "website", TextWidget())

    class Meta:
        model = Organisation
        name = gettext_lazy("Organisaties")
        fields = (*api_columns(OrganisationSerializer), *RECORD_STATE)


class ProgramResource(RecordResource):
    slug = Column("slug", "slug", TextWidget(), description=SLUG_HELP)
    name = Column("name", "naam", TextWidget())
    kind = Column("kind", "soort", ChoiceWidget(Program.Kind.choices))
    parent = Column("parent", "onderdeel van", SlugWidget(Program))
    program_line = Column("program_line", "programmalijn", SlugWidget(ProgramLine))
    status = Column("status", "status", ChoiceWidget(Program.Status.choices))
    start = Column("start", "start", FuzzyDateWidget())
    end = Column("end", "einde", FuzzyDateWidget())
    description = Column("description", "omschrijving", TextWidget())
    themes = Column("themes", "thema's", SlugListWidget(Theme))

    class Meta:
        model = Program
        name = gettext_lazy("Programma's")
        fields = (*api_columns(ProgramSerializer), *RECORD_STATE)


def assign_commitment_id(commitment, public_id):
    """`toezegging-1886` is kind `toezegging`, number `1886`."""
    parts = Commitment.split_public_id(public_id.lower())
    if parts is None:
        raise ValueError(
            _(
                "'%(id)s' is geen id van een toezegging of motie; schrijf bijvoorbeeld "
                "toezegging-1886 of motie-615."
            )
            % {"id": public_id}
        )
    commitment.kind, commitment.number = parts


class CommitmentResource(RecordResource):
    public_id = KeyColumn(
        assign=assign_commitment_id,
        description=gettext_lazy(
            "Soort en nummer: toezegging-1886 of motie-615. Een bestaande id werkt dat record "
            "bij; een nieuwe maakt een nieuwe toezegging of motie."
        ),
    )
    title = Column("title", "titel", TextWidget())
    text = Column("text", "tekst", TextWidget())
    made_on = Column("made_on", "datum", FuzzyDateWidget())
    meeting = Column("meeting", "vergadering", SlugWidget(Meeting))
    agenda_item = Column("agenda_item", "agendapunt", TextWidget())
    made_by = Column("made_by", "portefeuillehouder", SlugWidget(Person))
    made_by_role = Column("made_by_role", "functie van wie toezegde", TextWidget())
    made_to = Column("made_to", "gedaan aan", TextWidget())
    submitters = Column("submitters", "indieners", SlugListWidget(Person))
    vote_outcome = Column(
        "vote_outcome", "uitslag stemming", ChoiceWidget(Commitment.VoteOutcome.choices)
    )
    votes_for = Column("votes_for", "stemmen voor", WholeNumberWidget())
    votes_against = Column("votes_against", "stemmen tegen", WholeNumberWidget())
    appraisal = Column("appraisal", "appreciatie GS", ChoiceWidget(Commitment.Appraisal.choices))
    deadline = Column("deadline", "termijn", FuzzyDateWidget())
    without_deadline = Column("without_deadline", "geen termijn", YesNoWidget())
    status = Column("status", "status", ChoiceWidget(Commitment.Status.choices))
    remaining = Column("remaining", "wat nog resteert", TextWidget())
    fulfilled_by = Column("fulfilled_by", "afgedaan met", SlugWidget(Document))
    fulfilled_on = Column("fulfilled_on", "afgedaan op", FuzzyDateWidget())
    fulfilment = Column("fulfilment", "toelichting afdoening", TextWidget())
    themes = Column("themes", "thema's", SlugListWidget(Theme))
    programs = Column("programs", "programma's", SlugListWidget(Program))

    class Meta:
        model = Commitment
        name = gettext_lazy("Toezeggingen en moties")
        import_id_fields = ("public_id",)
        fields = (
            "public_id",
            "title",
            "text",
            "made_on",
            "meeting",
            "agenda_item",
            "made_by",
            "made_by_role",
            "made_to",
            "submitters",
            "vote_outcome",
            "votes_for",
            "votes_against",
            "appraisal",
            "deadline",
            "without_deadline",
            "status",
            "remaining",
            "fulfilled_by",
            "fulfilled_on",
            "fulfilment",
            "themes",
            "programs",
            "source",
            "source_locator",
            "publication_status",
            "version",
            "uuid",
        )

    def find(self, key):
        return self.get_queryset().get_by_public_id(key.lower())

    def key_parts(self):
        return ("kind", "number")

    def guarded_state(self, instance):
        closing = {name: closing_value(instance, name) for name in Commitment.CLOSING_FIELDS}
        return {**super().guarded_state(instance), "closing": closing}

    def rule_errors(self, instance):
        """Beside publication: only who may close changes status and fulfilment (as in the
        admin, where these fields are read-only for editors)."""
        errors = super().rule_errors(instance)
        if Commitment.may_close(self.user):
            return errors
        message = _("Alleen wie toezeggingen en moties mag afdoen (Publicist) wijzigt dit veld.")
        before = instance._import_before["closing"]
        for name, value in before.items():
            if closing_value(instance, name) != value:
                errors[name] = [message]
        return errors


def closing_value(commitment, name):
    return getattr(commitment, Commitment._meta.get_field(name).attname)

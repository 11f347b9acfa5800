"""Read API representations. JSON keys become lowerCamelCase in the renderer."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .fuzzydates import Precision
from .models import (
    Action,
    Commitment,
    CommitmentRelation,
    DeadlineChange,
    Document,
    Indicator,
    Organisation,
    Program,
    ProgramOrganisation,
    Settlement,
    Theme,
)


class FuzzyDateSchema(serializers.Serializer):
    start = serializers.DateField(help_text="Eerste dag van de periode.")
    end = serializers.DateField(help_text="Laatste dag van de periode.")
    precision = serializers.ChoiceField(choices=Precision.choices)
    label = serializers.CharField(help_text="Zoals in het Nederlands geschreven: 'medio 2016'.")


@extend_schema_field(FuzzyDateSchema(allow_null=True))
class FuzzyDateSerializerField(serializers.Field):
    """A fuzzy date as `{start, end, precision, label}`, or null when unknown."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        # A missing fuzzy date is a value (null), not a missing attribute.
        return getattr(instance, self.source)

    def to_representation(self, value):
        return {
            "start": value.start.isoformat(),
            "end": value.end.isoformat(),
            "precision": value.precision,
            "label": str(value),
        }


class VisibleRefSerializer(serializers.Serializer):
    """A link to a related record; null when the reader may not see that record."""

    def to_representation(self, instance):
        user = getattr(self.context.get("request"), "user", None)
        if not instance.is_visible_to(user):
            return None
        return super().to_representation(instance)


class NamedRefSerializer(VisibleRefSerializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


# One class per kind of record, so the OpenAPI document names what each link points to.
class ThemeRefSerializer(NamedRefSerializer):
    pass


class OrganisationRefSerializer(NamedRefSerializer):
    pass


class ProgramRefSerializer(NamedRefSerializer):
    pass


class DocumentRefSerializer(VisibleRefSerializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class PersonRefSerializer(NamedRefSerializer):
    party = serializers.CharField()


class ActionRefSerializer(VisibleRefSerializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class CommitmentRefSerializer(VisibleRefSerializer):
    id = serializers.CharField(source="public_id")
    title = serializers.CharField()


class SourceSerializer(serializers.Serializer):
    """Where a fact comes from: the document and the place in it."""

    document = serializers.SlugField(source="source.slug")
    locator = serializers.CharField(source="source_locator")

    def get_attribute(self, instance):
        user = getattr(self.context.get("request"), "user", None)
        if instance.source_id and instance.source.is_visible_to(user):
            return instance
        return None


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "description"]


class DocumentSerializer(serializers.ModelSerializer):
    date = FuzzyDateSerializerField()
    issuer = OrganisationRefSerializer(allow_null=True)

    class Meta:
        model = Document
        fields = ["slug", "title", "kind", "date", "issuer", "reference", "url", "summary"]


class OrganisationSerializer(serializers.ModelSerializer):
    parent = OrganisationRefSerializer(allow_null=True)
    source = SourceSerializer(allow_null=True)

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "abbreviation",
            "kind",
            "place",
            "parent",
            "description",
            "website",
            "source",
        ]


class ProgramLineSerializer(VisibleRefSerializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    budget_program = serializers.CharField(source="budget_program.name")


class ProgramOrganisationSerializer(serializers.Serializer):
    organisation = OrganisationRefSerializer()
    role = serializers.ChoiceField(choices=ProgramOrganisation.Role.choices)


class ProgramSerializer(serializers.ModelSerializer):
    parent = ProgramRefSerializer(allow_null=True)
    program_line = ProgramLineSerializer(allow_null=True)
    start = FuzzyDateSerializerField()
    end = FuzzyDateSerializerField()
    themes = ThemeRefSerializer(many=True)
    organisations = ProgramOrganisationSerializer(source="roles", many=True)
    source = SourceSerializer(allow_null=True)

    class Meta:
        model = Program
        fields = [
            "slug",
            "name",
            "kind",
            "parent",
            "program_line",
            "status",
            "start",
            "end",
            "description",
            "themes",
            "organisations",
            "source",
        ]


class MeetingRefSerializer(VisibleRefSerializer):
    slug = serializers.SlugField()
    body = serializers.CharField()
    date = serializers.DateField()


class DeadlineChangeSerializer(serializers.ModelSerializer):
    old_deadline = FuzzyDateSerializerField()
    old_label = serializers.CharField()
    new_deadline = FuzzyDateSerializerField()
    new_label = serializers.CharField()

    class Meta:
        model = DeadlineChange
        fields = [
            "old_deadline",
            "old_without_deadline",
            "old_label",
            "new_deadline",
            "new_without_deadline",
            "new_label",
            "changed_at",
            "reason",
        ]


class SettlementSerializer(serializers.ModelSerializer):
    proposal_document = DocumentRefSerializer(allow_null=True)
    decided_at = MeetingRefSerializer(allow_null=True)

    class Meta:
        model = Settlement
        fields = [
            "proposed_on",
            "proposal_document",
            "proposed_status",
            "explanation",
            "remaining",
            "decision",
            "decided_at",
            "decided_on",
            "decision_note",
        ]


class CommitmentRelationSerializer(serializers.ModelSerializer):
    related = CommitmentRefSerializer()

    class Meta:
        model = CommitmentRelation
        fields = ["kind", "related", "note"]


class CommitmentSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    made_on = FuzzyDateSerializerField()
    meeting = MeetingRefSerializer(allow_null=True)
    made_by = PersonRefSerializer(allow_null=True)
    submitters = PersonRefSerializer(many=True)
    deadline = FuzzyDateSerializerField()
    deadline_label = serializers.CharField()
    is_tracked = serializers.BooleanField(
        help_text="Een toezegging of een aangenomen motie: telt mee als openstaand of afgedaan."
    )
    is_overdue = serializers.BooleanField(help_text="Openstaand en de termijn is verstreken.")
    is_due_soon = serializers.BooleanField(
        help_text="Openstaand en de termijn verstrijkt binnen COMMITMENT_DUE_SOON_DAYS dagen."
    )
    has_no_deadline = serializers.BooleanField(help_text="Openstaand zonder (bekende) termijn.")
    deadline_history = DeadlineChangeSerializer(source="deadline_changes", many=True)
    fulfilled_by = DocumentRefSerializer(allow_null=True)
    fulfilled_on = FuzzyDateSerializerField()
    settlements = SettlementSerializer(many=True)
    relations = CommitmentRelationSerializer(many=True)
    themes = ThemeRefSerializer(many=True)
    programs = ProgramRefSerializer(many=True)
    actions = ActionRefSerializer(many=True)
    source = SourceSerializer(allow_null=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "kind",
            "number",
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
            "deadline_label",
            "status",
            "remaining",
            "is_tracked",
            "is_overdue",
            "is_due_soon",
            "has_no_deadline",
            "deadline_history",
            "fulfilled_by",
            "fulfilled_on",
            "fulfilment",
            "settlements",
            "relations",
            "themes",
            "programs",
            "actions",
            "source",
        ]


class ActionSerializer(serializers.ModelSerializer):
    owner = OrganisationRefSerializer(allow_null=True)
    due = FuzzyDateSerializerField()
    program = ProgramRefSerializer(allow_null=True)
    themes = ThemeRefSerializer(many=True)
    commitments = CommitmentRefSerializer(many=True)
    source = SourceSerializer(allow_null=True)

    class Meta:
        model = Action
        fields = [
            "slug",
            "title",
            "description",
            "owner",
            "due",
            "status",
            "program",
            "themes",
            "commitments",
            "source",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    display_value = serializers.CharField(read_only=True)
    reference = FuzzyDateSerializerField()
    program = ProgramRefSerializer(allow_null=True)
    themes = ThemeRefSerializer(many=True)
    source = SourceSerializer(allow_null=True)

    class Meta:
        model = Indicator
        fields = [
            "slug",
            "name",
            "qualifier",
            "value",
            "unit",
            "display_value",
            "reference",
            "program",
            "sector",
            "themes",
            "source",
        ]

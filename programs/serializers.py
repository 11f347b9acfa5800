"""API representations, read and written. JSON keys become lowerCamelCase in the renderer."""

import copy
import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, PermissionDenied

from common.fuzzydates import FuzzyDate, Precision, check_year

from .models import (
    Action,
    Commitment,
    CommitmentRelation,
    DeadlineChange,
    Document,
    Indicator,
    Meeting,
    Organisation,
    Person,
    Program,
    ProgramLine,
    ProgramOrganisation,
    PublicationStatus,
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
    """A fuzzy date as `{start, end, precision, label}`, or null when unknown.

    Written as the same object, as `{"label": "medio 2016"}` or as the text alone.
    """

    #: In CSV: the Dutch label, then the period's first and last day and its precision.
    csv_parts = ("label", "start", "end", "precision")

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = self.read(data)
        if value is None:
            raise serializers.ValidationError(
                "Geef een datum of periode zoals 'medio 2016', of {start, precision}."
            )
        try:
            check_year(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value

    @staticmethod
    def read(data):
        """The fuzzy date `data` gives, or None when it gives none (an unknown precision too)."""
        try:
            if isinstance(data, str):
                return FuzzyDate.parse(data)
            if isinstance(data, dict) and data.get("label"):
                return FuzzyDate.parse(data["label"])
            if isinstance(data, dict) and data.get("start") and data.get("precision"):
                start = datetime.date.fromisoformat(str(data["start"]))
                return FuzzyDate.containing(start, data["precision"])
        except ValueError:
            pass
        return None

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


class RefListSerializer(serializers.ListSerializer):
    """Related records: the list the queryset annotated or prefetched as `linked_<source>` when
    it did (the querysets' `with_link_lists`, `views.histories_prefetched`; limited to what the
    reader may see), else the related records themselves."""

    def get_attribute(self, instance):
        links = getattr(instance, f"linked_{self.source}", None)
        if links is not None:
            return links
        return super().get_attribute(instance)


class VisibleRefSerializer(serializers.Serializer):
    """A link to a related record; null when the reader may not see that record.

    Written back as the same object (or just its key): only the key (`slug`) is read, and
    it must name a record the writer may see.
    """

    model = None
    key = "slug"

    class Meta:
        list_serializer_class = RefListSerializer

    def to_representation(self, instance):
        # A link read as a mapping comes from a list the query already limited to the reader.
        if not isinstance(instance, Mapping) and not instance.is_visible_to(self._user()):
            return None
        return super().to_representation(instance)

    def to_internal_value(self, data):
        value = data.get(self.key) if isinstance(data, dict) else data
        if not isinstance(value, str) or not value:
            raise serializers.ValidationError(f"Geef de {self.key} van het record.")
        records = self.model.objects.visible_to(self._user())
        try:
            if self.key == "slug":
                return records.get(slug=value)
            return records.get_by_public_id(value)
        except self.model.DoesNotExist:
            raise serializers.ValidationError(f"Onbekend: {value!r}.") from None

    def _user(self):
        return getattr(self.context.get("request"), "user", None)


class NamedRefSerializer(VisibleRefSerializer):
    slug = serializers.SlugField()
    name = serializers.CharField(read_only=True)


# One class per kind of record, so the OpenAPI document names what each link points to.
class ThemeRefSerializer(NamedRefSerializer):
    model = Theme


class OrganisationRefSerializer(NamedRefSerializer):
    model = Organisation


class ProgramRefSerializer(NamedRefSerializer):
    model = Program


class DocumentRefSerializer(VisibleRefSerializer):
    model = Document
    slug = serializers.SlugField()
    title = serializers.CharField(read_only=True)


class PersonRefSerializer(NamedRefSerializer):
    model = Person
    party = serializers.CharField(read_only=True)


class ActionRefSerializer(VisibleRefSerializer):
    model = Action
    slug = serializers.SlugField()
    title = serializers.CharField(read_only=True)


class CommitmentRefSerializer(VisibleRefSerializer):
    model = Commitment
    key = "id"
    id = serializers.CharField(source="public_id")
    title = serializers.CharField(read_only=True)


class SourceSerializer(serializers.Serializer):
    """Where a fact comes from: the document and the place in it (`source` and `source_locator`)."""

    document = serializers.SlugField(source="source.slug")
    locator = serializers.CharField(source="source_locator", required=False, allow_blank=True)

    def __init__(self, **kwargs):
        super().__init__(source="*", allow_null=True, required=False, **kwargs)

    def get_attribute(self, instance):
        user = getattr(self.context.get("request"), "user", None)
        if instance.source_id and instance.source.is_visible_to(user):
            return instance
        return None

    def validate_empty_values(self, data):
        if data is None:
            return True, {"source": None, "source_locator": ""}
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("Geef {document, locator}.")
        document = DocumentRefSerializer(context=self.context).to_internal_value(
            data.get("document")
        )
        return {"source": document, "source_locator": str(data.get("locator") or "")}


class DecimalTextField(serializers.DecimalField):
    """Amounts as decimal text, as they are read: a JSON number would pass through a float."""

    default_error_messages = {"not_text": 'Geef het getal als tekst, bijvoorbeeld "8900000.00".'}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class TextOnly:
    """JSON strings only: a number or a boolean is refused, not turned into text."""

    default_error_messages = {"not_text": "Geef tekst (een JSON-string)."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class TextField(TextOnly, serializers.CharField):
    pass


class SlugTextField(TextOnly, serializers.SlugField):
    pass


# A value that must be unique and is taken, whether by a record the writer may see or by a
# concept they may not: "a theme with this slug exists" would confirm the concept.
TAKEN = "Deze waarde is al in gebruik; kies een andere."


def without_whose(detail):
    """Validation errors with every 'already taken' message replaced by `TAKEN`."""
    if isinstance(detail, Mapping):
        return {name: without_whose(value) for name, value in detail.items()}
    if isinstance(detail, list):
        return [without_whose(item) for item in detail]
    if getattr(detail, "code", None) in ("unique", "unique_together"):
        return ErrorDetail(TAKEN, code="unique")
    return detail


class RecordSerializer(serializers.ModelSerializer):
    """A record read and written through the API, checked by the model exactly as in the admin.

    Related records are written as their key; many-to-many links are set after the save.
    `publicationStatus` may be set to published only by those who may publish.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: DecimalTextField,
        models.CharField: TextField,
        models.TextField: TextField,
        models.SlugField: SlugTextField,
    }

    def get_field_names(self, declared_fields, info):
        names = super().get_field_names(declared_fields, info)
        return ["uuid", *names, "publication_status", "version"]

    def run_validation(self, data=serializers.empty):
        try:
            return super().run_validation(data)
        except serializers.ValidationError as error:
            raise serializers.ValidationError(without_whose(error.detail)) from None

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        user = getattr(self.context.get("request"), "user", None)
        publishing = attrs.get("publication_status") == PublicationStatus.PUBLISHED
        changing_published = self.instance is not None and self.instance.is_published
        if (publishing or changing_published) and not model.may_publish(user):
            raise PermissionDenied("Alleen wie mag publiceren, wijzigt gepubliceerde gegevens.")
        if self._closes(attrs) and not model.may_close(user):
            raise PermissionDenied("Alleen wie mag afdoen, wijzigt de status en de afdoening.")
        record = copy.copy(self.instance) if self.instance is not None else model()
        many = self._many_to_many(attrs)
        for name, value in attrs.items():
            if name not in many:
                setattr(record, name, value)
        try:
            record.full_clean(exclude=list(many))
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                {self._api_name(name): messages for name, messages in error.message_dict.items()}
            ) from None
        return attrs

    def _closes(self, attrs):
        """Whether this write changes what only those who may close may change (a status)."""
        before = self.instance if self.instance is not None else self.Meta.model()
        return any(
            name in attrs and attrs[name] != getattr(before, name)
            for name in getattr(self.Meta.model, "CLOSING_FIELDS", ())
        )

    def _api_name(self, model_field):
        """The name a model field's error is reported under: the API field it is written by."""
        if model_field == "__all__":
            return "non_field_errors"
        for name, field in self.fields.items():
            if field.source == model_field:
                return name
        return model_field

    def create(self, validated_data):
        many = self._many_to_many(validated_data)
        links = {name: validated_data.pop(name) for name in many}
        record = self.Meta.model(**validated_data)
        record._change_reason = self.context.get("change_reason", "")
        record.save()
        for name, values in links.items():
            getattr(record, name).set(values)
        return record

    def update(self, record, validated_data):
        many = self._many_to_many(validated_data)
        links = {name: validated_data.pop(name) for name in many}
        for name, value in validated_data.items():
            setattr(record, name, value)
        record._change_reason = self.context.get("change_reason", "")
        record.save()
        for name, values in links.items():
            getattr(record, name).set(values)
        return record

    def _many_to_many(self, data):
        names = {field.name for field in self.Meta.model._meta.many_to_many}
        return {name for name in data if name in names}


class ThemeSerializer(RecordSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "description"]


class DocumentSerializer(RecordSerializer):
    # Not `date`: ADR reserves that name for an ISO date, and a memo is often dated "2015".
    issued = FuzzyDateSerializerField(source="date")
    issuer = OrganisationRefSerializer(allow_null=True, required=False)

    class Meta:
        model = Document
        fields = ["slug", "title", "kind", "issued", "issuer", "reference", "url", "summary"]


class OrganisationSerializer(RecordSerializer):
    parent = OrganisationRefSerializer(allow_null=True, required=False)
    source = SourceSerializer()

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
    model = ProgramLine
    slug = serializers.SlugField()
    name = serializers.CharField(read_only=True)
    budget_program = serializers.CharField(source="budget_program.name", read_only=True)


class ProgramOrganisationSerializer(serializers.Serializer):
    organisation = OrganisationRefSerializer()
    role = serializers.ChoiceField(choices=ProgramOrganisation.Role.choices)

    class Meta:
        list_serializer_class = RefListSerializer


class ProgramSerializer(RecordSerializer):
    parent = ProgramRefSerializer(allow_null=True, required=False)
    program_line = ProgramLineSerializer(allow_null=True, required=False)
    start = FuzzyDateSerializerField()
    end = FuzzyDateSerializerField()
    themes = ThemeRefSerializer(many=True, required=False)
    organisations = ProgramOrganisationSerializer(source="roles", many=True, read_only=True)
    source = SourceSerializer()

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
    model = Meeting
    slug = serializers.SlugField()
    body = serializers.CharField(read_only=True)
    date = serializers.DateField(read_only=True)


class DeadlineChangeSerializer(serializers.ModelSerializer):
    old_deadline = FuzzyDateSerializerField()
    old_label = serializers.CharField()
    new_deadline = FuzzyDateSerializerField()
    new_label = serializers.CharField()

    class Meta:
        list_serializer_class = RefListSerializer
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
    proposal_document = DocumentRefSerializer(allow_null=True, required=False)
    decided_at = MeetingRefSerializer(allow_null=True, required=False)

    class Meta:
        list_serializer_class = RefListSerializer
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
        list_serializer_class = RefListSerializer
        model = CommitmentRelation
        fields = ["kind", "related", "note"]


class CommitmentSerializer(RecordSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    made_on = FuzzyDateSerializerField()
    meeting = MeetingRefSerializer(allow_null=True, required=False)
    made_by = PersonRefSerializer(allow_null=True, required=False)
    submitters = PersonRefSerializer(many=True, required=False)
    deadline = FuzzyDateSerializerField()
    deadline_label = serializers.CharField(read_only=True)
    is_tracked = serializers.BooleanField(
        read_only=True,
        help_text="Een toezegging of een aangenomen motie: telt mee als openstaand of afgedaan.",
    )
    has_no_deadline = serializers.BooleanField(
        read_only=True, help_text="Openstaand zonder (bekende) termijn."
    )
    deadline_history = DeadlineChangeSerializer(
        source="deadline_changes", many=True, read_only=True
    )
    fulfilled_by = DocumentRefSerializer(allow_null=True, required=False)
    fulfilled_on = FuzzyDateSerializerField()
    settlements = SettlementSerializer(many=True, read_only=True)
    relations = CommitmentRelationSerializer(many=True, read_only=True)
    themes = ThemeRefSerializer(many=True, required=False)
    programs = ProgramRefSerializer(many=True, required=False)
    actions = ActionRefSerializer(many=True, read_only=True)
    source = SourceSerializer()

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


class ActionSerializer(RecordSerializer):
    owner = OrganisationRefSerializer(allow_null=True, required=False)
    due = FuzzyDateSerializerField()
    program = ProgramRefSerializer(allow_null=True, required=False)
    themes = ThemeRefSerializer(many=True, required=False)
    commitments = CommitmentRefSerializer(many=True, required=False)
    source = SourceSerializer()

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


class IndicatorSerializer(RecordSerializer):
    display_value = serializers.CharField(read_only=True)
    reference = FuzzyDateSerializerField()
    program = ProgramRefSerializer(allow_null=True, required=False)
    themes = ThemeRefSerializer(many=True, required=False)
    source = SourceSerializer()

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

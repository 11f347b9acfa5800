from rest_framework import serializers

from programs.serializers import (
    DecimalTextField,
    DocumentRefSerializer,
    FuzzyDateSerializerField,
    OrganisationRefSerializer,
    ProgramRefSerializer,
    RecordSerializer,
    SourceSerializer,
)

from .models import BudgetLine, ContributionKind, Subsidy


class ContributionSerializer(serializers.Serializer):
    """What a budget line contributes: kind, amount in euros (or null) and the Dutch label."""

    kind = serializers.ChoiceField(source="contribution_kind", choices=ContributionKind.choices)
    amount = DecimalTextField(max_digits=14, decimal_places=2, allow_null=True)
    funder = serializers.CharField()
    label = serializers.CharField(source="contribution_label")

    def get_attribute(self, instance):
        return instance


class BudgetLineSerializer(RecordSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    document = DocumentRefSerializer()
    program = ProgramRefSerializer()
    label = serializers.CharField(source="contribution_label", read_only=True)
    description = serializers.CharField(source="label")
    start = FuzzyDateSerializerField()
    end = FuzzyDateSerializerField()

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "document",
            "position",
            "description",
            "program",
            "contribution_kind",
            "amount",
            "funder",
            "label",
            "start",
            "end",
            "source_locator",
            "note",
        ]


class SubsidySerializer(RecordSerializer):
    instrument = ProgramRefSerializer()
    recipient = OrganisationRefSerializer()
    granted_on = FuzzyDateSerializerField()
    leverage = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, read_only=True
    )
    granted_label = serializers.CharField(read_only=True)
    source = SourceSerializer()

    class Meta:
        model = Subsidy
        fields = [
            "slug",
            "instrument",
            "recipient",
            "status",
            "granted_amount",
            "granted_label",
            "settled_amount",
            "project_volume",
            "leverage",
            "granted_on",
            "description",
            "source",
        ]


class OverviewRowSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    description = serializers.CharField(source="label")
    program = ProgramRefSerializer()
    contribution = ContributionSerializer()


class TotalsSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    pm_count = serializers.IntegerField()
    external_count = serializers.IntegerField()
    label = serializers.CharField()


class OverviewSerializer(serializers.Serializer):
    document = serializers.SlugField(source="document.slug")
    rows = OverviewRowSerializer(many=True)
    totals = TotalsSerializer()

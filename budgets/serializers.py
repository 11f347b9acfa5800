import re

from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from programs.changes import decode_cursor
from programs.models import PublicChange
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


# Changes feed


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 timestamp that names its time zone (`Z` or `+01:00`); a naive one is refused.

    A `+` sent unencoded in a query string arrives as a space; it is read as the `+` meant.
    """

    def to_internal_value(self, value):
        text = re.sub(r" (\d{2}(?::?\d{2})?)$", r"+\1", str(value).strip())
        try:
            parsed = parse_datetime(text)
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("invalid", format="JJJJ-MM-DDTuu:mm:ss+01:00")
        if parsed.tzinfo is None:
            raise serializers.ValidationError("Geef een tijdzone, zoals `Z` of `+01:00`.")
        return parsed


class ChangesQuerySerializer(serializers.Serializer):
    since = AwareDateTimeField(required=False)
    cursor = serializers.CharField(required=False)
    pageSize = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=100)

    def validate_cursor(self, value):
        try:
            return decode_cursor(value)
        except ValueError:
            raise serializers.ValidationError("Onbekende cursor; gebruik de `next`-link.") from None


class ChangeSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="De soort record, zoals in de API: `program`.")
    uuid = serializers.UUIDField(
        help_text="De vaste id van het record: verandert nooit, ook niet als de slug verandert."
    )
    id = serializers.CharField(
        help_text="De sleutel in het pad van het record nu (slug of id); kan veranderen."
    )
    action = serializers.ChoiceField(
        choices=PublicChange.Action.choices,
        help_text=(
            "`nieuw`: nu openbaar (nieuw of gepubliceerd); `gewijzigd`: leest anders; "
            "`verwijderd`: niet meer openbaar (verwijderd, terug naar concept, of zijn "
            "programma of document niet meer openbaar)."
        ),
    )
    changed_at = serializers.DateTimeField()
    url = serializers.URLField(
        allow_null=True, help_text="Het record in de API; null bij `deleted`."
    )


class ChangesPageSerializer(serializers.Serializer):
    next = serializers.URLField(
        allow_null=True, help_text="De volgende pagina; null als er nu niets meer volgt."
    )
    cursor = serializers.CharField(
        help_text=(
            "Bewaar deze cursor om later verder te lezen na de laatste wijziging hier (of, als "
            "hier geen wijzigingen staan, vanaf nu)."
        ),
    )
    results = ChangeSerializer(many=True)


# Open-data standards (for the OpenAPI document; keys as the standards write them)


class GivingOrganizationSerializer(serializers.Serializer):
    id = serializers.CharField(
        help_text="`360G-limburg-org-` en de vaste id (uuid) van de organisatie."
    )
    name = serializers.CharField()
    addressLocality = serializers.CharField(required=False)
    url = serializers.URLField(required=False)


class GrantProgrammeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="De slug van de regeling.")
    title = serializers.CharField()
    url = serializers.URLField()


class GrantSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`360G-limburg-` en de vaste id (uuid) van de subsidie.")
    title = serializers.CharField()
    description = serializers.CharField()
    currency = serializers.ChoiceField(choices=[("EUR", "EUR")])
    amountAwarded = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, help_text="Verleend bedrag."
    )
    awardDate = serializers.DateField(
        help_text="Datum van verlening; bij een periode de eerste dag ervan (zie awardPeriod)."
    )
    awardPeriod = serializers.CharField(
        required=False, help_text="Extra veld: de periode zoals de bron haar noemt (april 2015)."
    )
    url = serializers.URLField()
    recipientOrganization = GivingOrganizationSerializer(many=True)
    fundingOrganization = GivingOrganizationSerializer(many=True)
    grantProgramme = GrantProgrammeSerializer(many=True)
    dateModified = serializers.DateTimeField()
    dataSource = serializers.URLField()


class PublisherSerializer(serializers.Serializer):
    name = serializers.CharField()
    identifier = serializers.CharField()


class GrantPackageSerializer(serializers.Serializer):
    version = serializers.CharField(help_text="Versie van de 360Giving-standaard (1.4).")
    title = serializers.CharField()
    description = serializers.CharField()
    publisher = PublisherSerializer()
    license = serializers.URLField(help_text="De licentie van de gegevens (OPEN_DATA_LICENCE).")
    accessURL = serializers.URLField()
    downloadURL = serializers.URLField()
    grants = GrantSerializer(many=True)


class DataResourceSerializer(serializers.Serializer):
    name = serializers.CharField()
    path = serializers.URLField()
    profile = serializers.CharField()
    format = serializers.CharField()
    mediatype = serializers.CharField()
    encoding = serializers.CharField()
    schema = serializers.DictField(help_text="Table Schema met `columnType` per veld (FDP v1).")


class LicenceSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="SPDX-code: CC0-1.0 of CC-BY-4.0.")
    path = serializers.URLField()
    title = serializers.CharField()


class FiscalVersionSerializer(serializers.Serializer):
    version = serializers.CharField()
    url = serializers.URLField()


class DataPackageSerializer(serializers.Serializer):
    profile = serializers.CharField(help_text="tabular-data-package")
    fiscalDataPackage = FiscalVersionSerializer(help_text="De gevolgde versie van FDP.")
    name = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    homepage = serializers.URLField()
    countryCode = serializers.CharField()
    licenses = LicenceSerializer(many=True)
    resources = DataResourceSerializer(many=True)

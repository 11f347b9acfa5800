"""The API of budget lines, subsidies, the annex overview and totals, the open data, and the
changes feed across both apps (`budgets` may use `programs`, never the reverse). Their pages
are in `website`."""

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import StrictQueryMixin
from common.csv_export import CSVRenderer, csv_response
from programs.changes import DELETED, changes, encode_cursor, latest_entry_id
from programs.views import (
    DocumentViewSet,
    PublicIdLookupMixin,
    RecordViewSet,
    public_id_parameter,
)

from . import filters, opendata, serializers
from .feeds import record_path
from .models import BudgetLine, Subsidy, document_overview


@public_id_parameter("sterke-maakindustrie-2015-1")
class BudgetLineViewSet(PublicIdLookupMixin, RecordViewSet):
    model = BudgetLine
    serializer_class = serializers.BudgetLineSerializer
    filterset_class = filters.BudgetLineFilter
    search_fields = ["label", "program__name", "note"]

    def records_for(self, user):
        return super().records_for(user).select_related("document", "program")

    @extend_schema(
        summary="Totaal van de begrotingsposten",
        description=(
            "De som van de bedragen en het aantal PM-posten en posten op kosten van derden "
            "(geteld, nooit opgeteld) van de posten die de filters kiezen: dezelfde filters en "
            "dezelfde cijfers als het dashboard op de startpagina."
        ),
        responses=serializers.TotalsSerializer,
        filters=True,
    )
    @action(detail=False, pagination_class=None)
    def totals(self, request):
        lines = self.filter_queryset(self.get_queryset())
        return Response(serializers.TotalsSerializer(lines.totals()).data)

    @extend_schema(
        summary="Fiscal Data Package: beschrijving (datapackage.json)",
        description=(
            "Frictionless Fiscal Data Package (v1.0-rc.1): de gepubliceerde begrotingsposten "
            "als CSV-bron met Table Schema en `columnType` per veld. PM-posten en posten op "
            "kosten van derden hebben een leeg bedrag en staan in `contributionKind`."
        ),
        responses=serializers.DataPackageSerializer,
        filters=False,
    )
    @action(
        detail=False,
        url_path="datapackage.json",
        url_name="datapackage-json",
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[JSONRenderer],
    )
    def datapackage_json(self, request):
        return Response(opendata.fiscal_data_package(request))

    @extend_schema(
        summary="Fiscal Data Package: de gegevens (CSV)",
        description="De bron van `datapackage.json`: één rij per gepubliceerde begrotingspost.",
        responses={(200, "text/csv"): OpenApiTypes.STR},
        filters=False,
    )
    @action(
        detail=False,
        url_path="datapackage.csv",
        url_name="datapackage-csv",
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[CSVRenderer],
    )
    def datapackage_csv(self, request):
        return csv_response("begrotingsposten", opendata.fiscal_table())


class SubsidyViewSet(RecordViewSet):
    model = Subsidy
    serializer_class = serializers.SubsidySerializer
    filterset_class = filters.SubsidyFilter
    search_fields = ["slug", "description", "recipient__name", "instrument__name"]

    def records_for(self, user):
        return super().records_for(user).select_related("instrument", "recipient", "source")

    @extend_schema(
        operation_id="subsidies_360giving",
        summary="Subsidies als 360Giving",
        description=(
            "De gepubliceerde, verleende subsidies met bedrag en datum als 360Giving-pakket "
            '(`{"grants": [...]}`), of met `format=csv` als de platte 360Giving-CSV. '
            "Subsidies zonder bekend bedrag of datum staan in /subsidies, niet hier."
        ),
        responses={
            (200, "application/json"): serializers.GrantPackageSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
        },
        filters=False,
    )
    @action(
        detail=False,
        url_path="360giving",
        url_name="three-sixty-giving",
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[JSONRenderer, CSVRenderer],
    )
    def three_sixty_giving(self, request):
        if request.accepted_renderer.format == CSVRenderer.format:
            return csv_response("subsidies-360giving", opendata.giving_table(request))
        return Response(opendata.giving_package(request))


class DocumentWithOverviewViewSet(DocumentViewSet):
    @extend_schema(
        summary="Het overzicht (bijlage) van een document",
        description=(
            "De begrotingsposten van het document in de volgorde van het document, met het "
            "totaal: de som van de bedragen en het aantal PM-posten en posten op kosten van "
            "derden, die worden geteld en nooit opgeteld."
        ),
        responses=serializers.OverviewSerializer,
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def overview(self, request, slug=None):
        overview = document_overview(self.get_object(), request.user)
        return Response(serializers.OverviewSerializer(overview, context={"request": request}).data)


class ChangesView(StrictQueryMixin, APIView):
    """`/api/v1/changes`: what changed in the public data, for systems that keep a copy."""

    permission_classes = [AllowAny]
    query_parameters = tuple(serializers.ChangesQuerySerializer().fields)

    @extend_schema(
        operation_id="changes_list",
        summary="Wijzigingen in de openbare gegevens",
        description=(
            "Elke wijziging in wat het publiek van een record leest, op de volgorde waarin de "
            "wijzigingen zijn vastgelegd. Het contract: wie elke lijst één keer leest en daarna "
            "de wijzigingen toepast vanaf het moment waarop hij begon (`since`), heeft na elke "
            "reeks bewerkingen precies wat een nieuwe lijst geeft. Daarom komt er ook een "
            "wijziging voor elk record dat een ander record toont (een programma zijn thema's, "
            "een begrotingspost zijn programma) als dat andere record verandert, en voor elke "
            "begrotingspost en subsidie die verschijnt of verdwijnt doordat haar programma, "
            "document of ontvanger wordt gepubliceerd of gedepubliceerd. Toepassen: bij `nieuw` "
            "en `gewijzigd` het record ophalen via `url` en bewaren onder `uuid`; bij "
            "`verwijderd` het record met die `uuid` weggooien. Een `url` die 404 geeft, hoort "
            "bij een record dat een latere wijziging verwijdert. `uuid` verandert nooit; `id` "
            "(de slug of het samengestelde id) kan veranderen en komt dan als `gewijzigd`. "
            "Lees verder met `next`; bewaar `cursor` om later verder te lezen. Concepten "
            "verschijnen nooit."
        ),
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="Wijzigingen vanaf dit moment (ISO 8601 met tijdzone), inclusief.",
            ),
            OpenApiParameter(
                "cursor", str, description="Verder na deze positie (uit `next` of `cursor`)."
            ),
            OpenApiParameter(
                "pageSize",
                {"type": "integer", "minimum": 1, "maximum": 1000},
                description="Aantal wijzigingen per pagina (1-1000, standaard 100).",
            ),
        ],
        responses=serializers.ChangesPageSerializer,
    )
    def get(self, request):
        query = serializers.ChangesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        size = params["pageSize"]
        entries, more = changes(since=params.get("since"), after=params.get("cursor"), limit=size)
        if entries:
            cursor = encode_cursor(entries[-1].pk)
        elif params.get("cursor") is not None:
            cursor = encode_cursor(params["cursor"])
        else:
            # Nothing (more) to read: on from the feed's end as it is now.
            cursor = encode_cursor(latest_entry_id())
        page = {
            "next": self.page_url(cursor, size) if more else None,
            "cursor": cursor,
            "results": [self.entry(change) for change in entries],
        }
        return Response(serializers.ChangesPageSerializer(page).data)

    def page_url(self, cursor, size):
        query = urlencode({"cursor": cursor, "pageSize": size})
        return self.request.build_absolute_uri(f"{reverse('api:changes')}?{query}")

    def entry(self, change):
        url = None
        if change.action != DELETED:
            url = self.request.build_absolute_uri(record_path(change))
        return {
            "type": change.type,
            "uuid": change.record_uuid,
            "id": change.record_id,
            "action": change.action,
            "changed_at": change.changed_at,
            "url": url,
        }

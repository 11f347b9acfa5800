"""Read API for budget lines, subsidies and the annex overview; the public pages that show money.

Pages that combine policy and money (a document with its annex, a program with its budget lines
and subsidies) live here because `budgets` may use `programs`, never the reverse.
"""

from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from programs.changes import DELETED, changes
from programs.models import Action, Commitment, Document, Indicator, Organisation, Program
from programs.renderers import CSVRenderer, csv_response
from programs.tables import render_with_tables
from programs.views import (
    DocumentViewSet,
    PublicIdLookupMixin,
    RecordViewSet,
    commitments_for,
    public_id_parameter,
)

from . import filters, opendata, search, serializers
from .dashboard import Dashboard
from .feeds import FEED_TYPES, record_path
from .models import BudgetLine, Subsidy, document_overview


@public_id_parameter("sterke-maakindustrie-2015-1")
class BudgetLineViewSet(PublicIdLookupMixin, RecordViewSet):
    model = BudgetLine
    serializer_class = serializers.BudgetLineSerializer
    filterset_class = filters.BudgetLineFilter
    search_fields = ["label", "program__name", "note"]

    def get_queryset(self):
        return self.visible().select_related("document", "program")

    @extend_schema(
        summary="Totaal van de begrotingsposten",
        description=(
            "De som van de bedragen en het aantal PM-posten en posten op kosten van derden "
            "(geteld, nooit opgeteld) van de posten die de filters kiezen: dezelfde filters en "
            "dezelfde cijfers als het dashboard op de startpagina."
        ),
        responses=serializers.TotalsSerializer,
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

    def get_queryset(self):
        return self.visible().select_related("instrument", "recipient", "source")

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


class ChangesView(APIView):
    """`/api/v1/changes`: what changed in the public data, for systems that keep a copy."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="changes_list",
        summary="Wijzigingen in de openbare gegevens",
        description=(
            "Nieuwe, gewijzigde en verwijderde openbare records van alle soorten, op volgorde "
            "van wijziging (tijd, soort, historie-id). `deleted` betekent: niet meer openbaar "
            "(verwijderd of terug naar concept); verwijder het record dan uit uw kopie. Een "
            "gewijzigd id (slug) komt als `deleted` van het oude en `created` van het nieuwe. "
            "Begin met `since`, lees verder met `next`; bewaar `cursor` om later verder te "
            "lezen. Concepten verschijnen nooit."
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
                int,
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
        entries, more = changes(
            FEED_TYPES, since=params.get("since"), after=params.get("cursor"), limit=size
        )
        cursor = entries[-1].position.encode() if entries else None
        if cursor is None and params.get("cursor"):
            cursor = params["cursor"].encode()
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
            "id": change.id,
            "action": change.action,
            "changed_at": change.changed_at,
            "url": url,
        }


# Public pages


def home(request):
    """The dashboard: what it costs, what is open, what came of it, under the URL's filters."""
    dashboard = Dashboard(request)
    totals = BudgetLine.objects.visible_to(request.user).totals_per_document()
    documents = Document.objects.visible_to(request.user).filter(pk__in=list(totals))
    context = {
        "dashboard": dashboard,
        "documents": [(document, totals[document.pk]) for document in documents],
    }
    return render_with_tables(
        request,
        "home.html",
        context,
        dashboard.tables,
        filename="dashboard",
        status=200 if dashboard.is_valid else 400,
    )


def document_detail(request, slug):
    user = request.user
    document = get_object_or_404(
        Document.objects.visible_to(user).select_related("issuer"), slug=slug
    )
    context = {
        "document": document,
        "overview": document_overview(document, user),
        "commitments": Commitment.objects.visible_to(user).filter(fulfilled_by=document),
        "indicators": Indicator.objects.visible_to(user)
        .filter(source=document)
        .select_related("program"),
        "actions": Action.objects.visible_to(user)
        .filter(source=document)
        .select_related("owner", "program"),
    }
    return render(request, "budgets/document_detail.html", context)


def program_list(request):
    programs = (
        Program.objects.visible_to(request.user)
        .top_level()
        .prefetch_related("children")
        .select_related("program_line")
    )
    return render(request, "budgets/program_list.html", {"programs": programs})


def program_detail(request, slug):
    user = request.user
    program = get_object_or_404(
        Program.objects.visible_to(user).select_related(
            "parent", "program_line__budget_program", "source"
        ),
        slug=slug,
    )
    budget_lines = (
        BudgetLine.objects.visible_to(user).filter(program=program).select_related("document")
    )
    context = {
        "program": program,
        "citation": program.citation_for(user),
        "parent": program.parent if program.parent and program.parent.is_visible_to(user) else None,
        "children": program.children.visible_to(user),
        "budget_lines": budget_lines,
        "totals": budget_lines.totals(),
        "subsidies": Subsidy.objects.visible_to(user)
        .filter(Q(instrument=program) | Q(instrument__parent=program))
        .select_related("recipient", "instrument"),
        "indicators": program.indicators.visible_to(user),
        "roles": program.roles.visible_to(user).select_related("organisation"),
        "themes": program.themes.visible_to(user),
        "commitments": program.commitments.visible_to(user),
        "actions": program.actions.visible_to(user),
    }
    return render(request, "budgets/program_detail.html", context)


def organisation_detail(request, slug):
    user = request.user
    organisation = get_object_or_404(Organisation.objects.visible_to(user), slug=slug)
    context = {
        "organisation": organisation,
        "citation": organisation.citation_for(user),
        "roles": organisation.roles.visible_to(user).select_related("program"),
        "subsidies": Subsidy.objects.visible_to(user)
        .filter(recipient=organisation)
        .select_related("instrument"),
    }
    return render(request, "budgets/organisation_detail.html", context)


def commitment_detail(request, public_id):
    """A commitment and its chain: who carries it out, with what money, and how it was settled."""
    user = request.user
    try:
        commitment = commitments_for(user).get_by_public_id(public_id)
    except Commitment.DoesNotExist:
        raise Http404 from None
    actions = commitment.actions.all()
    programs = (
        Program.objects.visible_to(user)
        .filter(Q(commitments=commitment) | Q(actions__in=actions))
        .distinct()
    )
    context = {
        "commitment": commitment,
        "citation": commitment.citation_for(user),
        "fulfilled_by": visible_or_none(commitment.fulfilled_by, user),
        "meeting": visible_or_none(commitment.meeting, user),
        "actions": actions,
        "programs": programs,
        "budget_lines": BudgetLine.objects.visible_to(user)
        .filter(program__in=programs)
        .select_related("program", "document"),
        "subsidies": Subsidy.objects.visible_to(user)
        .filter(Q(instrument__in=programs) | Q(instrument__parent__in=programs))
        .select_related("instrument", "recipient"),
    }
    return render(request, "budgets/commitment_detail.html", context)


def search_page(request):
    """`/zoeken?q=...`: every type of record the reader may see, grouped by type and ranked."""
    query = request.GET.get("q", "").strip()
    searchable = search.is_searchable(query)
    groups = search.search_site(query, request.user) if searchable else []
    context = {
        "query": query,
        "searchable": searchable,
        "too_long": len(query) > search.MAX_QUERY_LENGTH,
        "min_length": search.MIN_QUERY_LENGTH,
        "max_length": search.MAX_QUERY_LENGTH,
        "groups": groups,
        "total": sum(group.total for group in groups),
    }
    return render(request, "budgets/search.html", context)


def visible_or_none(record, user):
    return record if record is not None and record.is_visible_to(user) else None

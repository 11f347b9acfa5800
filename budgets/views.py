"""Read API for budget lines, subsidies and the annex overview; the public pages that show money.

Pages that combine policy and money (a document with its annex, a program with its budget lines
and subsidies) live here because `budgets` may use `programs`, never the reverse.
"""

from collections import defaultdict
from collections.abc import Sequence
from operator import attrgetter
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from programs.changes import DELETED, changes
from programs.filters import ProgramFilter, filter_form, typed_when_many
from programs.models import (
    Commitment,
    Document,
    Indicator,
    Organisation,
    Program,
    ProgramOrganisation,
    Theme,
    count_of,
)
from programs.renderers import CSVRenderer, csv_response
from programs.tables import (
    Column,
    Table,
    count_column,
    money_column,
    record_column,
    render_with_tables,
)
from programs.views import (
    DocumentViewSet,
    PublicIdLookupMixin,
    RecordViewSet,
    action_table,
    actions_for,
    citation_column,
    commitment_table,
    commitments_for,
    indicator_table,
    program_table,
    public_id_parameter,
    visible_or_none,
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
#
# Every table is a `programs.tables.Table`: shown by `_table.html`, downloaded as CSV or XLSX
# with `?tabel=<name>&format=...` on the same URL.


# The start page lists the newest documents with an annex; the API lists them all.
DOCUMENTS_LISTED = 20


def home(request):
    """The dashboard: what it costs, what is open, what came of it, under the URL's filters."""
    dashboard = Dashboard(request)
    documents, count = BudgetLine.objects.visible_to(request.user).annexes(
        request.user, DOCUMENTS_LISTED
    )
    context = {
        "dashboard": dashboard,
        "documents": documents,
        "more_documents": max(count - DOCUMENTS_LISTED, 0),
    }
    return render_with_tables(
        request,
        "home.html",
        context,
        dashboard.tables,
        filename="dashboard",
        status=200 if dashboard.is_valid else 400,
    )


def totals_footer(totals, width):
    """`Totaal (1 post op kosten van derden) … € 77,57 mln + 6 × PM`: PM counted, never summed."""
    label = _("Totaal")
    if totals.external_count:
        label = ngettext(
            "Totaal (%(count)s post op kosten van derden)",
            "Totaal (%(count)s posten op kosten van derden)",
            totals.external_count,
        ) % {"count": totals.external_count}
    return [label, *[None] * (width - 2), totals.label]


def contribution_column(header):
    """`€ 8,9 mln` (8900000 in a spreadsheet), `PM`, `op kosten EU`."""
    return money_column(header, attrgetter("amount"), attrgetter("contribution_label"))


def annex_table(overview, user):
    """A document's annex in the document's order, with its totals as the footer."""

    def program_page(line):
        program = visible_or_none(line.program, user)
        return program.get_absolute_url() if program else None

    columns = [
        # The row as the document names it, linked to its program where that is public.
        Column(_("Programma of maatregel"), attrgetter("label"), link=program_page),
        Column(_("Rij"), attrgetter("position"), numeric=True),
        contribution_column(_("Provinciale bijdrage")),
    ]
    return Table(
        "bijlage",
        _("Provinciale bijdrage per programma en maatregel, in de volgorde van het document"),
        columns,
        overview.rows,
        footer=totals_footer(overview.totals, len(columns)),
    )


def budget_line_table(lines, user, *, caption, totals=None, with_program=True):
    """Budget lines with the document (and row) they come from; select `document`, `program`."""

    def source(line):
        return ", ".join(filter(None, [line.document.title, line.source_locator]))

    columns = [
        Column(_("Post"), attrgetter("label")),
        record_column(_("Programma"), attrgetter("program"), user, text=attrgetter("name")),
        Column(_("Bron"), source, link=lambda line: line.document.get_absolute_url()),
        contribution_column(_("Bijdrage")),
    ]
    if not with_program:
        del columns[1]
    footer = totals_footer(totals, len(columns)) if totals is not None else None
    return Table(
        "begrotingsposten",
        caption,
        columns,
        lines,
        footer=footer,
        empty=_("Geen begrotingsposten bekend."),
    )


def subsidy_table(subsidies, user, *, caption):
    """Subsidies with recipient, instrument and amounts; select those and `source`."""

    def unknown(subsidy):
        return _("onbekend")

    columns = [
        record_column(_("Ontvanger"), attrgetter("recipient"), user, text=attrgetter("name")),
        record_column(_("Regeling"), attrgetter("instrument"), user, text=attrgetter("name")),
        Column(_("Status"), lambda subsidy: subsidy.get_status_display()),
        money_column(_("Verleend"), attrgetter("granted_amount"), unknown),
        money_column(_("Projectvolume"), attrgetter("project_volume"), unknown),
        citation_column(user),
    ]
    return Table("subsidies", caption, columns, subsidies, empty=_("Geen subsidies bekend."))


def role_table(roles, user, *, of, caption):
    """Who plays which role in which program; `of` names the other side: `organisation` or
    `program`. Select it and `source`."""
    header = _("Organisatie") if of == "organisation" else _("Programma")
    columns = [
        record_column(header, attrgetter(of), user, text=attrgetter("name")),
        Column(_("Rol"), lambda role: role.get_role_display()),
        Column(_("Toelichting"), attrgetter("note")),
        citation_column(user),
    ]
    return Table("rollen", caption, columns, roles, empty=_("Geen rollen bekend."))


def document_detail(request, slug):
    user = request.user
    document = get_object_or_404(
        Document.objects.visible_to(user).select_related("issuer"), slug=slug
    )
    overview = document_overview(document, user)
    indicators = (
        Indicator.objects.visible_to(user)
        .filter(source=document)
        .select_related("program", "source")
    )
    tables = [
        annex_table(overview, user),
        indicator_table(indicators, user, caption=_("Kengetallen uit dit document")),
        action_table(
            actions_for(user).filter(source=document),
            user,
            caption=_("Acties aangekondigd in dit document"),
        ),
    ]
    context = {
        "document": document,
        "overview": overview,
        "commitments": Commitment.objects.visible_to(user).filter(fulfilled_by=document),
    }
    return render_with_tables(
        request, "budgets/document_detail.html", context, tables, filename=document.slug
    )


def in_tree_order(pairs):
    """Primary keys from (pk, parent_id) pairs, each program followed by its parts (as far as
    they are among the pairs), depth first."""
    known = {pk for pk, _parent in pairs}
    parts = defaultdict(list)
    for pk, parent in pairs:
        parts[parent if parent in known else None].append(pk)
    ordered = []

    def visit(parent):
        for pk in parts[parent]:
            ordered.append(pk)
            visit(pk)

    visit(None)
    return ordered


#: Programs read per query when a download reads them all.
CHUNK_SIZE = 500


class ProgramTree(Sequence):
    """`programs` (a QuerySet) in tree order; a slice reads only its own programs, so a page
    of the list reads one page of records."""

    def __init__(self, programs):
        self.programs = programs
        self.keys = in_tree_order(list(programs.values_list("pk", "parent_id")))

    def __len__(self):
        return len(self.keys)

    def __getitem__(self, index):
        if isinstance(index, slice):
            keys = self.keys[index]
            found = self.programs.in_bulk(keys)
            return [found[pk] for pk in keys if pk in found]
        return self[index : index + 1][0] if index >= 0 else self[len(self) + index]

    def __iter__(self):
        # A download reads every program, a few hundred per query.
        for start in range(0, len(self), CHUNK_SIZE):
            yield from self[start : start + CHUNK_SIZE]


# The overview's filters: the dashboard's, and the kind of program.
PROGRAM_FORM_FIELDS = (
    "theme",
    "programLine",
    "organisation",
    "kind",
    "status",
    "periodFrom",
    "periodUntil",
)


def program_list(request):
    """`/programmas`: every program followed by its parts, under the API's filters."""
    user = request.user
    filterset = ProgramFilter(
        request.GET,
        queryset=Program.objects.visible_to(user).select_related("parent", "source"),
        request=request,
    )
    typed_when_many(filterset.form, PROGRAM_FORM_FIELDS)
    valid = filterset.is_valid()
    programs = ProgramTree(filterset.qs) if valid else []
    caption = ngettext(
        "%(count)s programma of regeling, elk gevolgd door zijn onderdelen",
        "%(count)s programma's en regelingen, elk gevolgd door zijn onderdelen",
        len(programs),
    ) % {"count": len(programs)}
    return render_with_tables(
        request,
        "budgets/program_list.html",
        filter_form(filterset, request, PROGRAM_FORM_FIELDS),
        [program_table(programs, user, caption=caption)],
        filename="programmas",
        status=200 if valid else 400,
    )


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
    subsidies = (
        Subsidy.objects.visible_to(user)
        .filter(instrument__in=Program.objects.filter(pk=program.pk).keys_with_parts())
        .select_related("recipient", "instrument", "source")
    )
    commitments = (
        program.commitments.visible_to(user).with_flags().select_related("source").by_deadline()
    )
    tables = [
        budget_line_table(
            budget_lines,
            user,
            caption=_("Bijdragen aan dit programma"),
            totals=budget_lines.totals(),
            with_program=False,
        ),
        subsidy_table(
            subsidies, user, caption=_("Subsidies onder deze regeling en haar onderdelen")
        ),
        indicator_table(
            program.indicators.visible_to(user).select_related("program", "source"),
            user,
            caption=_("Kengetallen van dit programma"),
        ),
        role_table(
            program.roles.visible_to(user).select_related("organisation", "source"),
            user,
            of="organisation",
            caption=_("Organisaties en hun rol"),
        ),
        commitment_table(commitments, user, caption=_("Toezeggingen en moties over dit programma")),
        action_table(
            actions_for(user).filter(program=program),
            user,
            caption=_("Acties binnen dit programma"),
        ),
    ]
    context = {
        "program": program,
        "citation": program.citation_for(user),
        "parent": visible_or_none(program.parent, user),
        "children": program.children.visible_to(user),
        "themes": program.themes.visible_to(user),
    }
    return render_with_tables(
        request, "budgets/program_detail.html", context, tables, filename=program.slug
    )


def organisation_list(request):
    """`/organisaties`: every organisation, with its programs and the subsidies it received."""
    user = request.user
    organisations = Organisation.objects.visible_to(user).annotate(
        program_count=count_of(
            ProgramOrganisation.objects.visible_to(user), "organisation", distinct="program"
        ),
        subsidy_count=count_of(Subsidy.objects.visible_to(user), "recipient"),
    )
    columns = [
        Column(
            _("Organisatie"),
            attrgetter("name"),
            link=lambda organisation: organisation.get_absolute_url(),
        ),
        Column(_("Afkorting"), attrgetter("abbreviation")),
        Column(_("Soort"), lambda organisation: organisation.get_kind_display()),
        Column(_("Plaats"), attrgetter("place")),
        count_column(_("Programma's"), attrgetter("program_count")),
        count_column(_("Subsidies"), attrgetter("subsidy_count")),
    ]
    table = Table(
        "organisaties",
        _("Organisaties: partners, ontvangers, campussen en overheden"),
        columns,
        organisations,
        empty=_("Geen organisaties."),
    )
    return render_with_tables(
        request, "budgets/organisation_list.html", {}, [table], filename="organisaties"
    )


def organisation_detail(request, slug):
    user = request.user
    organisation = get_object_or_404(
        Organisation.objects.visible_to(user).select_related("source"), slug=slug
    )
    subsidies = (
        Subsidy.objects.visible_to(user)
        .filter(recipient=organisation)
        .select_related("recipient", "instrument", "source")
    )
    tables = [
        role_table(
            organisation.roles.visible_to(user).select_related("program", "source"),
            user,
            of="program",
            caption=_("Rol in programma's"),
        ),
        subsidy_table(subsidies, user, caption=_("Subsidies aan deze organisatie")),
        action_table(
            actions_for(user).filter(owner=organisation),
            user,
            caption=_("Acties waarvan deze organisatie eigenaar is"),
        ),
    ]
    context = {"organisation": organisation, "citation": organisation.citation_for(user)}
    return render_with_tables(
        request, "budgets/organisation_detail.html", context, tables, filename=organisation.slug
    )


def commitment_detail(request, public_id):
    """A commitment and its chain: who carries it out, with what money, and how it was settled."""
    user = request.user
    try:
        commitment = commitments_for(user).get_by_public_id(public_id)
    except Commitment.DoesNotExist:
        raise Http404 from None
    actions = list(actions_for(user).filter(commitments=commitment))
    programs = (
        Program.objects.visible_to(user)
        .filter(Q(commitments=commitment) | Q(actions__in=[action.pk for action in actions]))
        .distinct()
    )
    changes = Table(
        "termijnwijzigingen",
        _("Elke wijziging van de termijn, met reden"),
        [
            Column(_("Gewijzigd op"), lambda change: date_format(change.changed_at, "j F Y")),
            Column(_("Van"), lambda change: change.old_label()),
            Column(_("Naar"), lambda change: change.new_label()),
            Column(_("Reden"), attrgetter("reason")),
        ],
        commitment.deadline_changes.all(),
    )
    tables = [
        changes,
        action_table(actions, user, caption=_("Acties die deze toezegging of motie uitvoeren")),
        budget_line_table(
            BudgetLine.objects.visible_to(user)
            .filter(program__in=programs)
            .select_related("program", "document"),
            user,
            caption=_("Begrotingsposten van deze programma's"),
        ),
        subsidy_table(
            Subsidy.objects.visible_to(user)
            .filter(instrument__in=programs.keys_with_parts())
            .select_related("instrument", "recipient", "source"),
            user,
            caption=_("Subsidies onder deze programma's"),
        ),
    ]
    context = {
        "commitment": commitment,
        "citation": commitment.citation_for(user),
        "fulfilled_by": visible_or_none(commitment.fulfilled_by, user),
        "meeting": visible_or_none(commitment.meeting, user),
        "programs": programs,
    }
    return render_with_tables(
        request,
        "budgets/commitment_detail.html",
        context,
        tables,
        filename=commitment.public_id,
    )


def theme_detail(request, slug):
    """A theme: its programs, actions, commitments and key figures, and what its programs cost."""
    user = request.user
    theme = get_object_or_404(Theme.objects.visible_to(user), slug=slug)
    budget_lines = (
        BudgetLine.objects.visible_to(user)
        .filter(program__themes=theme)
        .select_related("program", "document")
    )
    totals = budget_lines.totals()
    commitments = (
        Commitment.objects.visible_to(user)
        .filter(themes=theme)
        .with_flags()
        .select_related("source")
        .by_deadline()
    )
    tables = [
        program_table(
            theme.programs.visible_to(user).select_related("parent", "source"),
            user,
            caption=_("Programma's met dit thema"),
        ),
        budget_line_table(
            budget_lines,
            user,
            caption=_("Begrotingsposten van de programma's met dit thema"),
            totals=totals,
        ),
        action_table(
            actions_for(user).filter(themes=theme), user, caption=_("Acties met dit thema")
        ),
        commitment_table(commitments, user, caption=_("Toezeggingen en moties met dit thema")),
        indicator_table(
            Indicator.objects.visible_to(user)
            .filter(themes=theme)
            .select_related("program", "source"),
            user,
            caption=_("Kengetallen bij dit thema"),
        ),
    ]
    context = {"theme": theme, "totals": totals}
    return render_with_tables(
        request, "budgets/theme_detail.html", context, tables, filename=f"thema-{theme.slug}"
    )


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

"""The public site: the dashboard, the lists and the pages of documents, programs, themes,
organisations, actions and commitments, search, and the accessibility statement. Pages that
combine the domain apps live here; the apps never import this one."""

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from functools import cache, wraps
from operator import attrgetter
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, F, Q, Sum
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from budgets import search
from budgets.models import BudgetLine, BudgetTotal, Subsidy, document_overview
from budgets.tables import annex_table, budget_line_table, subsidy_table
from common.formats import format_money
from common.tables import (
    Column,
    Table,
    count_column,
    date_column,
    fuzzy_date_column,
    record_column,
    render_with_tables,
)
from programs import feeds, filters
from programs.filters import ProgramFilter, filter_form, typed_when_many
from programs.forms import ReminderListForm
from programs.models import (
    Action,
    Commitment,
    Document,
    Indicator,
    Meeting,
    Organisation,
    Program,
    ProgramOrganisation,
    Settlement,
    Theme,
    count_of,
)
from programs.tables import (
    action_table,
    commitment_table,
    indicator_table,
    program_table,
    reminder_table,
    role_table,
    status_counts,
    visible_or_none,
)
from programs.views import commitments_for, register_rows_for, reminder_rows_for

from .dashboard import Dashboard

# The WCAG success criteria the browser tests check, as axe-core names them.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")


@cache
def tool_versions():
    """The versions of the test tools, read from the files that pin them.

    axe-core from package-lock.json (what `npm ci` installs), Playwright from
    requirements-dev.txt. None when a file is missing, so the page never shows a guess.
    """
    base = Path(settings.BASE_DIR)
    versions = {"axe_core": None, "playwright": None}
    try:
        lock = json.loads((base / "package-lock.json").read_text(encoding="utf-8"))
        versions["axe_core"] = lock["packages"]["node_modules/axe-core"]["version"]
    except (OSError, ValueError, KeyError):
        pass
    try:
        pins = (base / "requirements-dev.txt").read_text(encoding="utf-8")
    except OSError:
        pins = ""
    match = re.search(r"^playwright==(\S+)", pins, re.M)
    if match:
        versions["playwright"] = match.group(1)
    return versions


def favicon(request):
    """The page icon, for what asks its old address (the admin's pages, feed readers). Found
    when asked, not when the URLs load: its static name is known once the files are collected."""
    return redirect(static("favicon.svg"))


def accessibility_statement(request):
    context = {
        **tool_versions(),
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
    }
    return render(request, "accessibility.html", context)


def former_addresses(model):
    """A record's page that answers a former address (an old slug or id) or the record's uuid
    with a permanent redirect to its page now, for the records the reader may see."""

    def decorate(view):
        @wraps(view)
        def answer(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except Http404:
                (address,) = [*args, *kwargs.values()]
                record = model.objects.visible_to(request.user).formerly_at(address)
                # At its own address the record is there, and the 404 is about something else
                # (a page of a list past its end).
                if record is None or record.get_absolute_url() == request.path:
                    raise
                return redirect(record, permanent=True)

        return answer

    return decorate


def actions_for(user):
    """Actions as `user` may read them, with what their tables show."""
    return Action.objects.visible_to(user).select_related("owner", "program", "source")


#: The register's short form; the other filters fold away under "Meer filters".
COMMITMENT_FORM_FIELDS = ("status", "kind", "theme", "portfolioHolder", "search")


def commitment_list(request):
    """The public register: the API's filters as a shareable URL, counts per status, the most
    urgent first (overdue, due soon, open by deadline, then the rest)."""
    user = request.user
    filterset = filters.CommitmentPageFilter(
        request.GET, queryset=register_rows_for(user), request=request
    )
    form = filters.typed_when_many(filterset.form)
    # The page says what open means next to the counts; the API's description keeps it.
    form.fields["status"].help_text = ""
    if answer := filters.answer_by_name(form, request):
        return answer
    ordering = form.fields["ordering"]
    ordering.choices = [
        ("", _("Eerst wat verstreken is of binnenkort verstrijkt")),
        *ordering.choices[1:],
    ]
    valid = filterset.is_valid()
    commitments = filterset.qs if valid else Commitment.objects.none()
    if valid and not form.cleaned_data["ordering"] and not form.cleaned_data["search"]:
        commitments = commitments.by_urgency()
    other_filters = request.GET.copy()
    for parameter in ("status", *filters.NOT_FILTERS):
        other_filters.pop(parameter, None)
    without_status = filters.CommitmentPageFilter(
        {key: value for key, value in request.GET.items() if key != "status"},
        queryset=register_rows_for(user),
        request=request,
    )
    counts = without_status.qs.status_counts() if valid else {}
    table = commitment_table(commitments, user, caption=_("Toezeggingen en moties"))
    more = [name for name in form.fields if name not in COMMITMENT_FORM_FIELDS]
    context = {
        **filters.filter_form(filterset, request, COMMITMENT_FORM_FIELDS, more),
        "status_counts": status_counts(counts, with_open=True),
        "on_hold_count": counts.get("on_hold", 0),
        # With one portfolio holder chosen, the page offers to follow them.
        "portfolio_holder": valid and form.cleaned_data.get("portfolioHolder"),
        "query": request.GET.urlencode(),
        # The counts' links replace the status filter and keep the others.
        "status_query": other_filters.urlencode(),
    }
    return render_with_tables(
        request,
        "website/commitment_list.html",
        context,
        [table],
        filename="toezeggingen",
        status=200 if valid else 400,
    )


def reminder_list(request):
    """The rappellijst for a committee meeting: what is due by its date, and what awaits a decision.

    `?vergadering=<slug>` takes the meeting's date, `?datum=JJJJ-MM-DD` any date (default
    today); `?tabel=rappellijst&format=csv` or `xlsx` downloads the same rows, and so does the
    older `?format=csv` without a table.
    """
    user = request.user
    form = filters.typed_when_many(
        ReminderListForm(request.GET, meetings=Meeting.objects.visible_to(user))
    )
    if answer := filters.answer_by_name(form, request):
        return answer
    if not form.is_valid():
        context = {"form": form}
        return render_with_tables(
            request, "website/reminder_list.html", context, [], filename="rappellijst", status=400
        )
    day = form.day()
    pending = Settlement.objects.visible_to(user).pending()
    commitments = reminder_rows_for(user).reminder_list(day, pending)
    meeting = form.cleaned_data["vergadering"]
    context = {"form": form, "day": day, "meeting": meeting}
    return render_with_tables(
        request,
        "website/reminder_list.html",
        context,
        [reminder_table(commitments, day, user)],
        filename=f"rappellijst-{day.isoformat()}",
        default_table="rappellijst",
        full_list_heading=_("Rappellijst: %(for)s") % {"for": meeting or date_format(day, "j F Y")},
    )


def deadline_calendar(request):
    """`/termijnen.ics`: the deadlines of public commitments and actions, as iCalendar."""
    try:
        calendar = feeds.deadline_calendar(request)
    except feeds.UnreadableFilter as refused:
        lines = [f"{name}: {' '.join(errors)}" for name, errors in refused.errors.items()]
        return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="termijnen.ics"'
    return response


def theme_list(request):
    """`/themas`: every theme with how many programs, actions and commitments carry it."""
    user = request.user
    themes = Theme.objects.visible_to(user).annotate(
        program_count=count_of(Program.objects.visible_to(user), "themes"),
        action_count=count_of(Action.objects.visible_to(user), "themes"),
        commitment_count=count_of(Commitment.objects.visible_to(user), "themes"),
    )

    def filtered(url_name):
        return lambda theme: f"{reverse(url_name)}?{urlencode({'theme': theme.slug})}"

    columns = [
        Column(_("Thema"), attrgetter("name"), link=lambda theme: theme.get_absolute_url()),
        count_column(_("Programma's"), attrgetter("program_count")),
        count_column(_("Acties"), attrgetter("action_count"), link=filtered("action-list")),
        count_column(
            _("Toezeggingen en moties"),
            attrgetter("commitment_count"),
            link=filtered("commitment-list"),
        ),
    ]
    table = Table(
        "themas", _("Thema's, met wat erbij hoort"), columns, themes, empty=_("Geen thema's.")
    )
    return render_with_tables(request, "website/theme_list.html", {}, [table], filename="themas")


#: The filters the list of actions shows as a form; the others work in the URL too.
ACTION_FORM_FIELDS = (
    "status",
    "theme",
    "owner",
    "program",
    "programLine",
    "organisation",
    "periodFrom",
    "periodUntil",
    "ordering",
)


def action_list(request):
    """`/acties`: every action, filtered by the API's filters in a shareable URL."""
    user = request.user
    filterset = filters.ActionFilter(request.GET, queryset=actions_for(user), request=request)
    # The form offers only what some action the reader may see carries.
    visible_actions = Action.objects.visible_to(user)
    for name, model in (("theme", Theme), ("owner", Organisation), ("program", Program)):
        filterset.form.fields[name].queryset = (
            model.objects.visible_to(user).filter(actions__in=visible_actions).distinct()
        )
    filters.typed_when_many(filterset.form, ACTION_FORM_FIELDS)
    if answer := filters.answer_by_name(filterset.form, request):
        return answer
    valid = filterset.is_valid()
    actions = filterset.qs if valid else Action.objects.none()
    return render_with_tables(
        request,
        "website/action_list.html",
        filters.filter_form(filterset, request, ACTION_FORM_FIELDS),
        [action_table(actions, user, caption=_("Acties"))],
        filename="acties",
        status=200 if valid else 400,
    )


@former_addresses(Action)
def action_detail(request, slug):
    """An action: who carries it out, in which program, for which commitments, from which source."""
    user = request.user
    action = get_object_or_404(actions_for(user), slug=slug)
    commitments = (
        action.commitments.visible_to(user).with_flags().select_related("source").by_deadline()
    )
    table = commitment_table(
        commitments, user, caption=_("Toezeggingen en moties die deze actie uitvoert")
    )
    context = {
        "action": action,
        "citation": action.citation_for(user),
        "owner": visible_or_none(action.owner, user),
        "program": visible_or_none(action.program, user),
        "themes": action.themes.visible_to(user),
    }
    return render_with_tables(
        request, "website/action_detail.html", context, [table], filename=f"actie-{slug}"
    )


# The start page lists the newest documents with an annex; the API lists them all.
DOCUMENTS_LISTED = 20


def home(request):
    """The dashboard: what it costs, what is open, what came of it, under the URL's filters."""
    dashboard = Dashboard(request)
    if answer := filters.answer_by_name(dashboard.programs.form, request):
        return answer
    documents, count = BudgetTotal.objects.visible_to(request.user).annexes(
        request.user, DOCUMENTS_LISTED
    )
    context = {
        "dashboard": dashboard,
        "active_filters": dashboard.active_filters(),
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


#: The filters the list of documents shows as a form.
DOCUMENT_FORM_FIELDS = ("kind", "year", "issuer", "ordering")


def document_list(request):
    """`/documenten`: every document the reader may see, newest first, filtered as the API's
    list is (`kind`, `year`, `issuer`)."""
    user = request.user
    # Undated documents last on every database (PostgreSQL sorts NULL first when descending).
    documents = (
        Document.objects.visible_to(user)
        .select_related("issuer")
        .order_by(F("date_date").desc(nulls_last=True), "title", "pk")
    )
    filterset = filters.DocumentFilter(request.GET, queryset=documents, request=request)
    # The form offers only the issuers of documents the reader may see.
    filterset.form.fields["issuer"].queryset = (
        Organisation.objects.visible_to(user).filter(documents_issued__in=documents).distinct()
    )
    filters.typed_when_many(filterset.form, DOCUMENT_FORM_FIELDS)
    if answer := filters.answer_by_name(filterset.form, request):
        return answer
    valid = filterset.is_valid()
    columns = [
        Column(_("Document"), attrgetter("title"), link=Document.get_absolute_url),
        Column(_("Soort"), lambda document: document.get_kind_display()),
        fuzzy_date_column(_("Datum"), attrgetter("date")),
        record_column(_("Uitgever"), attrgetter("issuer"), user, text=attrgetter("name")),
        Column(_("Kenmerk of nummer"), attrgetter("reference")),
    ]
    table = Table(
        "documenten",
        _("Documenten, nieuwste eerst"),
        columns,
        filterset.qs if valid else Document.objects.none(),
        empty=_("Geen documenten."),
    )
    return render_with_tables(
        request,
        "website/document_list.html",
        filters.filter_form(filterset, request, DOCUMENT_FORM_FIELDS),
        [table],
        filename="documenten",
        status=200 if valid else 400,
    )


@former_addresses(Document)
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
        request, "website/document_detail.html", context, tables, filename=document.slug
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
    if answer := filters.answer_by_name(filterset.form, request):
        return answer
    valid = filterset.is_valid()
    programs = ProgramTree(filterset.qs) if valid else []
    caption = ngettext(
        "%(count)s programma of regeling, elk gevolgd door zijn onderdelen",
        "%(count)s programma's en regelingen, elk gevolgd door zijn onderdelen",
        len(programs),
    ) % {"count": len(programs)}
    return render_with_tables(
        request,
        "website/program_list.html",
        filter_form(filterset, request, PROGRAM_FORM_FIELDS),
        [program_table(programs, user, caption=caption)],
        filename="programmas",
        status=200 if valid else 400,
    )


@former_addresses(Program)
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
        request, "website/program_detail.html", context, tables, filename=program.slug
    )


#: The filters the list of organisations shows as a form.
ORGANISATION_FORM_FIELDS = ("search", "kind")


def organisation_list(request):
    """`/organisaties`: every organisation, with its programs and the subsidies it received;
    searched by name or place, filtered by kind and by the API's other filters."""
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
    filterset = filters.OrganisationPageFilter(request.GET, queryset=organisations, request=request)
    valid = filterset.is_valid()
    table = Table(
        "organisaties",
        _("Organisaties: partners, ontvangers, campussen en overheden"),
        columns,
        filterset.qs if valid else Organisation.objects.none(),
        empty=_("Geen organisaties."),
    )
    return render_with_tables(
        request,
        "website/organisation_list.html",
        filters.filter_form(filterset, request, ORGANISATION_FORM_FIELDS),
        [table],
        filename="organisaties",
        status=200 if valid else 400,
    )


@former_addresses(Organisation)
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
        request, "website/organisation_detail.html", context, tables, filename=organisation.slug
    )


@former_addresses(Commitment)
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
            date_column(_("Gewijzigd op"), attrgetter("changed_at")),
            Column(_("Van"), lambda change: change.old_label()),
            Column(_("Naar"), lambda change: change.new_label()),
            Column(_("Reden"), attrgetter("reason")),
        ],
        commitment.deadline_changes.all(),
    )
    budget_lines = BudgetLine.objects.visible_to(user).filter(program__in=programs)
    subsidies = Subsidy.objects.visible_to(user).filter(instrument__in=programs.keys_with_parts())
    budget_totals = budget_lines.totals()
    tables = [
        changes,
        action_table(actions, user, caption=_("Acties die deze toezegging of motie uitvoeren")),
        # Summarised on the page, each whole under "?tabel=" and in the downloads.
        budget_line_table(
            budget_lines.select_related("program", "document"),
            user,
            caption=_("Begrotingsposten van deze programma's"),
            totals=budget_totals,
        ),
        subsidy_table(
            subsidies.select_related("instrument", "recipient", "source"),
            user,
            caption=_("Subsidies onder deze programma's"),
        ),
    ]
    granted = subsidies.aggregate(count=Count("pk"), amount=Sum("granted_amount"))
    context = {
        "budget_line_count": budget_lines.count(),
        "budget_totals": budget_totals,
        "subsidy_count": granted["count"],
        "subsidy_amount": format_money(granted["amount"]) if granted["amount"] else "",
        "commitment": commitment,
        "citation": commitment.citation_for(user),
        "fulfilled_by": visible_or_none(commitment.fulfilled_by, user),
        "meeting": visible_or_none(commitment.meeting, user),
        "programs": programs,
    }
    return render_with_tables(
        request,
        "website/commitment_detail.html",
        context,
        tables,
        filename=commitment.public_id,
    )


@former_addresses(Theme)
def theme_detail(request, slug):
    """A theme: its programs, actions, commitments and key figures, and what its programs cost."""
    user = request.user
    theme = get_object_or_404(Theme.objects.visible_to(user), slug=slug)
    budget_lines = (
        BudgetLine.objects.visible_to(user)
        .filter(program__themes=theme)
        .select_related("program", "document")
    )
    kept = BudgetTotal.objects.visible_to(user).of_programs()
    totals = kept.filter(program__themes=theme).totals()
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
        request, "website/theme_detail.html", context, tables, filename=f"thema-{theme.slug}"
    )


#: Results on one page of a single type's results (`/zoeken?q=...&soort=...`).
SEARCH_RESULTS_PER_PAGE = 50


def search_page(request):
    """`/zoeken?q=...`: every type of record the reader may see, grouped by type and ranked;
    `&soort=<type>` all results of one type, a page at a time (`&pagina=N`)."""
    query = request.GET.get("q", "").strip()
    searchable = search.is_searchable(query)
    kind = request.GET.get("soort")
    if kind is not None and kind not in search.TYPES:
        raise Http404(_("Onbekende soort resultaten."))
    if kind and searchable:
        return search_one_type(request, query, kind)
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
    return render(request, "website/search.html", context)


def search_one_type(request, query, kind):
    """All results of one type for `query`, best first, paged."""
    paginator = Paginator(search.matches_of(kind, query, request.user), SEARCH_RESULTS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("pagina") or 1)
    except PageNotAnInteger:
        return HttpResponseBadRequest(
            _("Paginanummer klopt niet: geef een geheel getal vanaf 1."),
            content_type="text/plain; charset=utf-8",
        )
    except EmptyPage:
        raise Http404(_("Deze pagina bestaat niet.")) from None
    context = {
        "query": query,
        "kind": kind,
        "label": search.TYPES[kind][0],
        "page": page,
        "results": search.results_of(kind, page.object_list, query, request.user),
        "max_length": search.MAX_QUERY_LENGTH,
    }
    return render(request, "website/search_type.html", context)

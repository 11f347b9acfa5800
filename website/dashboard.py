"""The start page's dashboard: what it costs, what is open, what came of it.

Every panel is one filterset of the API over the records the reader may see, built from the
same query keys (`theme`, `programLine`, `organisation`, `programStatus`, `periodFrom`,
`periodUntil`). So a filter narrows every panel, and each figure is what the API answers for
the same URL query (`/api/v1/budget-lines/totals?theme=...`, `/api/v1/commitments?...`).
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from functools import cached_property
from itertools import islice
from operator import attrgetter, itemgetter
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from budgets.filters import BudgetTotalFilter, SubsidyFilter, SubsidyTotalFilter
from budgets.models import (
    BudgetTotal,
    ContributionKind,
    Funder,
    Subsidy,
    SubsidyTotal,
    Totals,
)
from common.caching import cached_query
from common.exports import MONEY
from common.formats import format_money, local_number
from common.fuzzydates import FuzzyDate
from common.tables import Column, Table, count_column, period_column
from programs.filters import (
    ActionFilter,
    CommitmentFilter,
    ProgramFilter,
    active_filters,
    typed_when_many,
)
from programs.models import Action, Commitment, Program, Theme
from programs.tables import status_counts

from . import charts

FILTER_KEYS = ("theme", "programLine", "organisation", "programStatus", "periodFrom", "periodUntil")
# The timeline draws at most this many rows, of which at most TIMELINE_PROGRAMS programs and,
# when coming deadlines are many, TIMELINE_PAST past ones; a contribution chart this many bars
# (the largest). Their tables list them all.
TIMELINE_ROWS = 40
TIMELINE_PROGRAMS = 10
TIMELINE_PAST = 8
# The timeline's window around today, in months.
WINDOW_MONTHS_BEFORE = 12
WINDOW_MONTHS_AFTER = 24
CHART_BARS = 20


class Dashboard:
    """The panels for one reader and one query; each is computed when first asked for."""

    def __init__(self, request):
        self.request = request
        user = request.user
        self.query = {key: request.GET[key] for key in FILTER_KEYS if request.GET.get(key)}
        self.programs = ProgramFilter(
            self.query, queryset=Program.objects.visible_to(user), request=request
        )
        typed_when_many(self.programs.form, FILTER_KEYS)
        # The budget lines' figures come from their kept totals (`BudgetTotal`), never from
        # adding up every line.
        self.budget_totals = BudgetTotalFilter(
            self.query, queryset=BudgetTotal.objects.visible_to(user), request=request
        )
        self.subsidies = SubsidyFilter(
            self.query, queryset=Subsidy.objects.visible_to(user), request=request
        )
        # The register's own rule: a rejected motion is on record, never open.
        self.commitments = CommitmentFilter(
            self.query,
            queryset=Commitment.objects.visible_to(user).with_flags().tracked(),
            request=request,
        )
        self.actions = ActionFilter(
            self.query, queryset=Action.objects.visible_to(user), request=request
        )
        self.filtersets = (
            self.programs,
            self.budget_totals,
            self.subsidies,
            self.commitments,
            self.actions,
        )

    @cached_property
    def is_valid(self):
        return all(filterset.is_valid() for filterset in self.filtersets)

    @property
    def fields(self):
        """The filter form's fields: the program filters carry every dashboard key."""
        return [self.programs.form[key] for key in FILTER_KEYS]

    def active_filters(self):
        """The filters in force, each with a link off; none when a value was refused."""
        return active_filters(self.programs, self.request) if self.is_valid else []

    # Headline figures

    @cached_property
    def contribution(self):
        return self.budget_totals.qs.totals()

    @cached_property
    def program_count(self):
        return self.programs.qs.order_by().cached("program-count", QuerySet.count)

    @cached_property
    def commitment_figures(self):
        return self.commitments.qs.order_by().cached(
            "commitment-figures",
            lambda commitments: commitments.aggregate(
                open=Count("pk", filter=Commitment.OPEN),
                overdue=Count("pk", filter=Q(is_overdue=True)),
                fulfilled=Count("pk", filter=Q(status=Commitment.Status.FULFILLED)),
                total=Count("pk"),
            ),
        )

    @cached_property
    def subsidy_figures(self):
        # From the kept totals, unless an organisation is asked for: they keep no recipient.
        if "organisation" not in self.query:
            kept = SubsidyTotalFilter(
                self.query, queryset=SubsidyTotal.objects.visible_to(self.request.user)
            )
            return with_labels(kept.qs.granted().figures())
        figures = (
            self.subsidies.qs.granted()
            .order_by()
            .cached(
                "subsidy-figures",
                lambda subsidies: subsidies.aggregate(
                    count=Count("pk"),
                    amount=Sum("granted_amount"),
                    volume=Sum("project_volume"),
                    amount_unknown=Count("pk", filter=Q(granted_amount__isnull=True)),
                    volume_unknown=Count("pk", filter=Q(project_volume__isnull=True)),
                ),
            )
        )
        return with_labels(figures)

    # Contribution per program, theme and funder

    def program_totals(self):
        """`[(*PROGRAM_ROW_FIELDS values, amount, PM count, external count)]`, largest first,
        from the cache: plain values (text and numbers, which unpickle several times faster
        than Decimals and objects), since every request reads thousands of rows back and a page
        shows fifty of them, the chart twenty."""
        programs = (
            Program.objects.visible_to(self.request.user)
            .order_by()
            .values_list(*PROGRAM_ROW_FIELDS)
        )
        # The programs are found among the rows over every period, also when a period is asked
        # for: a sixth of the rows, and no program fewer (one without totals gets no row).
        owners = BudgetTotal.objects.visible_to(self.request.user).of_programs()

        def rows(kept):
            # Summed per program, then the fields of the programs summed in a query of their
            # own: half the time of grouping by the fields too (a sort on the names), and no
            # list of thousands of ids.
            summed = programs.filter(pk__in=owners.values("program"))
            rows = ranked(
                kept.grouped("program"),
                {values[PROGRAM_ID]: values for values in summed},
                name=itemgetter(PROGRAM_ROW_FIELDS.index("name")),
            )
            return [(*values, str(t.amount), t.pm_count, t.external_count) for values, t in rows]

        return self.budget_totals.qs.cached("per-program", rows, programs)

    @cached_property
    def per_program(self):
        # A program is made only for a row that is read.
        return LazyRows([(self.program_totals(), program_row)])

    @cached_property
    def per_theme(self):
        themes = Theme.objects.visible_to(self.request.user)

        def rows(_kept):
            # Added up from the rows per program (of the same kept rows), a program under each
            # of its themes and under None without one: a few thousand rows instead of a join
            # of every kept row with the themes of its program. They are read inside this
            # computation, so that the figure depends on what they read too; and every link,
            # two numbers a row, which is cheaper than narrowing the links to those programs.
            themes_of = {}
            for program, theme in Program.themes.through.objects.values_list("program", "theme"):
                themes_of.setdefault(program, []).append(theme)
            figures_of = {}
            for row in self.program_totals():
                figures = row_totals(row)
                for theme in themes_of.get(row[PROGRAM_ID], [None]):
                    figures_of.setdefault(theme, []).append(figures)
            totals = {theme: Totals.added_up(figures) for theme, figures in figures_of.items()}
            return ranked(totals, themes.in_bulk([key for key in totals if key]))

        return self.budget_totals.qs.cached("per-theme", rows, themes)

    @cached_property
    def per_funder(self):
        totals = self.budget_totals.qs.totals_by("funder")
        return [(label, totals[value]) for value, label in Funder.choices if value in totals]

    def contribution_table(self, name, caption, header, rows, link):
        return Table(
            name,
            caption,
            [
                Column(header, lambda row: row[0] or _("(geen)"), link=link),
                # The amount alone: the PM lines have a column of their own.
                # In a download the euros, empty where no line has an amount (the counts
                # beside it say why); the totals are the XLSX's own row below the data.
                Column(
                    _("Bedrag"),
                    lambda row: amount_text(row[1]),
                    number=lambda row: row[1].amount or None,
                    numeric=True,
                    download_header=_("Bedrag (euro)"),
                    kind=MONEY,
                ),
                count_column(_("PM-posten"), lambda row: row[1].pm_count),
                count_column(_("Posten op kosten van derden"), lambda row: row[1].external_count),
            ],
            rows,
            footer=[
                _("Totaal"),
                self.contribution.label,
                self.contribution.pm_count,
                self.contribution.external_count,
            ],
        )

    @cached_property
    def program_table(self):
        return self.contribution_table(
            "bijdrage-per-programma",
            _("Provinciale bijdrage per programma"),
            _("Programma"),
            self.per_program,
            link=lambda row: row[0].get_absolute_url() if row[0] else None,
        )

    @cached_property
    def theme_table(self):
        table = self.contribution_table(
            "bijdrage-per-thema",
            _("Provinciale bijdrage per thema"),
            _("Thema"),
            self.per_theme,
            link=None,
        )
        # A line counts under each theme of its program: the rows overlap, so no total.
        table.footer = None
        return table

    @cached_property
    def funder_table(self):
        return self.contribution_table(
            "bijdrage-per-financier",
            _("Begrotingsposten per financier"),
            _("Financier"),
            self.per_funder,
            link=None,
        )

    def contribution_chart(self, name, title, rows):
        # The bars drawn and whether there are more: no need to read on past those.
        bars = list(
            islice((row for row in rows if row[1].amount or row[1].pm_count), CHART_BARS + 1)
        )
        description = _(
            "Staafdiagram van de provinciale bijdrage in euro; PM-posten hebben geen "
            "bedrag en staan als tekst bij de staaf. De tabel eronder geeft dezelfde cijfers."
        )
        if len(bars) > CHART_BARS:
            description = _(
                "Staafdiagram van de %(count)s grootste provinciale bijdragen in euro; PM-posten "
                "hebben geen bedrag en staan als tekst bij de staaf. De tabel eronder geeft ze "
                "allemaal."
            ) % {"count": CHART_BARS}
        # Labelled only for the bars drawn: labelling every program of a large data set was
        # much of the dashboard's time.
        drawn = [(row[0] or _("(geen)"), row[1].amount, row[1].label) for row in bars[:CHART_BARS]]
        return charts.bar_chart(name, title, description, drawn)

    @cached_property
    def program_chart(self):
        return self.contribution_chart(
            "grafiek-bijdrage-per-programma",
            _("Provinciale bijdrage per programma"),
            self.per_program,
        )

    @cached_property
    def theme_chart(self):
        return self.contribution_chart(
            "grafiek-bijdrage-per-thema", _("Provinciale bijdrage per thema"), self.per_theme
        )

    # Commitments by status

    @cached_property
    def status_rows(self):
        return status_counts(self.commitments.qs.status_counts())

    @cached_property
    def status_table(self):
        return Table(
            "toezeggingen-per-status",
            _("Toezeggingen en aangenomen moties per status"),
            [
                Column(
                    _("Status"),
                    lambda row: row[1],
                    link=lambda row: self.register_url(status=row[0]),
                ),
                count_column(_("Aantal"), lambda row: row[2]),
            ],
            self.status_rows,
            footer=[_("Totaal"), self.commitment_figures["total"]],
        )

    @cached_property
    def status_chart(self):
        return charts.bar_chart(
            "grafiek-toezeggingen-per-status",
            _("Toezeggingen en aangenomen moties per status"),
            _("Staafdiagram van het aantal per status. De tabel eronder geeft dezelfde aantallen."),
            [(label, count, count) for _value, label, count in self.status_rows],
        )

    @property
    def program_list_url(self):
        """The program list, which takes the same filters."""
        return f"{reverse('program-list')}?{urlencode(self.query)}"

    @cached_property
    def register_links(self):
        return {
            "all": self.register_url(),
            "open": self.register_url(status=Commitment.OPEN_CHOICE),
            "overdue": self.register_url(overdue="true"),
            "fulfilled": self.register_url(status=Commitment.Status.FULFILLED),
        }

    def register_url(self, **extra):
        """The register (`/toezeggingen`), which takes the same filters, narrowed further."""
        return f"{reverse('commitment-list')}?{urlencode({**self.query, **extra})}"

    # Timeline

    @cached_property
    def timeline_entries(self):
        """Programs, then actions, then open deadlines, by date. At scale there are thousands,
        and the table shows a page: each is a query of plain values, read a page at a time,
        and an entry (with its dates in words) is made only for a row that is shown."""
        programs = (
            self.programs.qs.filter(start_date__isnull=False)
            .order_by("start_date", "name")
            .values_list("name", "start_date", "start_precision", "end_date", "end_precision")
        )
        actions = (
            self.actions.qs.filter(due_date__isnull=False)
            .order_by("due_date", "title")
            .values_list("title", "due_date", "due_precision")
        )
        due = (
            self.commitments.qs.open()
            .filter(deadline_date__isnull=False)
            .order_by("deadline_date", "kind", "number")
            .values_list("kind", "number", "title", "deadline_date", "deadline_precision")
        )
        return LazyRows([(programs, program_entry), (actions, action_entry), (due, deadline_entry)])

    @cached_property
    def timeline_window(self):
        """(first day, last day): the last `WINDOW_MONTHS_BEFORE` months and the next
        `WINDOW_MONTHS_AFTER`, whole months."""
        today = timezone.localdate()
        month = today.year * 12 + today.month - 1
        first = month - WINDOW_MONTHS_BEFORE
        after = month + WINDOW_MONTHS_AFTER + 1
        return (
            datetime.date(first // 12, first % 12 + 1, 1),
            datetime.date(after // 12, after % 12 + 1, 1) - datetime.timedelta(days=1),
        )

    @cached_property
    def timeline_chart_entries(self):
        """What the chart draws: the coming deadlines of actions and open commitments, those
        of the window's past months, and the programs that run in the window and end soonest;
        at most `TIMELINE_ROWS`, in date order."""
        today = timezone.localdate()
        first, last = self.timeline_window
        actions = self.actions.qs.filter(due_date__isnull=False).values_list(
            "title", "due_date", "due_precision"
        )
        due = (
            self.commitments.qs.open()
            .filter(deadline_date__isnull=False)
            .values_list("kind", "number", "title", "deadline_date", "deadline_precision")
        )

        def moments(queryset, field, coming):
            window = {f"{field}__gte": today, f"{field}__lte": last}
            if not coming:
                window = {f"{field}__gte": first, f"{field}__lt": today}
            order = field if coming else f"-{field}"
            rows = queryset.filter(**window).order_by(order, "pk")[:TIMELINE_ROWS]
            return rows.cached(f"timeline-{field}-{'coming' if coming else 'past'}", list)

        running = Q(end_date__gte=first) | Q(end_date__isnull=True)
        programs = (
            self.programs.qs.filter(running, start_date__isnull=False, start_date__lte=last)
            .order_by(F("end_date").asc(nulls_last=True), "name", "pk")
            .values_list("name", "start_date", "start_precision", "end_date", "end_precision")[
                :TIMELINE_PROGRAMS
            ]
            .cached("timeline-programs-running", list)
        )
        coming = [action_entry(row) for row in moments(actions, "due_date", True)]
        coming += [deadline_entry(row) for row in moments(due, "deadline_date", True)]
        past = [action_entry(row) for row in moments(actions, "due_date", False)]
        past += [deadline_entry(row) for row in moments(due, "deadline_date", False)]
        coming.sort(key=attrgetter("first_day"))
        past.sort(key=attrgetter("first_day"), reverse=True)
        chosen = [program_entry(row) for row in programs]
        room = TIMELINE_ROWS - len(chosen)
        # The coming deadlines first, then as many past ones as the rest leaves room for.
        chosen += coming[: max(room - min(len(past), TIMELINE_PAST), 0)]
        chosen += past[: TIMELINE_ROWS - len(chosen)]
        return sorted(chosen, key=attrgetter("first_day"))

    @cached_property
    def timeline(self):
        return charts.timeline(
            "grafiek-tijdlijn",
            _("Tijdlijn van programma's, acties en termijnen"),
            _(
                "Van %(first)s tot %(last)s. Balken: de looptijd van programma's (een open einde "
                "loopt door tot vandaag). Ruiten: de eerstvolgende termijnen van acties en van "
                "openstaande toezeggingen en moties, en die van de afgelopen maanden. De "
                "verticale lijn is vandaag. De tabel eronder geeft alle perioden."
            )
            % {
                "first": date_format(self.timeline_window[0], "F Y"),
                "last": date_format(self.timeline_window[1], "F Y"),
            },
            self.timeline_chart_entries,
            timezone.localdate(),
            _("vandaag"),
            window=self.timeline_window,
        )

    @cached_property
    def timeline_table(self):
        return Table(
            "tijdlijn",
            _("Programma's, acties en termijnen in de tijd"),
            [
                Column(_("Naam"), lambda entry: entry.label),
                Column(_("Soort"), lambda entry: entry.kind_label),
                period_column(
                    _("Periode of termijn"),
                    lambda entry: entry.period_text,
                    attrgetter("first_day"),
                    attrgetter("last_day"),
                ),
            ],
            self.timeline_entries,
        )

    @property
    def tables(self):
        if not self.is_valid:
            return []
        return [
            self.program_table,
            self.theme_table,
            self.funder_table,
            self.status_table,
            self.timeline_table,
        ]


def ranked(totals, records, name=attrgetter("name")):
    """`[(record, Totals)]` from `{id: Totals}`, the largest amount first, then by `name`; the
    lines without a record (None) last. Ids not in `records` (a concept theme, say) are left
    out."""
    rows = [(records[key], figures) for key, figures in totals.items() if key in records]
    rows.sort(key=lambda row: (-row[1].amount, -row[1].pm_count, name(row[0])))
    if None in totals:
        rows.append((None, totals[None]))
    return rows


def amount_text(totals):
    """The summed amount; `PM` or `op kosten van derden` when no line has an amount."""
    if not totals.amount and totals.pm_count:
        return "PM"
    if not totals.amount and totals.external_count:
        return ContributionKind.EXTERNAL.label
    return format_money(totals.amount)


def with_labels(figures):
    """The subsidies' figures with the amount and volume in words."""
    figures = dict(figures)
    figures["amount_label"] = money_or_unknown(figures["amount"], figures["amount_unknown"])
    figures["volume_label"] = money_or_unknown(figures["volume"], figures["volume_unknown"])
    return figures


def money_or_unknown(amount, unknown_count):
    """`€ 1,2 mln`, with how many are without a known amount; `onbekend` when none is known."""
    if amount is None:
        return _("onbekend")
    label = format_money(amount)
    if unknown_count:
        label += " " + ngettext(
            "(%(count)s zonder bekend bedrag)", "(%(count)s zonder bekend bedrag)", unknown_count
        ) % {"count": local_number(unknown_count)}
    return label


class LazyRows(Sequence):
    """Rows made from several parts one after the other, each a list or a QuerySet of values
    that its own function makes into rows, only when read: a page or a chart reads a slice,
    of a QuerySet with LIMIT/OFFSET, and a QuerySet's length is counted, not fetched; both
    are cached, the page's rows rather than thousands."""

    def __init__(self, parts):
        self.parts = parts

    @cached_property
    def lengths(self):
        return [
            cached_query("row-count", values, QuerySet.count)
            if isinstance(values, QuerySet)
            else len(values)
            for values, _make in self.parts
        ]

    def __len__(self):
        return sum(self.lengths)

    def __iter__(self):
        for values, make in self.parts:
            yield from map(make, values)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            position = index + len(self) if index < 0 else index
            found = self[position : position + 1] if position >= 0 else []
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            return list(self)[index]
        rows, offset = [], 0
        for (values, make), length in zip(self.parts, self.lengths, strict=True):
            first, last = max(start - offset, 0), min(stop - offset, length)
            if first < last:
                rows += map(make, read(values, first, last))
            offset += length
        return rows


def read(values, first, last):
    """`values[first:last]`: of a QuerySet, kept in the cache until the data changes."""
    if isinstance(values, QuerySet):
        # all(): a slice of a QuerySet that was read already would be a list.
        return cached_query("rows", values.all()[first:last], list)
    return values[first:last]


# What a row of the contribution per program shows and links, in the model's order of fields
# (which `Model.from_db` expects).
PROGRAM_ROW_FIELDS = tuple(
    field.attname
    for field in Program._meta.concrete_fields
    if field.attname in {"id", "slug", "name", "publication_status"}
)
PROGRAM_ID = PROGRAM_ROW_FIELDS.index("id")


def program_row(row):
    """`(program, Totals)` from the cached `(*values, amount, PM count, external count)`; the
    program holds those values."""
    program = Program.from_db(Program.objects.db, PROGRAM_ROW_FIELDS, row[:-3])
    return program, row_totals(row)


def row_totals(row):
    """The `Totals` of a cached row per program."""
    amount, pm_count, external_count = row[-3:]
    return Totals(Decimal(amount), pm_count, external_count)


def fuzzy(day, precision):
    return FuzzyDate.containing(day, precision) if day and precision else None


def program_entry(values):
    name, start_date, start_precision, end_date, end_precision = values
    start, end = fuzzy(start_date, start_precision), fuzzy(end_date, end_precision)
    return charts.TimelineEntry(
        name,
        "program",
        _("programma"),
        start.start,
        end.end if end else None,
        period_text(start, end),
    )


def action_entry(values):
    title, due_date, due_precision = values
    due = fuzzy(due_date, due_precision)
    return charts.TimelineEntry(title, "action", _("actie (termijn)"), due.start, due.end, str(due))


def deadline_entry(values):
    kind, number, title, deadline_date, deadline_precision = values
    deadline = fuzzy(deadline_date, deadline_precision)
    label = f"{Commitment.Kind(kind).label.capitalize()} {number}: {title}"
    return charts.TimelineEntry(
        label,
        "deadline",
        _("toezegging of motie (termijn)"),
        deadline.start,
        deadline.end,
        str(deadline),
    )


def period_text(start, end):
    if start and end:
        return _("%(start)s tot %(end)s") % {"start": start, "end": end}
    if start:
        return _("vanaf %(start)s") % {"start": start}
    return ""

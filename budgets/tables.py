"""The tables of budget lines and subsidies that pages, downloads and the admin share
(`common.tables.Table`); PM is counted, never summed."""

from collections import Counter
from operator import attrgetter

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.tables import Column, Part, Table, money_column, record_column
from programs.tables import citation_column, visible_or_none

from .models import ContributionKind


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


def kinds_counted(kinds):
    """The totals cell of the kind column: how many lines have no amount, per kind
    (`6 × PM (pro memorie), 1 × op kosten van derden`); PM is counted, never summed."""
    counted = Counter(kind for kind in kinds if kind != str(ContributionKind.AMOUNT.label))
    return ", ".join(f"{count} × {kind}" for kind, count in sorted(counted.items()))


def contribution_column(header):
    """`€ 8,9 mln`, `PM`, `op kosten EU` on the page; in a download the euros (8900000, empty
    for PM and lines paid by others) and the kind of contribution in a column of its own."""
    kind = Part(
        _("Soort bijdrage"),
        lambda line: str(line.get_contribution_kind_display()),
        total=kinds_counted,
    )
    return money_column(header, attrgetter("amount"), attrgetter("contribution_label"), kind=kind)


def annex_table(overview, user):
    """A document's annex in the document's order, with its totals as the footer."""

    def program_page(line):
        program = visible_or_none(line.program, user)
        return program.get_absolute_url() if program else None

    columns = [
        # The row as the document names it, linked to its program where that is public.
        Column(_("Programma of maatregel"), attrgetter("label"), link=program_page),
        Column(_("Rij"), attrgetter("position"), number=attrgetter("position"), numeric=True),
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

"""The site search: every type of record searched the same way, one ranked group per type.

It lives in `budgets` because it searches budget lines and subsidies beside the policy records
(`budgets` may use `programs`, never the reverse). The query logic itself is
`SearchQuerySet.search` in `programs.search`; this module only says which types there are, how
each is shown and which public page it links to.
"""

from dataclasses import dataclass
from functools import partial

from django.db.models import Count, Window
from django.utils.translation import gettext_lazy as _

from programs.models import Action, Commitment, Document, Indicator, Organisation, Program, Theme
from programs.search import MAX_QUERY_LENGTH, MIN_QUERY_LENGTH, normalise_query

from .models import BudgetLine, Subsidy

#: Results shown per type; the heading still gives the full count.
RESULTS_PER_TYPE = 20


@dataclass(frozen=True)
class Result:
    title: str
    url: str | None
    detail: str = ""


@dataclass(frozen=True)
class Group:
    label: str
    total: int
    results: list

    @property
    def truncated(self):
        return self.total > len(self.results)


def first_visible_url(user, *records):
    """The page of the first record `user` may see: where a record without a page is shown."""
    for record in records:
        if record is not None and record.is_visible_to(user):
            return record.get_absolute_url()
    return None


def document_result(document, user):
    return Result(document.title, document.get_absolute_url(), document.get_kind_display())


def program_result(program, user):
    return Result(program.name, program.get_absolute_url(), program.get_kind_display())


def organisation_result(organisation, user):
    return Result(str(organisation), organisation.get_absolute_url(), organisation.abbreviation)


def commitment_result(commitment, user):
    return Result(str(commitment), commitment.get_absolute_url(), commitment.get_status_display())


def theme_result(theme, user):
    return Result(
        theme.name, theme.get_absolute_url(), _("programma's, acties en toezeggingen met dit thema")
    )


def action_result(action, user):
    return Result(action.title, action.get_absolute_url(), action.get_status_display())


def indicator_result(indicator, user):
    url = first_visible_url(user, indicator.program, indicator.source)
    return Result(indicator.name, url, indicator.display_value)


def budget_line_result(line, user):
    # A budget line is a row of its document's annex; it is public only with that document.
    detail = f"{line.contribution_label} · {line.document.title}"
    return Result(line.label, line.document.get_absolute_url(), detail)


def subsidy_result(subsidy, user):
    # A subsidy is public only with its instrument, whose page lists its subsidies.
    detail = subsidy.granted_label or subsidy.get_status_display()
    return Result(str(subsidy), subsidy.instrument.get_absolute_url(), detail)


#: (heading, model, related records each result shows, how a record becomes a result), in the
#: order of the page: what most readers look for first.
TYPES = [
    (_("Programma's en regelingen"), Program, (), program_result),
    (_("Documenten"), Document, (), document_result),
    (_("Toezeggingen en moties"), Commitment, (), commitment_result),
    (_("Organisaties"), Organisation, (), organisation_result),
    (_("Begrotingsposten"), BudgetLine, ("document",), budget_line_result),
    (_("Subsidies"), Subsidy, ("instrument", "recipient"), subsidy_result),
    (_("Acties"), Action, (), action_result),
    (_("Kengetallen"), Indicator, ("program", "source"), indicator_result),
    (_("Thema's"), Theme, (), theme_result),
]


def is_searchable(query):
    """Whether `query` is long enough, and short enough, to search for."""
    return MIN_QUERY_LENGTH <= len(normalise_query(query)) <= MAX_QUERY_LENGTH


def best_matches(matches, limit):
    """(the best `limit` records of `matches`, how many match in all), in one query: the
    count is a window over the matches."""
    records = list(matches.annotate(search_total=Window(Count("pk")))[:limit])
    return records, records[0].search_total if records else 0


def search_site(query, user, limit=RESULTS_PER_TYPE):
    """The groups with results for `query` as `user` may see them.

    Each type's best records and count are cached until the data changes, under the SQL of
    its search (which holds the query and what the reader may see); the results are made
    from them per request, since a result's link may depend on the reader.
    """
    groups = []
    for label, model, related, to_result in TYPES:
        matches = model.objects.visible_to(user).search(query).select_related(*related)
        records, total = matches.cached(f"search:{limit}", partial(best_matches, limit=limit))
        if records:
            results = [to_result(record, user) for record in records]
            groups.append(Group(label, total, results))
    return groups

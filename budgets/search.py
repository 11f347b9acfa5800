"""The site search: every type of record searched the same way, one ranked group per type.

It lives in `budgets` because it searches budget lines and subsidies beside the policy records
(`budgets` may use `programs`, never the reverse). The query logic itself is
`SearchQuerySet.search` in `programs.search`; this module only says which types there are, how
each is shown and which public page it links to.
"""

import re
from dataclasses import dataclass, replace
from functools import partial

from django.db.models import Count, Window
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from common.concurrency import side_by_side
from programs.models import Action, Commitment, Document, Indicator, Organisation, Program, Theme
from programs.search import MAX_QUERY_LENGTH, MIN_QUERY_LENGTH, normalise_query, split_query

from .models import BudgetLine, Subsidy

#: Results shown per type; the heading still gives the full count.
RESULTS_PER_TYPE = 20


@dataclass(frozen=True)
class Result:
    title: str
    url: str | None
    detail: str = ""
    #: Why it matched: a passage of its text with the words looked for in <mark>, escaped.
    snippet: str = ""


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    total: int
    results: list
    #: Its best record is named exactly what was looked for: the group comes first.
    exact: bool = False

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
TYPES = {
    "programmas": (_("Programma's en regelingen"), Program, (), program_result),
    "documenten": (_("Documenten"), Document, (), document_result),
    "toezeggingen": (_("Toezeggingen en moties"), Commitment, (), commitment_result),
    "organisaties": (_("Organisaties"), Organisation, (), organisation_result),
    "begrotingsposten": (_("Begrotingsposten"), BudgetLine, ("document",), budget_line_result),
    "subsidies": (_("Subsidies"), Subsidy, ("instrument", "recipient"), subsidy_result),
    "acties": (_("Acties"), Action, (), action_result),
    "kengetallen": (_("Kengetallen"), Indicator, ("program", "source"), indicator_result),
    "themas": (_("Thema's"), Theme, (), theme_result),
}
#: The keys of `TYPES`, those with stored search columns (the large tables, budget lines and
#: subsidies, whose searches take longest) first: the order `search_site` runs them in.
LARGEST_FIRST = sorted(TYPES, key=lambda key: not TYPES[key][1].objects.none().stored_search)
#: Words around the first match that a snippet shows.
SNIPPET_WORDS = 24


def is_searchable(query):
    """Whether `query` is long enough, and short enough, to search for."""
    return MIN_QUERY_LENGTH <= len(normalise_query(query)) <= MAX_QUERY_LENGTH


def best_matches(matches, limit):
    """(the best `limit` records of `matches`, how many match in all), in one query: the
    count is a window over the matches."""
    records = list(matches.annotate(search_total=Window(Count("pk")))[:limit])
    return records, records[0].search_total if records else 0


def matches_of(key, query, user):
    """The records of type `key` that match `query` as `user` may see them, best first."""
    _label, model, related, _to_result = TYPES[key]
    return model.objects.visible_to(user).search(query).select_related(*related)


def results_of(key, records, query, user):
    """The records as results, each with a snippet of why it matched."""
    to_result = TYPES[key][3]
    # Names show as the result's title, a kind as its detail; a kenmerk (slug) is shown when
    # it is all that matched, so the reader sees why.
    fields = [
        field
        for field, weight in TYPES[key][1].objects.none().search_fields
        if weight != "A" and field != "kind"
    ]
    words = searched_words(query)
    return [replace(to_result(r, user), snippet=snippet(r, fields, words)) for r in records]


def search_site(query, user, limit=RESULTS_PER_TYPE):
    """The groups with results for `query` as `user` may see them: a group whose best record is
    named exactly what was looked for first ("1886": toezegging 1886), then in `TYPES` order.

    Each type's best records and count are cached until the data changes, under the SQL of
    its search (which holds the query and what the reader may see); the results are made
    from them per request, since a result's link may depend on the reader. The searches that
    are not cached run two at a time (`side_by_side`), `LARGEST_FIRST`.
    """

    def best(key):
        matches = matches_of(key, query, user)
        return matches.cached(f"search:{limit}", partial(best_matches, limit=limit))

    tasks = [partial(best, key) for key in LARGEST_FIRST]
    found = dict(zip(LARGEST_FIRST, side_by_side(tasks), strict=True))
    groups = []
    for key, (label, _model, _related, _to_result) in TYPES.items():
        records, total = found[key]
        if records:
            results = results_of(key, records, query, user)
            groups.append(Group(key, label, total, results, exact=records[0].search_exact))
    return sorted(groups, key=lambda group: not group.exact)


def searched_words(query):
    """The words a snippet marks: those looked for, without the search syntax."""
    wanted, _excluded = split_query(normalise_query(query))
    return [word for word in re.findall(r"\w+", wanted) if len(word) >= MIN_QUERY_LENGTH]


def snippet(record, fields, words):
    """A passage of the first of `fields` that holds one of `words`, about
    `SNIPPET_WORDS` words around it, escaped, with every word looked for in <mark>; "" when
    only the name matched, which the result's title shows already."""
    if not words:
        return ""
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    for field in fields:
        text = " ".join(str(value_of(record, field) or "").split())
        found = pattern.search(text)
        if not found:
            continue
        before = text[: found.start()].split(" ")
        start = max(len(before) - SNIPPET_WORDS // 3, 0)
        passage = text.split(" ")[start : start + SNIPPET_WORDS]
        shown = " ".join(passage)
        marked = pattern.sub(lambda match: f"\ue000{match.group()}\ue001", shown)
        html = str(escape(marked)).replace("\ue000", "<mark>").replace("\ue001", "</mark>")
        prefix = "… " if start else ""
        suffix = " …" if start + SNIPPET_WORDS < len(text.split(" ")) else ""
        # Escaped above; only the marks are markup.
        return mark_safe(f"{prefix}{html}{suffix}")
    return ""


def value_of(record, path):
    """`record`'s field `path`, across relations ("recipient__name")."""
    for name in path.split("__"):
        record = getattr(record, name, None)
        if record is None:
            return None
    return record

"""Feeds of public changes across both apps: the record types and the Atom feed for people.

They live in `budgets` because the feed covers budget lines and subsidies as well as the
policy records of `programs` (`budgets` uses `programs`, never the reverse).
"""

from django.db.models import OuterRef, Subquery, TextField, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from common.formats import format_money
from common.fuzzydates import FuzzyDate, fuzzy_dates_of
from programs.changes import DELETED, NAMED, TITLED, UPDATED, FeedType
from programs.models import (
    Action,
    Commitment,
    Document,
    Indicator,
    Organisation,
    Program,
    PublicChange,
    Theme,
)

from .models import BudgetLine, Subsidy

# Every API resource, by its name in the API (the router's basename), with what its
# representation shows of other records (the serializers' related fields), so that a change
# of those is a change of the records showing them. `source` is a document, shown by slug.
SOURCE = {"source": ("slug",)}
FEED_TYPES = [
    FeedType("document", Document, title="title", shows={"issuer": NAMED}),
    FeedType(
        "program",
        Program,
        shows={
            "parent": NAMED,
            "program_line": NAMED,
            "program_line__budget_program": ("name",),
            "themes": NAMED,
            "roles": None,
            "roles__organisation": NAMED,
            **SOURCE,
        },
    ),
    FeedType(
        "budget-line",
        BudgetLine,
        key=("document__slug", "position"),
        title="label",
        shows={"document": TITLED, "program": NAMED},
    ),
    # A subsidy as the site names it: "recipient: instrument".
    FeedType(
        "subsidy",
        Subsidy,
        title=Concat("recipient__name", Value(": "), "instrument__name", output_field=TextField()),
        shows={"instrument": NAMED, "recipient": NAMED, **SOURCE},
    ),
    FeedType(
        "commitment",
        Commitment,
        key=("kind", "number"),
        title="title",
        shows={
            "meeting": ("slug", "body", "date"),
            "made_by": ("slug", "name", "party"),
            "submitters": ("slug", "name", "party"),
            "deadline_changes": None,
            "fulfilled_by": TITLED,
            "settlements": None,
            "settlements__proposal_document": TITLED,
            "settlements__decided_at": ("slug", "body", "date"),
            "relations": None,
            "relations__related": ("kind", "number", "title"),
            "themes": NAMED,
            "programs": NAMED,
            "actions": TITLED,
            **SOURCE,
        },
    ),
    FeedType("organisation", Organisation, shows={"parent": NAMED, **SOURCE}),
    FeedType("theme", Theme),
    FeedType(
        "action",
        Action,
        title="title",
        shows={
            "owner": NAMED,
            "program": NAMED,
            "themes": NAMED,
            "commitments": ("kind", "number", "title"),
            **SOURCE,
        },
    ),
    FeedType("indicator", Indicator, shows={"program": NAMED, "themes": NAMED, **SOURCE}),
]

TYPES_BY_NAME = {feed_type.name: feed_type for feed_type in FEED_TYPES}
# The pages of the record types that have one: (the record's page, the list of its kind).
PAGES = {
    "document": ("document-detail", "document-list"),
    "program": ("program-detail", "program-list"),
    "commitment": ("commitment-detail", "commitment-list"),
    "organisation": ("organisation-detail", "organisation-list"),
    "theme": ("theme-detail", "theme-list"),
    "action": ("action-detail", "action-list"),
}


def record_path(change):
    """The API path of the record a change is about (for a deletion: its list)."""
    listing = reverse(f"api:{change.type}-list")
    return listing if change.action == DELETED else f"{listing}/{change.record_id}"


def record_page(change):
    """Where a person reads what a change is about: the record's page; for a deletion, the
    list it left. Budget lines, subsidies and indicators have no page of their own: their API
    address."""
    if change.type not in PAGES:
        return record_path(change)
    detail, listing = PAGES[change.type]
    if change.action == DELETED:
        return reverse(listing)
    return reverse(detail, args=[change.record_id])


def change_title(change):
    """A change in a line, in the active language: "Toezegging ‘…’ gewijzigd"."""
    kind = capfirst(TYPES_BY_NAME[change.type].model._meta.verbose_name)
    action = dict(PublicChange.Action.choices)[change.action]
    return f"{kind} ‘{change.title}’ {action}"


#: The amounts in euros of budget lines and subsidies, shown as the site shows money.
MONEY_FIELDS = {"amount", "granted_amount", "settled_amount", "project_volume"}
#: Fields a change never reports: keys, bookkeeping, and what the feed says otherwise.
NOT_REPORTED = {"id", "slug", "version", "publication_status", "search_vector", "search_text"}


def with_changed_fields(changes):
    """`changes` (PublicChange entries), each given `fields`: what an update changed
    (`changes_of`), read for all of them at once per type; empty for the others."""
    wanted = {}
    for change in changes:
        if change.action == UPDATED and change.history_id is not None:
            wanted.setdefault(change.type, []).append(change.history_id)
    described = {name: changes_of(TYPES_BY_NAME[name], ids) for name, ids in wanted.items()}
    for change in changes:
        change.fields = described.get(change.type, {}).get(change.history_id, [])
    return changes


def changed_fields(feed_type, history_id):
    """[(field label, old text, new text)]: what a public update changed (`changes_of`)."""
    return changes_of(feed_type, [history_id]).get(history_id, [])


def changes_of(feed_type, history_ids):
    """{history_id: [(field label, old text, new text)]}: what each public update changed, in
    the model's order of fields. Dates as the record states them ("medio 2016"), choices by
    their label, a related record by its name where it is public, else "(niet openbaar)".

    For any number of updates in three queries and one per kind of related record named: the
    history rows, the rows before them (simple-history's `prev_record`, for all at once), and
    the related records."""
    history = feed_type.history.objects
    before = history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
    rows = history.filter(history_id__in=history_ids).annotate(
        previous_id=Subquery(before.order_by("-history_date").values("history_id")[:1])
    )
    rows = list(rows)
    previous = history.in_bulk([row.previous_id for row in rows if row.previous_id])
    pairs = {row.history_id: (previous.get(row.previous_id), row) for row in rows}
    fuzzy = {}
    for date in fuzzy_dates_of(feed_type.model):
        fuzzy[date.date_field] = fuzzy[date.precision_field] = date
    fields = [f for f in feed_type.model._meta.concrete_fields if f.name not in NOT_REPORTED]
    names = related_names(fields, [pair for pair in pairs.values() if pair[0] is not None])
    described = {}
    for history_id, (old_row, row) in pairs.items():
        changed, seen = [], set()
        for field in fields if old_row is not None else ():
            old, new = getattr(old_row, field.attname, None), getattr(row, field.attname, None)
            if old == new:
                continue
            date = fuzzy.get(field.attname)
            if date is None:
                changed.append(
                    (field.verbose_name, shown(field, old, names), shown(field, new, names))
                )
            elif date.name not in seen:
                seen.add(date.name)
                changed.append(
                    (date.verbose_name, fuzzy_text(old_row, date), fuzzy_text(row, date))
                )
        described[history_id] = [(str(label), old, new) for label, old, new in changed]
    return described


def related_names(fields, pairs):
    """{(related model, pk): public name or None} of every related record the pairs of rows
    name in `fields`, one query per related model."""
    wanted = {}
    for field in fields:
        if field.is_relation:
            values = wanted.setdefault(field.related_model, set())
            for old_row, row in pairs:
                values |= {getattr(old_row, field.attname), getattr(row, field.attname)} - {None}
    names = {}
    for model, keys in wanted.items():
        for pk, record in model._base_manager.in_bulk(keys).items():
            names[model, pk] = str(record) if record.is_visible_to(None) else None
    return names


def fuzzy_text(record, date):
    day, precision = getattr(record, date.date_field), getattr(record, date.precision_field)
    return str(FuzzyDate.containing(day, precision)) if day and precision else "—"


def shown(field, value, names):
    """A value as a reader reads it; a related record only by a public name (`names`)."""
    if value in (None, ""):
        return "—"
    if field.is_relation:
        return names.get((field.related_model, value)) or _("(niet openbaar)")
    if field.name in MONEY_FIELDS:
        return format_money(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)

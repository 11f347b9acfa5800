"""Feeds of public changes across both apps: the record types and the Atom feed for people.

They live in `budgets` because the feed covers budget lines and subsidies as well as the
policy records of `programs` (`budgets` uses `programs`, never the reverse).
"""

from django.db.models import TextField, Value
from django.db.models.functions import Concat
from django.urls import reverse

from programs.changes import DELETED, NAMED, TITLED, FeedType
from programs.models import Action, Commitment, Document, Indicator, Organisation, Program, Theme

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


def record_path(change):
    """The API path of the record a change is about (for a deletion: its list)."""
    listing = reverse(f"api:{change.type}-list")
    return listing if change.action == DELETED else f"{listing}/{change.record_id}"

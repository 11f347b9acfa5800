"""Feeds of public changes across both apps: the record types and the Atom feed for people.

They live in `budgets` because the feed covers budget lines and subsidies as well as the
policy records of `programs` (`budgets` uses `programs`, never the reverse).
"""

from django.db.models import TextField, Value
from django.db.models.functions import Concat
from django.urls import reverse

from programs.changes import DELETED, FeedType
from programs.models import Action, Commitment, Document, Indicator, Organisation, Program, Theme

from .models import BudgetLine, Subsidy

# Every API resource, by its name in the API (the router's basename).
FEED_TYPES = [
    FeedType("document", Document, title="title"),
    FeedType("program", Program),
    FeedType("budget-line", BudgetLine, key=("document__slug", "position"), title="label"),
    # A subsidy as the site names it: "recipient: instrument".
    FeedType(
        "subsidy",
        Subsidy,
        title=Concat("recipient__name", Value(": "), "instrument__name", output_field=TextField()),
    ),
    FeedType("commitment", Commitment, key=("kind", "number"), title="title"),
    FeedType("organisation", Organisation),
    FeedType("theme", Theme),
    FeedType("action", Action, title="title"),
    FeedType("indicator", Indicator),
]


def record_path(change):
    """The API path of the record a change is about (for a deletion: its list)."""
    listing = reverse(f"api:{change.type}-list")
    return listing if change.action == DELETED else f"{listing}/{change.id}"

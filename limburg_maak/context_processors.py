"""Context for every page: when the public data last changed (the printed source line)."""

from django.utils.functional import SimpleLazyObject

from budgets.feeds import FEED_TYPES
from common.caching import cached
from programs.changes import latest_change_at


def public_data(request):
    """`data_changed_at`: the time of the newest public change, the same as the newest entry
    of the Atom feed of changes, or None. Lazy: one query, only on a page that shows it (the
    admin's pages never do), cached until the data changes: the same for every reader."""
    return {
        "data_changed_at": SimpleLazyObject(
            lambda: cached("data-changed-at", (), lambda: latest_change_at(FEED_TYPES))
        )
    }

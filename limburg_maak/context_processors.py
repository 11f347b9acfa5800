"""Context for every page: when the public data last changed (the printed source line), and
whether its figures include concept records."""

from django.utils.functional import SimpleLazyObject

from common.caching import cached
from limburg_maak.middleware import PUBLIC_VIEW
from programs.changes import latest_change_at
from programs.models import can_read_concepts


def public_data(request):
    """`data_changed_at`: the time of the newest public change, the same as the newest entry
    of the Atom feed of changes, or None. Lazy: one query, only on a page that shows it (the
    admin's pages never do), cached until the data changes: the same for every reader."""
    return {
        "data_changed_at": SimpleLazyObject(lambda: cached("data-changed-at", (), latest_change_at))
    }


def concept_view(request):
    """`shows_concepts`: the reader sees concept records, so the page's figures include them;
    `public_view`: a member of staff sees the page as the public does (`?openbaar`). With the
    address of the other view."""
    public_view = getattr(request, "public_view", False)
    # A page rendered before the user is known (the overload page) shows no concepts.
    user = getattr(request, "user", None)
    shows_concepts = not public_view and user is not None and can_read_concepts(user)
    if not (public_view or shows_concepts):
        return {}
    query = request.GET.copy()
    if public_view:
        query.pop(PUBLIC_VIEW, None)
    else:
        query[PUBLIC_VIEW] = "1"
    other = f"{request.path}?{query.urlencode()}" if query else request.path
    return {"shows_concepts": shows_concepts, "public_view": public_view, "other_view_url": other}

"""`/wijzigingen.atom`: the Atom feed of public changes, for people."""

import uuid

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from budgets.feeds import FEED_TYPES, record_path
from programs.changes import CREATED, DELETED, latest_changes

TYPES_BY_NAME = {feed_type.name: feed_type for feed_type in FEED_TYPES}
ATOM_ENTRIES = 50
ACTION_WORDS = {
    CREATED: _("nieuw of gepubliceerd"),
    "updated": _("gewijzigd"),
    DELETED: _("verwijderd of niet meer openbaar"),
}
# The pages of the record types that have one: (the record's page, the list of its kind).
PAGES = {
    "document": ("document-detail", "document-list"),
    "program": ("program-detail", "program-list"),
    "commitment": ("commitment-detail", "commitment-list"),
    "organisation": ("organisation-detail", "organisation-list"),
    "theme": ("theme-detail", "theme-list"),
    "action": ("action-detail", "action-list"),
}
# Feed entry ids: stable UUIDs derived from the change, the same on every request.
ENTRY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://www.limburg.nl/maakindustrie/wijzigingen")


class ChangesFeed(Feed):
    """`/wijzigingen.atom`: the 50 most recent public changes, newest first, in Dutch."""

    feed_type = Atom1Feed
    title = _("Wijzigingen: maakindustrie Provincie Limburg")
    subtitle = _(
        "Nieuwe, gewijzigde en verwijderde openbare gegevens: programma's, begrotingsposten, "
        "subsidies, toezeggingen en moties, acties en kengetallen."
    )
    author_name = "Provincie Limburg"

    def link(self):
        return reverse("home")

    def items(self):
        return latest_changes(FEED_TYPES, limit=ATOM_ENTRIES)

    def item_title(self, change):
        kind = capfirst(TYPES_BY_NAME[change.type].model._meta.verbose_name)
        return f"{kind} ‘{change.title}’ {ACTION_WORDS[change.action]}"

    def item_description(self, change):
        kind = TYPES_BY_NAME[change.type].model._meta.verbose_name
        when = date_format(localtime(change.changed_at), "j F Y, H:i")
        return _("%(kind)s %(id)s: %(action)s op %(when)s.") % {
            "kind": capfirst(kind),
            "id": change.id,
            "action": ACTION_WORDS[change.action],
            "when": when,
        }

    def item_link(self, change):
        """The record's page for people; for a deletion, the list it left. Budget lines,
        subsidies and indicators have no page of their own: their API address."""
        if change.type not in PAGES:
            return record_path(change)
        detail, listing = PAGES[change.type]
        if change.action == DELETED:
            return reverse(listing)
        return reverse(detail, args=[change.id])

    def item_guid(self, change):
        position = change.position
        name = f"{position.type}/{position.history_id}/{position.step}"
        return uuid.uuid5(ENTRY_NAMESPACE, name).urn

    item_guid_is_permalink = False

    def item_updateddate(self, change):
        return change.changed_at

    def item_pubdate(self, change):
        return change.changed_at

"""`/wijzigingen.atom`: the Atom feed of public changes, for people."""

import uuid

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from budgets.feeds import TYPES_BY_NAME, change_title, changed_fields, record_page
from programs.changes import UPDATED, latest_changes
from programs.models import PublicChange

ATOM_ENTRIES = 50
ACTION_WORDS = dict(PublicChange.Action.choices)
# Feed entry ids: UUIDs derived from the record's uuid and the change, the same on every
# request and whatever the record's slug or the request's host.
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
        return latest_changes(limit=ATOM_ENTRIES)

    def item_title(self, change):
        return change_title(change)

    def item_description(self, change):
        kind = TYPES_BY_NAME[change.type].model._meta.verbose_name
        when = date_format(localtime(change.changed_at), "j F Y, H:i")
        said = _("%(kind)s %(id)s: %(action)s op %(when)s.") % {
            "kind": capfirst(kind),
            "id": change.record_id,
            "action": ACTION_WORDS[change.action],
            "when": when,
        }
        if change.action != UPDATED or change.history_id is None:
            return said
        changed = changed_fields(TYPES_BY_NAME[change.type], change.history_id)
        if not changed:
            return said
        lines = "; ".join(f"{label}: {old} → {new}" for label, old, new in changed)
        return _("%(said)s Gewijzigd: %(changes)s.") % {"said": said, "changes": lines}

    def item_link(self, change):
        return record_page(change)

    def item_guid(self, change):
        name = f"{change.record_uuid}/{change.changed_at.isoformat()}/{change.action}"
        return uuid.uuid5(ENTRY_NAMESPACE, name).urn

    item_guid_is_permalink = False

    def item_updateddate(self, change):
        return change.changed_at

    def item_pubdate(self, change):
        return change.changed_at

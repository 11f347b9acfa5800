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
from common.formats import format_money
from common.fuzzydates import FuzzyDate, fuzzy_dates_of
from programs.changes import DELETED, UPDATED, latest_changes
from programs.models import PublicChange

TYPES_BY_NAME = {feed_type.name: feed_type for feed_type in FEED_TYPES}
ATOM_ENTRIES = 50
ACTION_WORDS = dict(PublicChange.Action.choices)
# The pages of the record types that have one: (the record's page, the list of its kind).
PAGES = {
    "document": ("document-detail", "document-list"),
    "program": ("program-detail", "program-list"),
    "commitment": ("commitment-detail", "commitment-list"),
    "organisation": ("organisation-detail", "organisation-list"),
    "theme": ("theme-detail", "theme-list"),
    "action": ("action-detail", "action-list"),
}
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
        kind = capfirst(TYPES_BY_NAME[change.type].model._meta.verbose_name)
        return f"{kind} ‘{change.title}’ {ACTION_WORDS[change.action]}"

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
        """The record's page for people; for a deletion, the list it left. Budget lines,
        subsidies and indicators have no page of their own: their API address."""
        if change.type not in PAGES:
            return record_path(change)
        detail, listing = PAGES[change.type]
        if change.action == DELETED:
            return reverse(listing)
        return reverse(detail, args=[change.record_id])

    def item_guid(self, change):
        name = f"{change.record_uuid}/{change.changed_at.isoformat()}/{change.action}"
        return uuid.uuid5(ENTRY_NAMESPACE, name).urn

    item_guid_is_permalink = False

    def item_updateddate(self, change):
        return change.changed_at

    def item_pubdate(self, change):
        return change.changed_at


#: The amounts in euros of budget lines and subsidies, shown as the site shows money.
MONEY_FIELDS = {"amount", "granted_amount", "settled_amount", "project_volume"}
#: Fields a change never reports: keys, bookkeeping, and what the feed says otherwise.
NOT_REPORTED = {"id", "slug", "version", "publication_status", "search_vector", "search_text"}


def changed_fields(feed_type, history_id):
    """[(field label, old text, new text)]: what a public update changed, in the model's
    order of fields. Dates as the record states them ("medio 2016"), choices by their label, a
    related record by its name where it is public, else "(niet openbaar)"."""
    record = feed_type.history.objects.filter(history_id=history_id).first()
    previous = record.prev_record if record else None
    if previous is None:
        return []
    model = feed_type.model
    fuzzy = {}
    for date in fuzzy_dates_of(model):
        fuzzy[date.date_field] = fuzzy[date.precision_field] = date
    changed, seen = [], set()
    for field in model._meta.concrete_fields:
        if field.name in NOT_REPORTED:
            continue
        old, new = getattr(previous, field.attname, None), getattr(record, field.attname, None)
        if old == new:
            continue
        date = fuzzy.get(field.attname)
        if date is None:
            changed.append((field.verbose_name, shown(field, old), shown(field, new)))
        elif date.name not in seen:
            seen.add(date.name)
            changed.append(
                (date.verbose_name, fuzzy_text(previous, date), fuzzy_text(record, date))
            )
    return [(str(label), old, new) for label, old, new in changed]


def fuzzy_text(record, date):
    day, precision = getattr(record, date.date_field), getattr(record, date.precision_field)
    return str(FuzzyDate.containing(day, precision)) if day and precision else "—"


def shown(field, value):
    """A value as a reader reads it; a related record only by a public name."""
    if value in (None, ""):
        return "—"
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        if related is None or not related.is_visible_to(None):
            return str(_("(niet openbaar)"))
        return str(related)
    if field.name in MONEY_FIELDS:
        return format_money(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)

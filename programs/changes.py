"""The changes feed: every change in how the public reads a record in the API, kept as it is
made, so that a copy kept by applying the feed equals a fresh listing.

A record is public when the public can read it (`published()`: its own state and that of the
records it is published through). Its API representation also shows other records: a
program its themes by name, a budget line its document and program, a commitment its
deadline changes. So a write is a public change of the record written and of every public
record that shows it (`FeedType.shows`):

- public before and after: `gewijzigd` (for a record that shows the one written: only when
  a field it shows changed, its publication included);
- public after only (new, published, or its program published): `nieuw`;
- public before only (deleted, unpublished, or its program unpublished): `verwijderd`, under
  the address and title the public knew.

Each entry names the record by its `uuid` (which never changes) and by its address now (its
slug or composed id, which may). The entries are written by signal handlers in the
transaction of the write (`track`), on PostgreSQL under a transaction-level lock so that
their ids, the feed's order and cursor, follow the order in which writes commit: a reader
that has read up to an id never finds an entry before it later.
"""

import base64
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connections, router
from django.db.models import Exists, F, ManyToManyField, OuterRef, TextField, Value
from django.db.models.functions import Cast, Concat
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from common import caching

from .models import PublicChange, published_via

CREATED, UPDATED, DELETED = (
    PublicChange.Action.CREATED,
    PublicChange.Action.UPDATED,
    PublicChange.Action.DELETED,
)
# Any number the other projects using this database would not take for an advisory lock.
FEED_LOCK = 0x6C696D62  # "limb"
#: What a link to a record shows: in `FeedType.shows`, the fields whose change is a change of
#: the record showing it (its publication always is).
NAMED = ("slug", "name")
TITLED = ("slug", "title")
# False while a restore loads a feed that already says what happened (`not_recorded`).
_recording = ContextVar("feed_recording", default=True)


@dataclass(frozen=True)
class FeedType:
    """A kind of record in the feed: its name in the API, model, address (`key`: the fields
    of its public id), title, and what else it shows: `{lookup: fields}` from it to the
    related records its representation shows (fields None: any of theirs)."""

    name: str
    model: type
    key: tuple = ("slug",)
    title: object = "name"
    shows: dict = field(default_factory=dict)

    @property
    def history(self):
        return self.model.history.model

    def address(self):
        """The public id as a database expression, as text (`document-slug-3`)."""
        parts = [Cast(name, TextField()) for name in self.key]
        if len(parts) == 1:
            return parts[0]
        separated = [parts[0]]
        for part in parts[1:]:
            separated += [Value("-"), part]
        return Concat(*separated, output_field=TextField())

    def linked_rows(self, lookup, pk):
        """{pk: Row} of the records whose `lookup` is `pk` (or in it, for `pk__in`)."""
        manager = self.model._default_manager
        public = manager.filter(pk=OuterRef("pk")).published()
        title = F(self.title) if isinstance(self.title, str) else self.title
        rows = manager.filter(**{lookup: pk}).annotate(
            feed_public=Exists(public),
            feed_address=self.address(),
            feed_title=Cast(title, TextField()),
        )
        rows = rows.order_by().values_list(
            "pk", "feed_public", "uuid", "feed_address", "feed_title"
        )
        return {pk: Row(*rest) for pk, *rest in rows}


@dataclass(frozen=True)
class Row:
    """A record as the feed names it, and whether the public reads it."""

    public: bool
    uuid: object
    address: str
    title: str


# Reading


def encode_cursor(entry_id):
    return base64.urlsafe_b64encode(f"w{entry_id}".encode()).decode().rstrip("=")


def decode_cursor(text):
    """The entry id a cursor names; ValueError for anything that is not a cursor."""
    try:
        decoded = base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode()).decode()
    except (ValueError, UnicodeError) as error:
        raise ValueError(f"geen geldige cursor: {text!r}") from error
    number = decoded.removeprefix("w")
    if not decoded.startswith("w") or not number.isascii() or not number.isdigit():
        raise ValueError(f"geen geldige cursor: {text!r}")
    if len(number) > 18:
        raise ValueError(f"geen geldige cursor: {text!r}")
    return int(number)


def changes(*, since=None, after=None, limit=100):
    """Up to `limit` entries in feed order, after the entry id `after` and at or after the
    time `since`; and whether more follow."""
    entries = PublicChange.objects.all()
    if since is not None:
        entries = entries.filter(changed_at__gte=since)
    if after is not None:
        entries = entries.filter(id__gt=after)
    page = list(entries[: limit + 1])
    return page[:limit], len(page) > limit


def latest_changes(limit=50):
    """The `limit` most recent entries, newest first (for the Atom feed)."""
    return list(PublicChange.objects.order_by("-id")[:limit])


def latest_entry_id():
    """The id of the feed's last entry, 0 when it is empty: a cursor to read on from now."""
    return PublicChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def latest_change_at():
    """When public data last changed, or None."""
    latest = PublicChange.objects.order_by("-id").values_list("changed_at", flat=True).first()
    return latest


# Writing


@contextmanager
def not_recorded():
    """Write no entries for the writes made inside: for a restore, whose data brings the feed
    it had, ids and all."""
    token = _recording.set(False)
    try:
        yield
    finally:
        _recording.reset(token)


@dataclass(frozen=True, eq=False)
class Watch:
    """A feed type whose records show records of the watched model through `lookup`."""

    feed_type: FeedType
    lookup: str
    fields: tuple | None

    @property
    def decides_publication(self):
        """Whether the watched record is the record itself or one it is published through:
        then a record that starts (or stops) being linked starts (or stops) being public."""
        return self.lookup == "pk" or self.lookup in published_via(self.feed_type.model)

    def entries(self, before, after, shown_changed):
        """[(watch, action, row)]: the entries a write makes, from the linked records' rows
        before and after it."""
        made = []
        for pk in before.keys() | after.keys():
            row_before, row_after = before.get(pk), after.get(pk)
            linked_alike = row_before is not None and row_after is not None
            if linked_alike:
                public_before, public_after = row_before.public, row_after.public
            elif row_after is not None:
                public_after = row_after.public
                public_before = public_after and not self.decides_publication
            else:
                public_before = row_before.public
                public_after = public_before and not self.decides_publication
            if public_before and not public_after:
                made.append((self, DELETED, row_before))
            elif public_after and not public_before:
                made.append((self, CREATED, row_after))
            elif public_after and (self.lookup == "pk" or shown_changed or not linked_alike):
                made.append((self, UPDATED, row_after or row_before))
        return made


def track(feed_types):
    """Keep the feed of `feed_types`: connect the signal handlers that write its entries for
    every write to those records and to every record they show."""
    watches = {}
    for feed_type in feed_types:
        watches.setdefault(feed_type.model, []).append(Watch(feed_type, "pk", None))
        shown = dict.fromkeys(published_via(feed_type.model), ("publication_status",))
        for lookup, fields in {**shown, **feed_type.shows}.items():
            target = related_model(feed_type.model, lookup)
            watches.setdefault(target, []).append(Watch(feed_type, lookup, fields))
    for model, model_watches in watches.items():
        writes = Writes(model, model_watches)
        uid = f"feed-{model._meta.label}"
        pre_save.connect(writes.before, sender=model, weak=False, dispatch_uid=uid)
        pre_delete.connect(writes.before, sender=model, weak=False, dispatch_uid=uid)
        post_save.connect(writes.after, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(writes.after_delete, sender=model, weak=False, dispatch_uid=uid)
        for relation in model._meta.get_fields():
            if isinstance(relation, ManyToManyField) and relation.remote_field.through:
                links = Links(relation, watches)
                through = relation.remote_field.through
                m2m_changed.connect(links.changed, sender=through, weak=False, dispatch_uid=uid)


def related_model(model, lookup):
    """The model at the end of `lookup` from `model`."""
    for name in lookup.split("__"):
        model = model._meta.get_field(name).related_model
    return model


class Writes:
    """The signal handlers for saves and deletes of one model."""

    def __init__(self, model, watches):
        self.model, self.watches = model, watches

    def before(self, sender, instance, raw=False, **kwargs):
        """Before a save or delete: what the public reads now of every record it touches."""
        if not _recording.get():
            return
        if instance.pk is None:
            instance._feed_before = (None, {})
            return
        values = self.model._base_manager.filter(pk=instance.pk).values().first()
        rows = {watch: watch.feed_type.linked_rows(watch.lookup, instance.pk) for watch in self}
        instance._feed_before = (values, rows)

    def after(self, sender, instance, raw=False, **kwargs):
        if not _recording.get():
            return
        values = self.model._base_manager.filter(pk=instance.pk).values().first()
        self.record(instance, values)

    def after_delete(self, sender, instance, **kwargs):
        if _recording.get():
            self.record(instance, None)

    def __iter__(self):
        return iter(self.watches)

    def record(self, instance, values):
        values_before, rows_before = getattr(instance, "_feed_before", (None, {}))
        instance._feed_before = None
        at = getattr(instance, "_history_date", None) or timezone.now()
        entries = []
        for watch in self:
            after = {}
            if values is not None:
                after = watch.feed_type.linked_rows(watch.lookup, instance.pk)
            shown_changed = changed(values_before, values, watch.fields)
            entries += watch.entries(rows_before.get(watch, {}), after, shown_changed)
        history_id = latest_history_id(instance) if entries else None
        write(
            [
                entry(
                    watch.feed_type, action, row, at, history_id if watch.lookup == "pk" else None
                )
                for watch, action, row in entries
            ],
            self.model,
        )


def changed(before, after, fields):
    """Whether a write changed any of `fields` or the publication (None: any field but the
    version)."""
    if before is None or after is None:
        return True
    names = (*fields, "publication_status") if fields else [n for n in after if n != "version"]
    return any(before.get(name) != after.get(name) for name in names)


def latest_history_id(instance):
    history = getattr(type(instance), "history", None)
    if history is None:
        return None
    rows = history.model._default_manager.filter(id=instance.pk).order_by("-history_id")
    return rows.values_list("history_id", flat=True).first()


class Links:
    """The signal handler for one many-to-many relation: who shows it, on either side."""

    def __init__(self, relation, watches):
        self.relation = relation
        self.source, self.target = relation.model, relation.related_model
        forward, backward = relation.name, relation.related_query_name()
        # The feed types that show the links: of the source records, of the target records.
        self.source_types = [
            watch.feed_type
            for watch in watches.get(self.target, ())
            if watch.lookup == forward and watch.feed_type.model is self.source
        ]
        self.target_types = [
            watch.feed_type
            for watch in watches.get(self.source, ())
            if watch.lookup == backward and watch.feed_type.model is self.target
        ]

    def changed(self, sender, instance, action, reverse, model, pk_set, **kwargs):
        if not _recording.get():
            return
        if action == "pre_clear":
            instance._feed_cleared = self.linked(instance, reverse)
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        others = pk_set if action != "post_clear" else instance._feed_cleared
        sources, targets = ({instance.pk}, others) if not reverse else (others, {instance.pk})
        at = getattr(instance, "_history_date", None) or timezone.now()
        entries = []
        for feed_types, pks in ((self.source_types, sources), (self.target_types, targets)):
            for feed_type in feed_types:
                rows = feed_type.linked_rows("pk__in", list(pks or ()))
                entries += [
                    entry(feed_type, UPDATED, row, at) for row in rows.values() if row.public
                ]
        write(entries, self.source)

    def linked(self, instance, reverse):
        """The pks on the other side of `instance`'s links, before they are cleared."""
        if reverse:
            sources = self.source._base_manager.filter(**{self.relation.name: instance.pk})
            return set(sources.values_list("pk", flat=True))
        return set(getattr(instance, self.relation.name).values_list("pk", flat=True))


def record_created(feed_types, created, batch_size=2000):
    """Write `nieuw` for records inserted in bulk, which sends no signals: `created` maps a
    model to the keys it inserted; those the public reads now get an entry."""
    at = timezone.now()
    for feed_type in feed_types:
        keys = created.get(feed_type.model, [])
        for start in range(0, len(keys), batch_size):
            rows = feed_type.linked_rows("pk__in", keys[start : start + batch_size])
            made = [entry(feed_type, CREATED, row, at) for row in rows.values() if row.public]
            write(made, feed_type.model)


def entry(feed_type, action, row, at, history_id=None):
    return PublicChange(
        changed_at=at,
        type=feed_type.name,
        record_uuid=row.uuid,
        record_id=row.address,
        title=row.title,
        action=action,
        history_id=history_id,
    )


def write(entries, model):
    """Write `entries` once each, in the order written, in the current transaction."""
    unique, seen = [], set()
    for change in entries:
        key = (change.type, change.record_uuid, change.action)
        if key not in seen:
            seen.add(key)
            unique.append(change)
    if not unique:
        return
    using = router.db_for_write(PublicChange)
    connection = connections[using]
    if connection.vendor == "postgresql":
        # Held to the end of the transaction: ids are taken in the order writes commit.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FEED_LOCK])
    PublicChange.objects.using(using).bulk_create(unique)
    # bulk_create sends no signal: say so to the cached figures that read the feed.
    caching.data_changed(using, {PublicChange._meta.db_table})

"""The changes feed: public records created, updated and deleted, read from the history tables.

Every save and delete leaves a historical row (django-simple-history: `history_type` `+`, `~`,
`-`, with `history_date` and `history_id`). A row is a public change when the public could see
the record after it, or could see it before it:

- public before and after: `updated` (a changed public id: the old id `deleted`, the new one
  `created`, so a synchronising system drops the old address);
- public after only (new, or a concept published): `created`;
- public before only (deleted, or turned back into concept): `deleted`, under the id and title
  the public knew; the concept state itself is never shown.

Changes of concept records that were never public never appear. A record that is public only
while related records are (`published_via`: a budget line and its document and program) is
reported only while those related records are public now.

Entries are ordered by (time of change, type, history id): a `Position` that is also the
cursor, so paging is stable under ties and nothing is skipped or repeated. Each page costs two
bounded queries per record type, whatever the size of the history.
"""

import base64
import datetime
import heapq
import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import DateTimeField, OuterRef, Q, Subquery
from django.utils import timezone

from .models import PublicationStatus

CREATED, UPDATED, DELETED = "created", "updated", "deleted"
ACTIONS = (CREATED, UPDATED, DELETED)
PUBLISHED = PublicationStatus.PUBLISHED


@dataclass(frozen=True, order=True)
class Position:
    """Where an entry sits in the feed; encoded, the opaque `cursor` of the next page."""

    changed_at: datetime.datetime
    type: str
    history_id: int
    step: int = 0

    def encode(self):
        data = [self.changed_at.isoformat(), self.type, self.history_id, self.step]
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text):
        """The position a cursor names; ValueError for anything that is not a cursor."""
        try:
            padded = text + "=" * (-len(text) % 4)
            changed_at, type_name, history_id, step = json.loads(
                base64.urlsafe_b64decode(padded.encode())
            )
            changed_at = datetime.datetime.fromisoformat(changed_at)
        except (TypeError, ValueError, UnicodeError) as error:
            raise ValueError(f"geen geldige cursor: {text!r}") from error
        valid = (
            changed_at.tzinfo is not None
            and isinstance(type_name, str)
            and isinstance(history_id, int)
            and isinstance(step, int)
        )
        if not valid:
            raise ValueError(f"geen geldige cursor: {text!r}")
        return cls(changed_at, type_name, history_id, step)


@dataclass(frozen=True)
class FeedType:
    """A kind of record in the feed: its name in the API, model, public id and title fields."""

    name: str
    model: type
    key: tuple = ("slug",)
    title: str = "name"

    @property
    def history(self):
        return self.model.history.model

    def public_id(self, row):
        return "-".join(str(row[field]) for field in self.key)


@dataclass(frozen=True)
class Change:
    position: Position
    type: str
    id: str
    action: str
    title: str

    @property
    def changed_at(self):
        return self.position.changed_at


def changes(feed_types, *, since=None, after=None, limit=100):
    """Up to `limit` public changes in feed order, after the position `after` (exclusive) and
    at or after `since`; and whether more follow."""
    streams = [
        _type_changes(feed_type, since=since, after=after, limit=limit + 2)
        for feed_type in feed_types
    ]
    merged = heapq.merge(*streams, key=lambda change: change.position)
    entries = [change for change in merged if after is None or change.position > after]
    return entries[:limit], len(entries) > limit


def latest_changes(feed_types, limit=50):
    """The `limit` most recent public changes, newest first (for the Atom feed)."""
    streams = [
        sorted(_type_changes(feed_type, limit=limit, newest_first=True), reverse=True, key=_at)
        for feed_type in feed_types
    ]
    return list(heapq.merge(*streams, key=_at, reverse=True))[:limit]


def _at(change):
    return change.position


def _type_changes(feed_type, *, since=None, after=None, limit, newest_first=False):
    rows = _public_rows(feed_type)
    if since is not None:
        rows = rows.filter(history_date__gte=since)
    if after is not None:
        rows = rows.filter(_after(feed_type.name, after))
    order = ("-history_date", "-history_id") if newest_first else ("history_date", "history_id")
    fields = {*feed_type.key, feed_type.title}
    rows = list(
        rows.order_by(*order).values(
            "history_id",
            "history_date",
            "history_type",
            "publication_status",
            "previous_id",
            "previous_status",
            *fields,
        )[:limit]
    )
    previous = _previous_rows(feed_type, rows, fields)
    return [change for row in rows for change in _entries(feed_type, row, previous)]


def _public_rows(feed_type):
    """Historical rows after which, or before which, the record was public."""
    history = feed_type.history
    earlier = history.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    earlier = earlier.order_by("-history_date", "-history_id")
    rows = history.objects.annotate(
        previous_id=Subquery(earlier.values("history_id")[:1]),
        previous_status=Subquery(earlier.values("publication_status")[:1]),
    ).filter(Q(publication_status=PUBLISHED) | Q(previous_status=PUBLISHED))
    for path in feed_type.model.objects.get_queryset().published_via:
        rows = rows.filter(**{f"{path}__publication_status": PUBLISHED})
    return rows


def _after(type_name, position):
    """Rows that may hold entries after `position`, for the record type `type_name`."""
    at = position.changed_at
    if type_name < position.type:
        return Q(history_date__gt=at)
    if type_name > position.type:
        return Q(history_date__gte=at)
    return Q(history_date__gt=at) | Q(history_date=at, history_id__gte=position.history_id)


def _previous_rows(feed_type, rows, fields):
    """The rows before the given ones that were public: the id and title the public knew."""
    wanted = [row["previous_id"] for row in rows if row["previous_status"] == PUBLISHED]
    if not wanted:
        return {}
    earlier = feed_type.history.objects.filter(history_id__in=wanted)
    return {row["history_id"]: row for row in earlier.values("history_id", *fields)}


def _entries(feed_type, row, previous):
    """The feed entries one historical row makes: one, or two for a changed public id."""
    at, name = row["history_date"], feed_type.name
    before = previous.get(row["previous_id"])

    def entry(action, source, step=0):
        position = Position(at, name, row["history_id"], step)
        return Change(position, name, feed_type.public_id(source), action, source[feed_type.title])

    if row["publication_status"] != PUBLISHED:
        return [entry(DELETED, before)]
    if row["history_type"] == "-":
        return [entry(DELETED, row)]
    if before is None:
        return [entry(CREATED, row)]
    if feed_type.public_id(before) != feed_type.public_id(row):
        return [entry(DELETED, before), entry(CREATED, row, step=1)]
    return [entry(UPDATED, row)]


def latest_change_at(feed_types):
    """When public data last changed (the time of the newest entry of `latest_changes`), or
    None: one query (`newest_public_changes_sql`)."""
    if not feed_types:
        return None
    with connection.cursor() as cursor:
        cursor.execute(*newest_public_changes_sql(feed_types))
        times = [_aware(value) for value in cursor.fetchone() if value is not None]
    return max(times, default=None)


def newest_public_changes_sql(feed_types):
    """SQL and parameters selecting each record type's newest public change, one scalar
    subquery per type. Each walks its history table backwards along the `history_date` index
    and stops at the first public row; a `MAX()` would test every history row (seconds at
    scale)."""
    parts, params = [], []
    for feed_type in feed_types:
        newest = _public_rows(feed_type).order_by("-history_date", "-history_id")
        sql, query_params = newest.values("history_date")[:1].query.sql_with_params()
        parts.append(f"({sql})")
        params.extend(query_params)
    return f"SELECT {', '.join(parts)}", params


def _aware(value):
    """A raw cursor's timestamp as an aware datetime (SQLite gives naive UTC text)."""
    value = DateTimeField().to_python(value)
    return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value

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
cursor, so paging is stable under ties and nothing is skipped or repeated. Each page costs one
query (a UNION ALL of the record types' history), bounded whatever the size of the history.
"""

import base64
import datetime
import json
from dataclasses import dataclass

from django.db import connections
from django.db.models import OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat

from .models import PublicationStatus, published_via

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
    """A kind of record in the feed: its name in the API, model, public id fields, and its
    title: a field, or an expression over the historical row ("recipient: instrument")."""

    name: str
    model: type
    key: tuple = ("slug",)
    title: str = "name"

    @property
    def history(self):
        return self.model.history.model


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
    # A row makes one entry, or two: `limit` + 2 rows hold more than `limit` entries after
    # `after`, even when the first is the row `after` names.
    rows = _feed_rows(feed_types, since=since, after=after, limit=limit + 2)
    entries = [change for row in rows for change in _entries(row)]
    entries = [change for change in entries if after is None or change.position > after]
    return entries[:limit], len(entries) > limit


def latest_changes(feed_types, limit=50):
    """The `limit` most recent public changes, newest first (for the Atom feed)."""
    rows = _feed_rows(feed_types, limit=limit, newest_first=True)
    entries = [change for row in rows for change in _entries(row)]
    return sorted(entries, key=_at, reverse=True)[:limit]


def _at(change):
    return change.position


def _feed_rows(feed_types, *, since=None, after=None, limit, newest_first=False):
    """The first `limit` historical rows of all `feed_types` in feed order (or newest first)
    that hold public changes, as dicts (the columns of `_type_rows`) with their `feed_type`.

    One query: a UNION ALL of each type's rows, each bounded by `since`, `after` and `limit`
    on its own, so that each reads its history table's index on `history_date` for no more
    rows than that.
    """
    # Ranked as Python orders the type names, as `Position` does.
    ranked = sorted(feed_types, key=lambda feed_type: feed_type.name)
    if not ranked:
        return []
    direction = "DESC" if newest_first else "ASC"
    branches, params, compiler = [], [], None
    for rank, feed_type in enumerate(ranked):
        rows = _type_rows(feed_type, rank, since=since, after=after, newest_first=newest_first)
        compiler = rows[:limit].query.get_compiler(using=rows.db)
        sql, branch_params = compiler.as_sql()
        # Django refuses LIMIT inside a compound query on SQLite: each branch is a subquery.
        branches.append(f"SELECT * FROM ({sql}) branch_{rank}")
        params.extend(branch_params)
    quote = connections[compiler.using].ops.quote_name
    order = ", ".join(
        f"{quote(column)} {direction}" for column in ("history_date", "type_rank", "history_id")
    )
    sql = f"SELECT * FROM ({' UNION ALL '.join(branches)}) feed ORDER BY {order} LIMIT %s"
    with connections[compiler.using].cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    # The values as the ORM reads them (on SQLite, times are text): every branch has the
    # columns of the last.
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    rows = compiler.apply_converters(rows, converters) if converters else rows
    rows = [dict(zip(names, row, strict=True)) for row in rows]
    return [{**row, "feed_type": ranked[row["type_rank"]]} for row in rows]


def _type_rows(feed_type, rank, *, since, after, newest_first):
    """One record type's historical rows with public changes, in feed order: the columns of
    every type's rows, in the same order, for a UNION."""
    rows = _public_rows(feed_type)
    if since is not None:
        rows = rows.filter(history_date__gte=since)
    if after is not None:
        rows = rows.filter(_after(feed_type.name, after))
    order = ("-history_date", "-history_id") if newest_first else ("history_date", "history_id")
    earlier = _earlier_rows(feed_type)
    return rows.order_by(*order).values(
        "history_id",
        "history_date",
        "history_type",
        "publication_status",
        "previous_status",
        type_rank=Value(rank),
        record_id=_record_id(feed_type),
        record_title=_record_title(feed_type),
        previous_record_id=Subquery(earlier.values(record_id=_record_id(feed_type))[:1]),
        previous_record_title=Subquery(earlier.values(record_title=_record_title(feed_type))[:1]),
    )


def _record_id(feed_type):
    """The public id of a historical row (`FeedType.key`), as text."""
    parts = [Cast(field, TextField()) for field in feed_type.key]
    if len(parts) == 1:
        return parts[0]
    separated = [parts[0]]
    for part in parts[1:]:
        separated += [Value("-"), part]
    return Concat(*separated, output_field=TextField())


def _record_title(feed_type):
    return Cast(feed_type.title, TextField())


def _earlier_rows(feed_type):
    """The historical rows of the same record before the outer one, latest first."""
    return (
        feed_type.history.objects.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
    )


def _public_rows(feed_type):
    """Historical rows after which, or before which, the record was public."""
    earlier = _earlier_rows(feed_type)
    rows = feed_type.history.objects.annotate(
        previous_status=Subquery(earlier.values("publication_status")[:1]),
    ).filter(Q(publication_status=PUBLISHED) | Q(previous_status=PUBLISHED))
    for path in published_via(feed_type.model):
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


def _entries(row):
    """The feed entries one historical row makes: one, or two for a changed public id."""
    at, name = row["history_date"], row["feed_type"].name
    current = (row["record_id"], row["record_title"])
    before = None
    if row["previous_status"] == PUBLISHED:
        before = (row["previous_record_id"], row["previous_record_title"])

    def entry(action, source, step=0):
        record_id, title = source
        return Change(Position(at, name, row["history_id"], step), name, record_id, action, title)

    if row["publication_status"] != PUBLISHED:
        return [entry(DELETED, before)]
    if row["history_type"] == "-":
        return [entry(DELETED, current)]
    if before is None:
        return [entry(CREATED, current)]
    if before[0] != current[0]:
        return [entry(DELETED, before), entry(CREATED, current, step=1)]
    return [entry(UPDATED, current)]


def latest_change_at(feed_types):
    """When public data last changed (the time of the newest entry of `latest_changes`), or
    None: the feed's own query, newest first, one row long (each record type's history read
    backwards along its `history_date` index, stopping at its newest public row)."""
    rows = _feed_rows(feed_types, limit=1, newest_first=True)
    return rows[0]["history_date"] if rows else None

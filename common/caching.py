"""Cached figures: totals, counts and rows kept in Django's cache until the data they read
changes.

Every table of `programs` and `budgets` (with their many-to-many and history tables) has a data
version in the cache, a random token. A write to a model (a save, a delete, a many-to-many
change, `loaddata`) replaces the version of the tables it wrote once its transaction commits;
a figure is kept with the versions of the tables its computation read (every SQL statement it
ran, prefetches and lazy reads included), and is valid while those still hold. So an edit of a
commitment leaves the budget totals cached, and an edit of a budget line recomputes them.
Replacing a version before the commit would let a concurrent reader cache the old data under
the new one; a write in a rolled-back transaction replaces nothing. Writes that send no
signals (`bulk_create` in `generate_scale_data`) call `data_changed()` themselves. The timeout
only bounds how long unread entries take up room.

A query's key is its SQL and parameters: the filters, what the reader may see (the public's
query asks for published records, an editor's does not) and today's date where a figure
depends on it. A connection that has written in its open transaction reads its own writes,
so it neither reads nor fills the cache until that transaction commits.

With several worker processes the cache must be shared (`REDIS_URL`): a local-memory cache
only learns of the writes made in its own process. While that cache is unreachable every read
misses and the versions are unknown, so every figure is computed from the database.
"""

import hashlib
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache as once
from functools import partial

from asgiref.local import Local
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

#: The apps whose records the figures read.
TRACKED_APPS = {"programs", "budgets"}
VERSION_KEY = "figures:version"
TIMEOUT = 60 * 60
# Writes the database makes itself: renaming an organisation or a program rewrites the stored
# search columns of its subsidies (trigger of budgets 0007_stored_search).
ALSO_WRITTEN = {
    "programs_organisation": {"budgets_subsidy"},
    "programs_program": {"budgets_subsidy"},
}
QUOTED_NAME = re.compile(r'"([^"]+)"')
# The tables read by the computations under way, so that a figure computed from another cached
# figure also depends on what that one read.
_reading = ContextVar("tables_read", default=())


@once
def tracked_tables():
    """The tables of the tracked apps' models, many-to-many and history tables included."""
    return frozenset(
        model._meta.db_table
        for app in TRACKED_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    )


def version_key(table):
    return f"{VERSION_KEY}:{table}"


def data_versions(tables=None):
    """{table: data version} of `tables` (every tracked table by default); a new version for a
    table the cache has none of (cleared, restarted)."""
    keys = {version_key(table): table for table in (tracked_tables() if tables is None else tables)}
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        # Of two first readers, the first to add wins; both use its token.
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        found |= cache.get_many(missing)
    return {keys[key]: version for key, version in found.items()}


class PendingVersions:
    """The on-commit callback that replaces the versions of the tables written in one
    connection's open transaction. Every write registers it again and adds its tables, so
    whichever registration survives the transaction's rolled-back savepoints replaces them all
    (a version too many at worst, never too few), once."""

    def __init__(self):
        self.tables = set()
        self.done = False

    def __call__(self):
        if not self.done:
            _replace_versions(self.tables)
            self.done = True


# {database alias: PendingVersions} of this thread's connections, as Django keeps connections.
_pending = Local()


def written(tables=None):
    """The tables a write to `tables` (every tracked table by default) changes: those, and the
    ones the database rewrites itself on such a write."""
    tables = set(tracked_tables() if tables is None else tables)
    for table in list(tables):
        tables |= ALSO_WRITTEN.get(table, set())
    return tables


def _replace_versions(tables):
    cache.set_many({version_key(table): uuid.uuid4().hex for table in tables}, None)


def renew_versions(tables=None):
    """Replace the versions of what a write to `tables` (every tracked table by default)
    changes, now: what the commit of such a write does (`data_changed` waits for it)."""
    _replace_versions(written(tables))


def data_changed(using=DEFAULT_DB_ALIAS, tables=None):
    """Mark the cached figures that read `tables` (default: any tracked table) stale once the
    current transaction on `using` commits."""
    pending = getattr(_pending, using, None)
    if pending is None or pending.done:
        pending = PendingVersions()
        setattr(_pending, using, pending)
    pending.tables |= written(tables)
    transaction.on_commit(pending, using=using)


def forget_uncommitted_writes(using=DEFAULT_DB_ALIAS):
    """Forget the writes of a transaction that rolled back (a test's, say) at once, rather than
    when the connection is next seen outside a transaction."""
    if hasattr(_pending, using):
        delattr(_pending, using)


def _reads_own_writes(using):
    pending = getattr(_pending, using, None)
    if pending is None or pending.done:
        return False
    if transaction.get_autocommit(using):
        # No transaction is open, so the one that wrote rolled back.
        forget_uncommitted_writes(using)
        return False
    return True


@contextmanager
def tables_read(using):
    """The tracked tables named by the SQL run on `using` inside the block, and by the cached
    figures it read (a set, complete when the block ends)."""
    named = set()

    def record(execute, sql, params, many, context):
        named.update(QUOTED_NAME.findall(sql))
        return execute(sql, params, many, context)

    token = _reading.set((*_reading.get(), named))
    try:
        with connections[using].execute_wrapper(record):
            yield named
    finally:
        _reading.reset(token)
        named &= tracked_tables()
        read_around(named)


def read_around(tables):
    """Count `tables` as read by the computations under way around this one, also by those
    whose statements ran on another thread's connection (common.concurrency)."""
    for reading in _reading.get():
        reading.update(tables)


def cached(name, key, compute, using=DEFAULT_DB_ALIAS):
    """`compute()` for `name` and `key` (anything with a stable `repr`), from the cache while
    the tables it read are unchanged. `compute` returns data, not a lazy query.

    The versions a figure was computed at are kept twice: alone, so that a stale figure
    (thousands of rows, say) is known stale without being read and unpickled, and with the
    figure, so that one replaced in between by a figure of other versions is not taken for it.
    """
    if _reads_own_writes(using):
        return compute()
    entry_key = f"figures:{name}:{hashlib.sha256(repr(key).encode()).hexdigest()}"
    read = cache.get(f"{entry_key}:read")
    if read is not None and data_versions(read) == read:
        entry = cache.get(entry_key)
        if entry is not None and entry[0] == read:
            read_around(read)
            return entry[1]
    # The versions are read before computing: a write committed meanwhile makes new ones.
    versions = data_versions()
    with tables_read(using) as tables:
        value = compute()
    if tables <= versions.keys():
        read = {table: versions[table] for table in tables}
        cache.set_many({f"{entry_key}:read": read, entry_key: (read, value)}, TIMEOUT)
    # else the cache is unreachable (limburg_maak.cache): nothing to keep the figure with.
    return value


def query_key(*querysets):
    """The SQL and parameters of `querysets`; None when one of them cannot match any row."""
    key = []
    for queryset in querysets:
        try:
            key.append(queryset.query.get_compiler(using=queryset.db).as_sql())
        except EmptyResultSet:
            return None
    return key


def cached_query(name, queryset, compute, *also):
    """`compute(queryset)`, cached under the SQL of `queryset` and of the querysets `also`
    that the answer depends on too."""
    key = query_key(queryset, *also)
    if key is None:
        return compute(queryset)
    return cached(name, key, partial(compute, queryset), using=queryset.db)


def _tracked(sender):
    return sender._meta.app_label in TRACKED_APPS


@receiver(post_save)
@receiver(post_delete)
def record_written(sender, using, **kwargs):
    if _tracked(sender):
        data_changed(using, {sender._meta.db_table})


@receiver(m2m_changed)
def links_changed(sender, instance, action, model, using, **kwargs):
    if _tracked(sender) and action in {"post_add", "post_remove", "post_clear"}:
        # The link table, and both sides, whose figures may count their links.
        tables = {sender._meta.db_table, instance._meta.db_table, model._meta.db_table}
        data_changed(using, tables)

"""Cached figures: totals, counts and rows kept in Django's cache until the data changes.

One data version (a random token in the cache) is part of every figure's key. Any write to a
model of `programs` or `budgets` (a save, a delete, a many-to-many change, `loaddata`) replaces
the token once its transaction commits, so the next reader computes afresh and the old entries
are never read again. Replacing it before the commit would let a concurrent reader cache the
old data under the new token; a write in a rolled-back transaction replaces nothing. Writes
that send no signals (`bulk_create` in `generate_scale_data`) call `data_changed()`
themselves. The timeout only bounds how long unread entries take up room.

A query's key is its SQL and parameters: the filters, what the reader may see (the public's
query asks for published records, an editor's does not) and today's date where a figure
depends on it. A connection that has written in its open transaction reads its own writes,
so it neither reads nor fills the cache until that transaction commits.

With several worker processes the cache must be shared (`REDIS_URL`): a local-memory cache
only learns of the writes made in its own process.
"""

import hashlib
import uuid
from functools import partial

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

#: The apps whose records the figures read.
TRACKED_APPS = {"programs", "budgets"}
VERSION_KEY = "figures:version"
TIMEOUT = 60 * 60


def data_version():
    """The current data version; a new one when the cache has none (cleared, restarted)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # Of two first readers, the first to add wins; both use its token.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


class NewVersion:
    """The on-commit callback that replaces the data version; knows whether it has run."""

    def __init__(self):
        self.done = False

    def __call__(self):
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        self.done = True


def _pending(connection):
    """`(savepoints, callback)` of the version changes waiting for this transaction's commit.

    Django drops the callbacks of a rolled-back savepoint from `run_on_commit`, so what is
    left is exactly what will commit.
    """
    return [
        (savepoints, callback)
        for savepoints, callback, _robust in connection.run_on_commit
        if isinstance(callback, NewVersion) and not callback.done
    ]


def data_changed(using=DEFAULT_DB_ALIAS):
    """Mark every cached figure stale once the current transaction on `using` commits."""
    connection = connections[using]
    active = set(connection.savepoint_ids)
    if any(savepoints <= active for savepoints, _callback in _pending(connection)):
        # One already waits that commits whenever this write does.
        return
    transaction.on_commit(NewVersion(), using=using)


def _reads_own_writes(using):
    connection = connections[using]
    return connection.in_atomic_block and bool(_pending(connection))


def cached(name, key, compute, using=DEFAULT_DB_ALIAS):
    """`compute()` for `name` and `key` (anything with a stable `repr`), from the cache while
    the data version holds."""
    if _reads_own_writes(using):
        return compute()
    # The version is read before computing: a write committed meanwhile makes a new one.
    version = data_version()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    return cache.get_or_set(f"figures:{version}:{name}:{digest}", compute, TIMEOUT)


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
        data_changed(using)


@receiver(m2m_changed)
def links_changed(sender, action, using, **kwargs):
    if _tracked(sender) and action in {"post_add", "post_remove", "post_clear"}:
        data_changed(using)

"""Independent reads side by side: this thread and one helper, each on its own connection.

A page that runs several slow, independent queries (the site search: one ranked search per type
of record) waits for their sum; PostgreSQL runs each on one or two cores, so two at a time
finish in about two thirds of that. The helper thread opens a connection of its own when a
task needs one and closes it at the end, so a request holds at most two connections.
"""

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone, translation


def side_by_side(tasks, using=DEFAULT_DB_ALIAS):
    """`[task() for task in tasks]`, the tasks taken in order by this thread and a helper.

    The tasks must only read. They run in order on this thread alone where a second
    connection would not do: inside a transaction (it would not see this one's writes: a
    test's, say), and on databases other than PostgreSQL (SQLite in development). The helper
    uses the caller's language and time zone; an exception in a task is raised here.
    """
    tasks = list(tasks)
    alone = not transaction.get_autocommit(using) or connections[using].vendor != "postgresql"
    if alone or len(tasks) < 2:
        return [task() for task in tasks]
    results = [None] * len(tasks)
    # The first task is this thread's, the helper starts at the second: when the first is the
    # only one the cache cannot answer (the largest, say), no second connection is opened.
    queue = iter(range(1, len(tasks)))
    taking = threading.Lock()

    def work():
        while True:
            with taking:
                index = next(queue, None)
            if index is None:
                return
            results[index] = tasks[index]()

    language, zone = translation.get_language(), timezone.get_current_timezone()

    def assist():
        try:
            with translation.override(language), timezone.override(zone):
                work()
        finally:
            # The helper's own connections: those of this thread only.
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        # Context variables (what a cached figure is reading, common.caching) carry over.
        helping = pool.submit(contextvars.copy_context().run, assist)
        try:
            results[0] = tasks[0]()
            work()
        finally:
            # A task failed here: the helper takes no further ones.
            with taking:
                for _index in queue:
                    pass
        helping.result()
    return results

"""Independent reads side by side (`common.concurrency`): the site search's uncached searches
run on this thread and a helper with its own connection, and give what one thread gives.

A `threading.Barrier` of two shows that two tasks ran at the same time: run one after the
other, the first would wait for the second in vain and the barrier would break.
"""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from budgets.search import TYPES, search_site
from common.caching import cached, renew_versions
from common.concurrency import side_by_side
from programs.models import Program, Theme

from . import factories

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second connection sees only committed data"
)
#: Long enough for any machine, short enough that a broken barrier fails the test, not CI.
BARRIER_TIMEOUT = 20


def where_it_ran():
    """(thread, database backend, language) of the task that calls it."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    return threading.get_ident(), backend, translation.get_language()


def meeting_point(here=where_it_ran, helper=where_it_ran):
    """A task that, once a second one has reached the same point, answers `here()` on the
    caller's thread and `helper()` on the helper's."""
    barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT)

    def task():
        barrier.wait()
        on_helper = threading.get_ident() != threading.main_thread().ident
        return helper() if on_helper else here()

    return task


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_tasks_run_at_once_on_two_connections_in_the_callers_language():
    task = meeting_point()
    with translation.override("en"):
        first, second = side_by_side([task, task])
    assert first[0] != second[0]
    assert first[1] != second[1]
    assert first[2] == second[2] == "en"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_helper_closes_its_connection():
    helpers = []

    def helper():
        helpers.append(connections[DEFAULT_DB_ALIAS])
        return Program.objects.count()

    task = meeting_point(here=Program.objects.count, helper=helper)
    side_by_side([task, task])
    assert len(helpers) == 1
    assert helpers[0].connection is None


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_failing_task_raises_in_the_caller():
    def failing():
        raise ValueError("kapot")

    with pytest.raises(ValueError, match="kapot"):
        side_by_side([failing, Program.objects.count, failing])


@pytest.mark.django_db
def test_inside_a_transaction_the_tasks_run_here_and_see_its_writes():
    theme = factories.ThemeFactory()

    def task():
        return threading.get_ident(), list(Theme.objects.values_list("pk", flat=True))

    with transaction.atomic():
        results = side_by_side([task, task, task])
    assert results == [(threading.get_ident(), [theme.pk])] * 3


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_figure_made_beside_another_thread_depends_on_what_that_thread_read():
    task = meeting_point(
        here=Program.objects.count, helper=lambda: cached("themes", "count", Theme.objects.count)
    )
    computed = []

    def figure():
        computed.append(1)
        return side_by_side([task, task])

    cached("both", "counts", figure)
    cached("both", "counts", figure)
    assert len(computed) == 1
    renew_versions({Theme._meta.db_table})
    cached("both", "counts", figure)
    assert len(computed) == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_search_gives_the_same_groups_side_by_side_as_on_one_connection():
    program = factories.ProgramFactory(name="Innovatieprogramma maakindustrie")
    factories.BudgetLineFactory(program=program, label="Innovatie in de maakindustrie")
    factories.CommitmentFactory(title="Innovatie voor het mkb")
    factories.DocumentFactory(title="Innovatieagenda Limburg")
    public = AnonymousUser()

    with CaptureQueriesContext(connection) as here:
        beside = search_site("innovatie", public)
    cache.clear()
    with transaction.atomic():
        alone = search_site("innovatie", public)
    assert [(group.key, group.total, group.results) for group in beside] == [
        (group.key, group.total, group.results) for group in alone
    ]
    assert {group.key for group in alone} >= {"programmas", "begrotingsposten", "documenten"}
    # The page's own connection ran some of the searches, the helper's the others.
    ranked_here = [query for query in here.captured_queries if "search_rank" in query["sql"]]
    assert 0 < len(ranked_here) < len(TYPES)

"""The dashboard's long tables (the timeline, the contribution per program) read the page they
show, not every row: at scale they have thousands."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.tables import PER_PAGE
from programs.models import Program
from tests.factories import ProgramFactory
from website.dashboard import LazyRows

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs():
    ProgramFactory.create_batch(7)
    return Program.objects.order_by("name", "pk").values_list("name", flat=True)


def test_rows_of_lists_and_queries_slice_as_one_list(programs):
    rows = LazyRows([(["a", "b"], str.upper), (programs, str.lower), ([], str), (["z"], str)])
    expected = ["A", "B", *(name.lower() for name in programs), "z"]

    assert len(rows) == len(expected) == 10
    assert list(rows) == expected
    for start in range(-1, 11):
        for stop in range(start, 12):
            assert rows[start:stop] == expected[start:stop], (start, stop)
    assert rows[::3] == expected[::3]
    assert (rows[0], rows[2], rows[9], rows[-1], rows[-10]) == (
        expected[0],
        expected[2],
        expected[9],
        expected[-1],
        expected[-10],
    )
    with pytest.raises(IndexError):
        rows[10]
    with pytest.raises(IndexError):
        rows[-11]


def test_a_slice_of_a_query_reads_only_that_slice(programs):
    rows = LazyRows([(["first"], str), (programs, str)])
    len(rows)  # counted, and cached with the rows
    expected = list(programs[1:3])

    with CaptureQueriesContext(connection) as read:
        assert rows[2:4] == expected

    assert len(read) == 1
    assert "LIMIT 2 OFFSET 1" in read[0]["sql"]


def test_the_timeline_table_reads_one_page_of_many_programs(client):
    ProgramFactory.create_batch(PER_PAGE + 10)

    with CaptureQueriesContext(connection) as read:
        response = client.get("/")

    table = response.context["tables"]["tijdlijn"]
    assert len(table.records) == PER_PAGE
    assert table.has_next
    timeline = [
        query["sql"]
        for query in read.captured_queries
        if "start_precision" in query["sql"] and "end_precision" in query["sql"]
    ]
    # The chart's programs (the ten that end soonest) and the table's page: never all of them.
    assert timeline
    assert all("LIMIT" in sql for sql in timeline), timeline

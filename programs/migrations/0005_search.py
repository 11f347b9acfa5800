"""Search: the pg_trgm extension and GIN indexes for the Dutch text search and trigram matching.

PostgreSQL only. The indexes are not in the models' Meta (SQLite cannot build them), so they are
created here, outside Django's migration state. Their expressions must be the ones that
`programs.search` queries with, or PostgreSQL will not use them: `tests/test_search.py` checks.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from ._search_indexes import make_search_indexes

SEARCH_FIELDS = {
    "document": (("title", "A"), ("reference", "B"), ("summary", "C"), ("slug", "D")),
    "theme": (("name", "A"), ("description", "C"), ("slug", "D")),
    "organisation": (
        ("name", "A"),
        ("abbreviation", "A"),
        ("place", "B"),
        ("description", "C"),
        ("slug", "D"),
    ),
    "program": (("name", "A"), ("description", "C"), ("slug", "D")),
    "commitment": (
        ("title", "A"),
        ("number", "A"),
        ("kind", "B"),
        ("agenda_item", "B"),
        ("text", "C"),
        ("fulfilment", "C"),
    ),
    "action": (("title", "A"), ("description", "C"), ("slug", "D")),
    "indicator": (("name", "A"), ("sector", "B"), ("unit", "C"), ("slug", "D")),
}


class Migration(migrations.Migration):
    dependencies = [("programs", "0004_record_version")]

    operations = [
        # A no-op on other databases.
        TrigramExtension(),
        migrations.RunPython(*make_search_indexes("programs", SEARCH_FIELDS)),
    ]

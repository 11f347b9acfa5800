"""Search: commitments keep their search vector and text in columns the database generates, as
budget lines and subsidies do (budgets `0007_stored_search`).

PostgreSQL only, outside Django's migration state like the indexes of `0005_search`. Computed
per query, the weighted tsvector of a commitment's text and fulfilment was made again for every
match, to find it and to rank it: 60-80 ms of a common word's search at scale 1 (36.000
commitments). All its search fields are its own, so a generated column (`GENERATED ALWAYS AS
... STORED`) keeps them without a trigger; its expressions must be
`programs.search.search_vector` and `search_text` of `search_fields`, which
`tests/test_search.py` checks.

Programs and documents (5.000 and 6.000 at scale 1) were tried too and are left computed: with
stored columns PostgreSQL reads those small tables whole, checking the trigram condition on
every row (130-160 ms), where the expression indexes keep it to the matches (20 ms).
"""

from django.db import migrations

from ._search_indexes import make_search_indexes, stored_search_sql

STORED = {
    "commitment": (
        ("title", "A"),
        ("number", "A"),
        ("kind", "B"),
        ("agenda_item", "B"),
        ("text", "C"),
        ("fulfilment", "C"),
    ),
}

# The indexes of 0005_search on the computed expressions that the columns replace.
add_computed_indexes, remove_computed_indexes = make_search_indexes("programs", STORED)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, fields in STORED.items():
        add, _remove = stored_search_sql(f"programs_{model_name}", fields)
        schema_editor.execute(add)
    remove_computed_indexes(apps, schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    add_computed_indexes(apps, schema_editor)
    for model_name, fields in STORED.items():
        _add, remove = stored_search_sql(f"programs_{model_name}", fields)
        schema_editor.execute(remove)


class Migration(migrations.Migration):
    dependencies = [("programs", "0015_dutch_precision_values")]

    operations = [migrations.RunPython(forwards, backwards)]

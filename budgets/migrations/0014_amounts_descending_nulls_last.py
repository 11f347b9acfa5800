"""Indexes for the descending amount orderings with the records without an amount last.

PostgreSQL reads `ORDER BY amount DESC NULLS LAST, id DESC` from these in order. SQLite
cannot declare NULLS LAST in an index (and sorts its few rows itself), and rebuilds a table
with every index of the model state when a field changes: so the indexes are made here on
PostgreSQL only, and are not in the models' state.
"""

from django.db import migrations, models

INDEXES = {
    "budgetline": [("budgetline_amount_desc", "amount")],
    "subsidy": [
        ("subsidy_granted_amount_desc", "granted_amount"),
        ("subsidy_project_volume_desc", "project_volume"),
    ],
}


def descending(name, field):
    return models.Index(models.F(field).desc(nulls_last=True), models.F("id").desc(), name=name)


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, indexes in INDEXES.items():
        model = apps.get_model("budgets", model_name)
        for name, field in indexes:
            schema_editor.add_index(model, descending(name, field))


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, indexes in INDEXES.items():
        model = apps.get_model("budgets", model_name)
        for name, field in indexes:
            schema_editor.remove_index(model, descending(name, field))


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0013_feed_baseline"),
        ("programs", "0013_public_changes"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]

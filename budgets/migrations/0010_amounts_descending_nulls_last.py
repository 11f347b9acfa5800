"""Indexes for the descending amount orderings with the records without an amount last.

PostgreSQL reads `ORDER BY amount DESC NULLS LAST, id DESC` from these in order; SQLite
cannot declare NULLS LAST in an index (and sorts its few rows itself), so there they are
only in the migration state.
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
        ("budgets", "0009_dates_from_1900_to_2200"),
        ("programs", "0009_commitment_number_order"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name=model_name, index=descending(name, field))
                for model_name, indexes in INDEXES.items()
                for name, field in indexes
            ],
            database_operations=[migrations.RunPython(add_indexes, remove_indexes)],
        )
    ]

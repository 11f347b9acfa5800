"""Helpers of the search migrations (the migration loader skips modules starting with "_").

Frozen with the migrations that use them: they build the index expressions themselves rather
than importing `programs.search`, so a later change there cannot change what a migration did.
"""

from functools import reduce
from operator import add

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models.functions import Concat


def search_indexes(model_name, fields):
    """A GIN index on the weighted Dutch tsvector and a trigram GIN index on the joined text."""
    vector = reduce(
        add, (SearchVector(field, weight=weight, config="dutch") for field, weight in fields)
    )
    parts = [models.F(fields[0][0])]
    for field, _weight in fields[1:]:
        parts += [models.Value(" "), models.F(field)]
    text = Concat(*parts, output_field=models.TextField())
    return [
        GinIndex(vector, name=f"{model_name}_search_fts"),
        GinIndex(OpClass(text, name="gin_trgm_ops"), name=f"{model_name}_search_trgm"),
    ]


def make_search_indexes(app_label, search_fields):
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model_name, fields in search_fields.items():
            model = apps.get_model(app_label, model_name)
            for index in search_indexes(model_name, fields):
                schema_editor.add_index(model, index)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for model_name, fields in search_fields.items():
            model = apps.get_model(app_label, model_name)
            for index in search_indexes(model_name, fields):
                schema_editor.remove_index(model, index)

    return forwards, backwards

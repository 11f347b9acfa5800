"""Search: GIN indexes on budget lines (PostgreSQL only); see programs 0005_search.

Subsidies get none: they are searched by their recipient's and instrument's names, which live
in other tables, and an index covers one table.
"""

from django.db import migrations

from programs.migrations._search_indexes import make_search_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0003_record_version"),
        ("programs", "0005_search"),
    ]

    operations = [
        migrations.RunPython(
            *make_search_indexes(
                "budgets", {"budgetline": (("label", "A"), ("note", "C"))}
            )
        ),
    ]

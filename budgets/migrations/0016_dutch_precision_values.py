"""The fuzzy dates' precision in Dutch (`mid` -> `medio`), as the API shows it."""

from django.db import migrations, models

APP = 'budgets'

# The fuzzy dates' precision, in Dutch as the other choices are (`medio` for "medio 2016").
PRECISIONS = {
    "day": "dag",
    "month": "maand",
    "quarter": "kwartaal",
    "half_year": "halfjaar",
    "season": "seizoen",
    "early": "begin",
    "mid": "medio",
    "late": "eind",
    "year": "jaar",
}


def convert(apps, schema_editor, reverse):
    """Every fuzzy date's `<name>_precision` in the records and their history."""
    for model in apps.get_app_config(APP).get_models():
        for field in model._meta.fields:
            if not field.name.endswith("_precision"):
                continue
            for old, new in PRECISIONS.items():
                if reverse:
                    old, new = new, old
                model._base_manager.filter(**{field.name: old}).update(**{field.name: new})
    if schema_editor.connection.vendor == "postgresql":
        # Run the deferred foreign-key checks of these rows now, before any later migration
        # alters a table in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def forwards(apps, schema_editor):
    convert(apps, schema_editor, reverse=False)


def backwards(apps, schema_editor):
    convert(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):

    dependencies = [
        ('budgets', '0015_dutch_enum_values'),
    ]

    operations = [
        migrations.AlterField(
            model_name='budgetline',
            name='end_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='periode tot (precisie)'),
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='start_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='periode vanaf (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicalbudgetline',
            name='end_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='periode tot (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicalbudgetline',
            name='start_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='periode vanaf (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicalsubsidy',
            name='granted_on_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='datum verlening (precisie)'),
        ),
        migrations.AlterField(
            model_name='subsidy',
            name='granted_on_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='datum verlening (precisie)'),
        ),
        migrations.RunPython(forwards, backwards),
    ]

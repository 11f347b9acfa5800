"""The fuzzy dates' precision in Dutch (`mid` -> `medio`), as the API shows it."""

from django.db import migrations, models

APP = 'programs'

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
        ('programs', '0014_dutch_enum_values'),
    ]

    operations = [
        migrations.AlterField(
            model_name='action',
            name='due_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='termijn (precisie)'),
        ),
        migrations.AlterField(
            model_name='commitment',
            name='deadline_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='termijn (precisie)'),
        ),
        migrations.AlterField(
            model_name='commitment',
            name='fulfilled_on_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='afgedaan op (precisie)'),
        ),
        migrations.AlterField(
            model_name='commitment',
            name='made_on_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='datum (precisie)'),
        ),
        migrations.AlterField(
            model_name='deadlinechange',
            name='new_deadline_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='nieuwe termijn (precisie)'),
        ),
        migrations.AlterField(
            model_name='deadlinechange',
            name='old_deadline_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='oude termijn (precisie)'),
        ),
        migrations.AlterField(
            model_name='document',
            name='date_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='datum (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicalaction',
            name='due_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='termijn (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicalcommitment',
            name='deadline_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='termijn (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicalcommitment',
            name='fulfilled_on_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='afgedaan op (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicalcommitment',
            name='made_on_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='datum (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicaldeadlinechange',
            name='new_deadline_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='nieuwe termijn (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicaldeadlinechange',
            name='old_deadline_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='oude termijn (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicaldocument',
            name='date_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='datum (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicalindicator',
            name='reference_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='peildatum (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicalprogram',
            name='end_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='einde (precisie)'),
        ),
        migrations.AlterField(
            model_name='historicalprogram',
            name='start_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='start (precisie)'),
        ),
        migrations.AlterField(
            model_name='indicator',
            name='reference_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='peildatum (precisie)'),
        ),
        migrations.AlterField(
            model_name='program',
            name='end_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='einde (precisie)'),
        ),
        migrations.AlterField(
            model_name='program',
            name='start_precision',
            field=models.CharField(blank=True, choices=[('dag', 'dag'), ('maand', 'maand'), ('kwartaal', 'kwartaal'), ('halfjaar', 'halfjaar'), ('seizoen', 'seizoen'), ('begin', 'begin (jan-apr)'), ('medio', 'medio (mei-aug)'), ('eind', 'eind (sep-dec)'), ('jaar', 'jaar')], editable=False, max_length=10, verbose_name='start (precisie)'),
        ),
        migrations.RunPython(forwards, backwards),
    ]

"""The stored values of the choices in Dutch, as the API shows them (`running` -> `lopend`).

The constraints that name a value are dropped first and made again after.
"""

from django.db import migrations, models

APP = 'budgets'

PUBLICATION = {"published": "gepubliceerd"}
# model -> field -> {old value: new value}; each model's historical table too.
VALUES = {
    "budgetline": {
        "contribution_kind": {"amount": "bedrag", "external": "derden"},
        "funder": {"province": "provincie", "national": "rijk", "other": "derden"},
    },
    "subsidy": {
        "status": {
            "requested": "aangevraagd",
            "granted": "verleend",
            "settled": "vastgesteld",
            "withdrawn": "ingetrokken",
        }
    },
}


def convert(apps, schema_editor, app_label, reverse):
    """Every stored value of VALUES (and every `publication_status`) in its new spelling, in
    the records and in their history; `reverse` spells them as before."""
    for model in apps.get_app_config(app_label).get_models():
        name = model._meta.model_name.removeprefix("historical")
        fields = dict(VALUES.get(name, {}))
        if any(field.name == "publication_status" for field in model._meta.fields):
            fields["publication_status"] = PUBLICATION
        for field, values in fields.items():
            for old, new in values.items():
                if reverse:
                    old, new = new, old
                model._base_manager.filter(**{field: old}).update(**{field: new})
    if schema_editor.connection.vendor == "postgresql":
        # Check the deferred foreign keys of the rows written now: PostgreSQL alters no table
        # with checks still pending, and the constraints come next.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def forwards(apps, schema_editor):
    convert(apps, schema_editor, APP, reverse=False)


def backwards(apps, schema_editor):
    convert(apps, schema_editor, APP, reverse=True)


class Migration(migrations.Migration):

    dependencies = [
        ('budgets', '0014_amounts_descending_nulls_last'),
        ('programs', '0014_dutch_enum_values'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='budgetline',
            name='budget_line_amount_matches_kind',
        ),
        migrations.RemoveConstraint(
            model_name='subsidy',
            name='subsidy_settled_amount_only_when_settled',
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='contribution_kind',
            field=models.CharField(choices=[('bedrag', 'bedrag'), ('pm', 'PM (pro memorie)'), ('derden', 'op kosten van derden')], max_length=10, verbose_name='soort bijdrage'),
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='funder',
            field=models.CharField(choices=[('provincie', 'provincie'), ('eu', 'EU'), ('rijk', 'Rijk'), ('derden', 'derden')], default='provincie', max_length=10, verbose_name='financier'),
        ),
        migrations.AlterField(
            model_name='budgetline',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalbudgetline',
            name='contribution_kind',
            field=models.CharField(choices=[('bedrag', 'bedrag'), ('pm', 'PM (pro memorie)'), ('derden', 'op kosten van derden')], max_length=10, verbose_name='soort bijdrage'),
        ),
        migrations.AlterField(
            model_name='historicalbudgetline',
            name='funder',
            field=models.CharField(choices=[('provincie', 'provincie'), ('eu', 'EU'), ('rijk', 'Rijk'), ('derden', 'derden')], default='provincie', max_length=10, verbose_name='financier'),
        ),
        migrations.AlterField(
            model_name='historicalbudgetline',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalsubsidy',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalsubsidy',
            name='status',
            field=models.CharField(choices=[('aangevraagd', 'aangevraagd'), ('verleend', 'verleend'), ('vastgesteld', 'vastgesteld'), ('ingetrokken', 'ingetrokken')], max_length=12, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='subsidy',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='subsidy',
            name='status',
            field=models.CharField(choices=[('aangevraagd', 'aangevraagd'), ('verleend', 'verleend'), ('vastgesteld', 'vastgesteld'), ('ingetrokken', 'ingetrokken')], max_length=12, verbose_name='status'),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddConstraint(
            model_name='budgetline',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('amount__gte', 0), ('amount__isnull', False), ('contribution_kind', 'bedrag')), models.Q(('contribution_kind__in', ['pm', 'derden']), ('amount__isnull', True)), _connector='OR'), name='budget_line_amount_matches_kind', violation_error_message="Een bedrag is verplicht (en niet negatief) bij soort 'bedrag' en niet toegestaan bij PM of op kosten van derden."),
        ),
        migrations.AddConstraint(
            model_name='subsidy',
            constraint=models.CheckConstraint(condition=models.Q(('settled_amount__isnull', True), ('status', 'vastgesteld'), _connector='OR'), name='subsidy_settled_amount_only_when_settled'),
        ),
    ]

"""The stored values of the choices in Dutch, as the API shows them (`running` -> `lopend`).

The constraints that name a value are dropped first and made again after.
"""

from django.db import migrations, models

APP = 'programs'

PUBLICATION = {"published": "gepubliceerd"}
# model -> field -> {old value: new value}; each model's historical table too.
VALUES = {
    "action": {
        "status": {
            "planned": "aangekondigd",
            "in_progress": "in_uitvoering",
            "done": "afgerond",
            "dropped": "vervallen",
        }
    },
    "person": {
        "role": {
            "council_member": "statenlid",
            "executive_member": "gedeputeerde",
            "other": "overig",
        }
    },
    "commitmentrelation": {
        "kind": {"replaces": "vervangt", "repeats": "herhaalt", "supplements": "vult_aan"}
    },
    "settlement": {
        "decision": {
            "pending": "te_behandelen",
            "accepted": "akkoord",
            "rejected": "niet_akkoord",
        }
    },
    "organisation": {
        "kind": {
            "company": "bedrijf",
            "government": "overheid",
            "ministry": "ministerie",
            "agency": "uitvoeringsorganisatie",
            "knowledge": "kennisinstelling",
            "education": "onderwijs",
            "network": "netwerk",
            "partnership": "samenwerkingsverband",
            "other": "overig",
        }
    },
    "program": {
        "kind": {
            "program": "programma",
            "scheme": "regeling",
            "fund": "fonds",
            "facility": "faciliteit",
            "partnership": "samenwerking",
            "event": "evenement",
            "study": "onderzoek",
        },
        "status": {
            "planned": "gepland",
            "running": "lopend",
            "finished": "afgerond",
            "stopped": "gestopt",
        },
    },
    "programorganisation": {
        "role": {
            "lead": "trekker",
            "recipient": "ontvanger",
            "funder": "financier",
            "host": "gastheer",
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
        ('programs', '0013_public_changes'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='settlement',
            name='settlement_decided_with_a_date',
        ),
        migrations.AlterField(
            model_name='action',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='action',
            name='status',
            field=models.CharField(choices=[('aangekondigd', 'aangekondigd'), ('in_uitvoering', 'in uitvoering'), ('afgerond', 'afgerond'), ('vervallen', 'vervallen')], max_length=15, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='budgetprogram',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='commitment',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='commitmentrelation',
            name='kind',
            field=models.CharField(choices=[('vervangt', 'vervangt'), ('herhaalt', 'herhaalt'), ('vult_aan', 'vult aan')], max_length=12, verbose_name='relatie'),
        ),
        migrations.AlterField(
            model_name='commitmentrelation',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='document',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalaction',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalaction',
            name='status',
            field=models.CharField(choices=[('aangekondigd', 'aangekondigd'), ('in_uitvoering', 'in uitvoering'), ('afgerond', 'afgerond'), ('vervallen', 'vervallen')], max_length=15, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='historicalbudgetprogram',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalcommitment',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalcommitmentrelation',
            name='kind',
            field=models.CharField(choices=[('vervangt', 'vervangt'), ('herhaalt', 'herhaalt'), ('vult_aan', 'vult aan')], max_length=12, verbose_name='relatie'),
        ),
        migrations.AlterField(
            model_name='historicalcommitmentrelation',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicaldocument',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalindicator',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalmeeting',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalorganisation',
            name='kind',
            field=models.CharField(choices=[('bedrijf', 'bedrijf'), ('overheid', 'overheid'), ('ministerie', 'ministerie'), ('uitvoeringsorganisatie', 'uitvoeringsorganisatie of ontwikkelingsmaatschappij'), ('campus', 'campus'), ('kennisinstelling', 'kennisinstelling'), ('onderwijs', 'onderwijs'), ('netwerk', 'netwerk of brancheorganisatie'), ('samenwerkingsverband', 'samenwerkingsverband'), ('overig', 'overig')], max_length=30, verbose_name='soort'),
        ),
        migrations.AlterField(
            model_name='historicalorganisation',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='role',
            field=models.CharField(choices=[('statenlid', 'statenlid'), ('gedeputeerde', 'gedeputeerde'), ('overig', 'overig')], max_length=20, verbose_name='rol'),
        ),
        migrations.AlterField(
            model_name='historicalprogram',
            name='kind',
            field=models.CharField(choices=[('programma', 'programma'), ('regeling', 'regeling'), ('fonds', 'fonds'), ('instrument', 'instrument'), ('faciliteit', 'centrum of faciliteit'), ('project', 'project'), ('samenwerking', 'samenwerking of agenda'), ('evenement', 'evenement'), ('onderzoek', 'advies of onderzoek')], max_length=20, verbose_name='soort'),
        ),
        migrations.AlterField(
            model_name='historicalprogram',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalprogram',
            name='status',
            field=models.CharField(choices=[('gepland', 'gepland'), ('lopend', 'lopend'), ('afgerond', 'afgerond'), ('gestopt', 'gestopt')], max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='historicalprogramline',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalprogramorganisation',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicalprogramorganisation',
            name='role',
            field=models.CharField(choices=[('trekker', 'trekker'), ('partner', 'partner'), ('ontvanger', 'ontvanger of deelnemer'), ('financier', 'financier'), ('gastheer', 'gastheer of locatie')], max_length=10, verbose_name='rol'),
        ),
        migrations.AlterField(
            model_name='historicalsettlement',
            name='decision',
            field=models.CharField(choices=[('te_behandelen', 'nog te behandelen'), ('akkoord', 'akkoord'), ('niet_akkoord', 'niet akkoord')], default='te_behandelen', max_length=15, verbose_name='besluit'),
        ),
        migrations.AlterField(
            model_name='historicalsettlement',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='historicaltheme',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='indicator',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='organisation',
            name='kind',
            field=models.CharField(choices=[('bedrijf', 'bedrijf'), ('overheid', 'overheid'), ('ministerie', 'ministerie'), ('uitvoeringsorganisatie', 'uitvoeringsorganisatie of ontwikkelingsmaatschappij'), ('campus', 'campus'), ('kennisinstelling', 'kennisinstelling'), ('onderwijs', 'onderwijs'), ('netwerk', 'netwerk of brancheorganisatie'), ('samenwerkingsverband', 'samenwerkingsverband'), ('overig', 'overig')], max_length=30, verbose_name='soort'),
        ),
        migrations.AlterField(
            model_name='organisation',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='person',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='person',
            name='role',
            field=models.CharField(choices=[('statenlid', 'statenlid'), ('gedeputeerde', 'gedeputeerde'), ('overig', 'overig')], max_length=20, verbose_name='rol'),
        ),
        migrations.AlterField(
            model_name='program',
            name='kind',
            field=models.CharField(choices=[('programma', 'programma'), ('regeling', 'regeling'), ('fonds', 'fonds'), ('instrument', 'instrument'), ('faciliteit', 'centrum of faciliteit'), ('project', 'project'), ('samenwerking', 'samenwerking of agenda'), ('evenement', 'evenement'), ('onderzoek', 'advies of onderzoek')], max_length=20, verbose_name='soort'),
        ),
        migrations.AlterField(
            model_name='program',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='program',
            name='status',
            field=models.CharField(choices=[('gepland', 'gepland'), ('lopend', 'lopend'), ('afgerond', 'afgerond'), ('gestopt', 'gestopt')], max_length=10, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='programline',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='programorganisation',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='programorganisation',
            name='role',
            field=models.CharField(choices=[('trekker', 'trekker'), ('partner', 'partner'), ('ontvanger', 'ontvanger of deelnemer'), ('financier', 'financier'), ('gastheer', 'gastheer of locatie')], max_length=10, verbose_name='rol'),
        ),
        migrations.AlterField(
            model_name='settlement',
            name='decision',
            field=models.CharField(choices=[('te_behandelen', 'nog te behandelen'), ('akkoord', 'akkoord'), ('niet_akkoord', 'niet akkoord')], default='te_behandelen', max_length=15, verbose_name='besluit'),
        ),
        migrations.AlterField(
            model_name='settlement',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.AlterField(
            model_name='theme',
            name='publication_status',
            field=models.CharField(choices=[('concept', 'concept'), ('gepubliceerd', 'gepubliceerd')], db_index=True, default='concept', max_length=12, verbose_name='publicatiestatus'),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddConstraint(
            model_name='settlement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('decided_on__isnull', True), ('decision', 'te_behandelen')), models.Q(models.Q(('decision', 'te_behandelen'), _negated=True), ('decided_on__isnull', False)), _connector='OR'), name='settlement_decided_with_a_date'),
        ),
    ]

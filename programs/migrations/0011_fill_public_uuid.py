"""Give every existing record its public id, and its historical rows the same one."""

from django.db import migrations

from ._public_uuid import fill_public_uuids

class Migration(migrations.Migration):
    dependencies = [("programs", "0010_public_uuid")]

    operations = [
        migrations.RunPython(fill_public_uuids("programs"), migrations.RunPython.noop),
    ]

import io
import json
import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by `migrate` on the target database (the kept totals by `restore`, from the lines
# and subsidies); sessions are not worth keeping. Subscriptions hold e-mail addresses, which
# must be gone once unsubscribed: a restore of an older backup would bring them back.
NOT_BACKED_UP = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "budgets.budgettotal",
    "budgets.subsidytotal",
    "subscriptions",
]
# These refer to content types and permissions, whose ids differ between databases: by name.
BY_NATURAL_KEY = ["auth.group", "auth.user", "admin.logentry"]


class Command(BaseCommand):
    help = (
        "Write everything (records, their history, users, groups, admin log) to one JSON "
        "file that `manage.py restore` reads back into an empty, migrated database."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file to write")

    def handle(self, *args, path, **options):
        objects = dump(*BY_NATURAL_KEY, natural_foreign=True)
        # Everything else keeps its primary keys: history rows refer to their record by id,
        # and the ids make the order of loading irrelevant.
        objects += dump(exclude=[*NOT_BACKED_UP, *BY_NATURAL_KEY])
        with private_file(path) as backup:
            json.dump(objects, backup, ensure_ascii=False, indent=1)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup of {len(objects)} objects in {path}, readable by its owner only "
                "(it holds password hashes and API key digests)"
            )
        )


def private_file(path):
    """`path` opened for writing, readable and writable by its owner only (mode 0600).

    Created so from the start, never readable by others for a moment; an existing file is
    narrowed too, since `os.open` keeps the mode of a file it does not create.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "w", encoding="utf-8")


def dump(*labels, **options):
    output = io.StringIO()
    call_command("dumpdata", *labels, stdout=output, verbosity=0, **options)
    return json.loads(output.getvalue())

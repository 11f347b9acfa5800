from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from budgets.models import totals_counted_at_end
from programs.changes import not_recorded


class Command(BaseCommand):
    help = (
        "Read a file written by `manage.py backup` into an empty, migrated database, all or "
        "nothing. Refuses a database that already holds records."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file to read")

    def handle(self, *args, path, **options):
        occupied = [
            model._meta.label
            for app_label in ("programs", "budgets")
            for model in apps.get_app_config(app_label).get_models()
            if model._default_manager.exists()
        ]
        if occupied:
            raise CommandError(
                "The database is not empty (" + ", ".join(occupied[:3]) + ", ...); restore "
                "into a new database: create it, run `manage.py migrate`, then restore."
            )
        # The backup holds the changes feed as it was: the load adds no entries of its own.
        # The kept totals are not in it: counted from the lines, once they are all in.
        with transaction.atomic(), not_recorded(), totals_counted_at_end():
            call_command("loaddata", path, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))

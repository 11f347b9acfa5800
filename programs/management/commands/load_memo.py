from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from programs.models import Document

MEMO_SLUG = "sterke-maakindustrie-2015"
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "memo.json"
CHANGE_REASON = "Geladen uit de memo 'Een sterke maakindustrie in Limburg'"


class Command(BaseCommand):
    help = (
        "Load the memo 'Een sterke maakindustrie in Limburg' with its history, unless it is "
        "already in the database (then nothing changes, so no edit is overwritten)."
    )

    def handle(self, *args, **options):
        if Document.objects.filter(slug=MEMO_SLUG).exists():
            self.stdout.write("The memo is already loaded; nothing changed.")
            return
        with transaction.atomic():
            call_command("loaddata", FIXTURE, verbosity=0)
            created = sum(self.record_history(model) for model in self.tracked_models())
        self.stdout.write(self.style.SUCCESS(f"Loaded the memo: {created} records."))

    @staticmethod
    def tracked_models():
        for app_label in ("programs", "budgets"):
            for model in apps.get_app_config(app_label).get_models():
                if hasattr(model._meta, "simple_history_manager_attribute"):
                    yield model

    @staticmethod
    def record_history(model):
        """Give each record that loaddata wrote (raw saves record no history) its first entry."""
        untracked = model._default_manager.exclude(pk__in=model.history.values("id"))
        records = list(untracked)
        model.history.bulk_history_create(records, default_change_reason=CHANGE_REASON)
        return len(records)

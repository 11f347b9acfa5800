from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "budgets"
    verbose_name = _("Geld")

    def ready(self):
        # The changes feed covers both apps' records: it is kept from here, where both are.
        from programs.changes import track

        from .feeds import FEED_TYPES

        track(FEED_TYPES)

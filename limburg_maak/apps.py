from django.apps import AppConfig


class LimburgMaakConfig(AppConfig):
    """The project itself: audit logging and operational commands that span both apps."""

    name = "limburg_maak"
    verbose_name = "Limburg maakindustrie"

    def ready(self):
        from . import audit  # noqa: F401  (connects the audit log to Django's signals)

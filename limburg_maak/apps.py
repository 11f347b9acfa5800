from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LimburgMaakConfig(AppConfig):
    """The project itself: audit logging, sign-in and operational commands that span both apps."""

    name = "limburg_maak"
    verbose_name = "Limburg maakindustrie"

    def ready(self):
        # Connect the audit log to Django's signals, and the roles to the sign-in's.
        from . import audit, sign_in  # noqa: F401


class LockoutConfig(AxesAppConfig):
    """django-axes, named in Dutch where the admin lists it (its own name is 'Axes')."""

    verbose_name = _("Inlogblokkades")

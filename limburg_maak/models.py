"""API tokens for other systems: shown once, kept as a digest, scoped by their account."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

PREFIX_LENGTH = 8


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def authenticate(self, key):
        """The active token whose key this is, or None; the digest is compared in constant time."""
        prefix = key.partition("_")[0]
        if len(prefix) != PREFIX_LENGTH:
            return None
        token = self.active().select_related("user").filter(prefix=prefix).first()
        if token is None or not secrets.compare_digest(token.digest, digest(key)):
            return None
        return token


class ApiToken(models.Model):
    """A key for a system. It acts as `user`, so the user's groups decide what it may do."""

    name = models.CharField(_("naam"), max_length=100, help_text=_("Welk systeem gebruikt hem."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text=_("De groepen van dit account bepalen wat de sleutel mag."),
    )
    prefix = models.CharField(_("begin van de sleutel"), max_length=PREFIX_LENGTH, unique=True)
    digest = models.CharField(_("SHA-256 van de sleutel"), max_length=64)
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name, user):
        """A new, saved token and its key; the key exists only in the return value."""
        token = cls(name=name, user=user)
        key = token.new_key()
        token.save()
        return token, key

    def new_key(self):
        """Give the token a new key and return it; only its digest is kept."""
        self.prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        key = f"{self.prefix}_{secrets.token_urlsafe(32)}"
        self.digest = digest(key)
        return key

    @property
    def is_active(self):
        return self.revoked_at is None

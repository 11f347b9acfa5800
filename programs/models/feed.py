"""The changes feed's entries, written with the writes that cause them (`programs.changes`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicChange(models.Model):
    """One entry of the changes feed: a record became public, reads differently in the API, or
    stopped being public. Written in the transaction of the write that caused it, so the feed
    holds the writes that committed, in the order they committed (`id`, the feed's cursor)."""

    class Action(models.TextChoices):
        CREATED = "nieuw", _("nieuw of gepubliceerd")
        UPDATED = "gewijzigd", _("gewijzigd")
        DELETED = "verwijderd", _("verwijderd of niet meer openbaar")

    changed_at = models.DateTimeField(_("gewijzigd op"), db_index=True)
    type = models.CharField(_("soort"), max_length=40)
    record_uuid = models.UUIDField(_("vaste id"))
    record_id = models.CharField(
        _("adres"), max_length=300, help_text=_("De sleutel in het pad: slug of id.")
    )
    title = models.TextField(_("titel"))
    action = models.CharField(_("wijziging"), max_length=10, choices=Action.choices)
    history_id = models.PositiveIntegerField(
        _("historie-id"),
        null=True,
        help_text=_("De regel in de historie van het record zelf, als de wijziging die is."),
    )

    class Meta:
        ordering = ["id"]
        # The newest entries of one type first (`/wijzigingen`, a table per type).
        indexes = [models.Index(fields=["type", "-id"], name="public_change_type_newest")]
        verbose_name = _("openbare wijziging")
        verbose_name_plural = _("openbare wijzigingen")

    def __str__(self):
        return f"{self.type} {self.record_id} {self.action}"

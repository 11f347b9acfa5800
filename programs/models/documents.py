"""Documents: the memo and the other sources that records cite."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.fuzzydates import (
    FuzzyDateField,
    fuzzy_date_constraints,
)

from .publishable import PublishableQuerySet, SluggedRecord, SlugManager


class DocumentQuerySet(PublishableQuerySet):
    search_fields = (("title", "A"), ("reference", "B"), ("summary", "C"), ("slug", "D"))


class Document(SluggedRecord):
    class Kind(models.TextChoices):
        INFORMATIONAL_MEMO = "informerend_stuk", _("informerend stuk")
        NOTE = "notitie", _("notitie")
        POLICY_PAPER = "nota", _("nota")
        COUNCIL_PROPOSAL = "statenvoorstel", _("statenvoorstel")
        BUDGET = "begroting", _("begroting")
        REPORT = "rapport", _("rapport of onderzoek")
        AGENDA = "agenda", _("agenda of programmaplan")
        OTHER = "overig", _("overig")

    slug = models.SlugField(_("kenmerk (slug)"), max_length=100, unique=True)
    title = models.CharField(_("titel"), max_length=300)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    date = FuzzyDateField(_("datum"), blank=True)
    issuer = models.ForeignKey(
        "programs.Organisation",
        verbose_name=_("uitgever"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents_issued",
    )
    reference = models.CharField(_("kenmerk of nummer"), max_length=100, blank=True)
    url = models.URLField(_("vindplaats online"), blank=True)
    summary = models.TextField(_("samenvatting"), blank=True)

    objects = SlugManager.from_queryset(DocumentQuerySet)()

    class Meta(SluggedRecord.Meta):
        # The key last, as every page of a list ends its order (common.api.in_total_order).
        ordering = ["-date_date", "title", "pk"]
        indexes = [
            # The default order and the API's `issued` ordering (which sorts the few documents
            # of one date by key): a first page of documents without sorting them all.
            models.Index(fields=["-date_date", "title", "id"], name="document_date_title"),
            # The API's `title` ordering.
            models.Index(fields=["title", "id"], name="document_title"),
        ]
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        constraints = [*fuzzy_date_constraints("date")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("document-detail", args=[self.slug])

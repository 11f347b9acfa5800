"""Actions of a program and the indicators that measure them."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.formats import EURO_UNIT, format_money, local_number
from common.fuzzydates import (
    FuzzyDateField,
    fuzzy_date_constraints,
)

from .commitments import Commitment
from .programs import Organisation, Program, Theme
from .publishable import (
    Cited,
    PublishableQuerySet,
    SluggedRecord,
    SlugManager,
    linked_list,
)


class ActionQuerySet(PublishableQuerySet):
    search_fields = (("title", "A"), ("description", "C"), ("slug", "D"))

    def open(self):
        """Actions still to be carried out: announced or in progress."""
        return self.filter(status__in=Action.OPEN_STATUSES)

    def with_link_lists(self, user):
        """Annotate `linked_themes` and `linked_commitments` as JSON lists, as far as `user`
        may see them."""
        public_id = Commitment.public_id_expression()
        return self.annotate(
            linked_themes=linked_list(user, Theme, "actions", "slug", "name"),
            linked_commitments=linked_list(
                user, Commitment, "actions", "title", public_id=public_id
            ),
        )


class Action(SluggedRecord, Cited):
    """A new initiative announced in a document, with an owner and a (fuzzy) due date."""

    class Status(models.TextChoices):
        PLANNED = "aangekondigd", _("aangekondigd")
        IN_PROGRESS = "in_uitvoering", _("in uitvoering")
        DONE = "afgerond", _("afgerond")
        DROPPED = "vervallen", _("vervallen")

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    title = models.CharField(_("titel"), max_length=300)
    description = models.TextField(_("omschrijving"), blank=True)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("eigenaar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    due = FuzzyDateField(_("termijn"), blank=True)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices)
    program = models.ForeignKey(
        Program,
        verbose_name=_("programma"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thema's"), blank=True, related_name="actions"
    )
    commitments = models.ManyToManyField(
        Commitment,
        verbose_name=_("voert uit"),
        blank=True,
        related_name="actions",
    )

    objects = SlugManager.from_queryset(ActionQuerySet)()

    class Meta(SluggedRecord.Meta):
        ordering = ["due_date", "title", "pk"]
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        constraints = [*fuzzy_date_constraints("due")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("action-detail", args=[self.slug])


class IndicatorQuerySet(PublishableQuerySet):
    search_fields = (("name", "A"), ("sector", "B"), ("unit", "C"), ("slug", "D"))

    def with_link_lists(self, user):
        """Annotate `linked_themes` as a JSON list, as far as `user` may see them."""
        return self.annotate(linked_themes=linked_list(user, Theme, "indicators", "slug", "name"))


class Indicator(SluggedRecord, Cited):
    """A measured figure (kengetal): 2.500 vestigingen, 47.000 werkzame personen, 16%."""

    name = models.CharField(_("naam"), max_length=300)
    qualifier = models.CharField(
        _("bijvoeging"),
        max_length=20,
        blank=True,
        help_text=_("Zoals de bron het zegt: 'ruim', 'circa', 'ca.'"),
    )
    value = models.DecimalField(_("waarde"), max_digits=18, decimal_places=2)
    unit = models.CharField(
        _("eenheid"), max_length=50, help_text=_("Bijv. 'vestigingen', '%', 'EUR'.")
    )
    reference = FuzzyDateField(_("peildatum"), blank=True)
    program = models.ForeignKey(
        Program,
        verbose_name=_("programma"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    sector = models.CharField(_("sector"), max_length=200, blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thema's"), blank=True, related_name="indicators"
    )

    objects = SlugManager.from_queryset(IndicatorQuerySet)()

    class Meta(SluggedRecord.Meta):
        ordering = ["name", "pk"]
        verbose_name = _("kengetal")
        verbose_name_plural = _("kengetallen")
        constraints = [*fuzzy_date_constraints("reference")]

    def __str__(self):
        return f"{self.name}: {self.display_value}"

    @property
    def display_value(self):
        """'ruim 2.500 vestigingen', '16%', '€ 3,2 mln'."""
        if self.unit == EURO_UNIT:
            figure = format_money(self.value)
        elif self.unit == "%":
            figure = f"{local_number(self.value)}%"
        else:
            figure = f"{local_number(self.value)} {self.unit}"
        return f"{self.qualifier} {figure}" if self.qualifier else figure

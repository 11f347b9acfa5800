"""Themes, organisations, budget programs and lines, programs and who takes part in them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fuzzydates import (
    FuzzyDateField,
    fuzzy_date_constraints,
)

from .publishable import (
    PUBLISHABLE_PERMISSIONS,
    BuiltinJSONObject,
    Cited,
    PublicationStatus,
    Publishable,
    PublishableQuerySet,
    SluggedRecord,
    SlugManager,
    can_read_concepts,
    linked_list,
)


class ThemeQuerySet(PublishableQuerySet):
    search_fields = (("name", "A"), ("description", "C"), ("slug", "D"))


class Theme(SluggedRecord):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    description = models.TextField(_("omschrijving"), blank=True)

    objects = SlugManager.from_queryset(ThemeQuerySet)()

    class Meta(SluggedRecord.Meta):
        ordering = ["name"]
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")

    def get_absolute_url(self):
        return reverse("theme-detail", args=[self.slug])


class OrganisationQuerySet(PublishableQuerySet):
    search_fields = (
        ("name", "A"),
        ("abbreviation", "A"),
        ("place", "B"),
        ("description", "C"),
        ("slug", "D"),
    )


class Organisation(SluggedRecord, Cited):
    class Kind(models.TextChoices):
        COMPANY = "bedrijf", _("bedrijf")
        GOVERNMENT = "overheid", _("overheid")
        MINISTRY = "ministerie", _("ministerie")
        AGENCY = "uitvoeringsorganisatie", _("uitvoeringsorganisatie of ontwikkelingsmaatschappij")
        CAMPUS = "campus", _("campus")
        KNOWLEDGE = "kennisinstelling", _("kennisinstelling")
        EDUCATION = "onderwijs", _("onderwijs")
        NETWORK = "netwerk", _("netwerk of brancheorganisatie")
        PARTNERSHIP = "samenwerkingsverband", _("samenwerkingsverband")
        OTHER = "overig", _("overig")

    name = models.CharField(_("naam"), max_length=200)
    abbreviation = models.CharField(_("afkorting"), max_length=30, blank=True)
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    place = models.CharField(_("plaats"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("onderdeel van"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )
    description = models.TextField(_("omschrijving"), blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = SlugManager.from_queryset(OrganisationQuerySet)()

    class Meta(SluggedRecord.Meta):
        ordering = ["name", "pk"]
        indexes = [
            # The default order of `/organisaties`, the API and the admin. Not partial on the
            # published ones: nine in ten are, so the public list walks it and skips concepts.
            models.Index(fields=["name", "id"], name="organisation_name"),
            # The `place` filter in that order, and the API's `place` ordering (sorting the
            # organisations of the first place by key).
            models.Index(fields=["place", "name", "id"], name="organisation_place_name"),
        ]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self):
        return f"{self.name} ({self.place})" if self.place else self.name

    def get_absolute_url(self):
        return reverse("organisation-detail", args=[self.slug])


class BudgetProgram(SluggedRecord):
    """A programme of the provincial budget (programmabegroting): 'Economie en werkgelegenheid'."""

    name = models.CharField(_("naam"), max_length=200)

    objects = SlugManager.from_queryset(PublishableQuerySet)()

    class Meta(SluggedRecord.Meta):
        ordering = ["name"]
        verbose_name = _("begrotingsprogramma")
        verbose_name_plural = _("begrotingsprogramma's")


class ProgramLineQuerySet(PublishableQuerySet):
    published_via = ("budget_program",)


class ProgramLine(SluggedRecord):
    """A line within a budget programme (programmalijn), e.g. 'Innovatiekracht en Topsectoren'."""

    name = models.CharField(_("naam"), max_length=200)
    budget_program = models.ForeignKey(
        BudgetProgram,
        verbose_name=_("begrotingsprogramma"),
        on_delete=models.PROTECT,
        related_name="lines",
    )

    objects = SlugManager.from_queryset(ProgramLineQuerySet)()

    class Meta(SluggedRecord.Meta):
        ordering = ["name"]
        verbose_name = _("programmalijn")
        verbose_name_plural = _("programmalijnen")

    def __str__(self):
        return f"{self.budget_program} / {self.name}"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["programs.budgetprogram"]


class ProgramQuerySet(PublishableQuerySet):
    search_fields = (("name", "A"), ("description", "C"), ("slug", "D"))

    def top_level(self):
        return self.filter(parent__isnull=True)

    def keys_with_parts(self):
        """The keys of these programs and of their parts (the programs whose parent is one of
        them), read at once. Filtering on this list (`instrument__in=`) lets an index find a
        program's subsidies; an OR over `instrument` and `instrument__parent`, or a subquery,
        made PostgreSQL read every subsidy in date order to find the few."""
        keys = self.values("pk")
        parts = Program.objects.filter(models.Q(pk__in=keys) | models.Q(parent__in=keys))
        return list(parts.values_list("pk", flat=True))

    def with_link_lists(self, user):
        """Annotate `linked_themes` and `linked_roles` (each role's organisation, null where
        `user` may not see it, and its role) as JSON lists, as far as `user` may see them."""
        organisation = BuiltinJSONObject(
            slug=models.F("organisation__slug"), name=models.F("organisation__name")
        )
        if not can_read_concepts(user, Organisation):
            organisation = models.Case(
                models.When(
                    organisation__publication_status=PublicationStatus.PUBLISHED,
                    then=organisation,
                ),
                default=None,
                output_field=models.JSONField(),
            )
        # Their own order without its first key, the program's name: one program's roles.
        roles = ProgramOrganisation.objects.order_by("role", "organisation__name", "pk")
        return self.annotate(
            linked_themes=linked_list(user, Theme, "programs", "slug", "name"),
            linked_roles=linked_list(user, roles, "program", "role", organisation=organisation),
        )


class Program(SluggedRecord, Cited):
    """Something the province runs or funds: a programme, scheme, fund or instrument."""

    class Kind(models.TextChoices):
        PROGRAM = "programma", _("programma")
        SCHEME = "regeling", _("regeling")
        FUND = "fonds", _("fonds")
        INSTRUMENT = "instrument", _("instrument")
        FACILITY = "faciliteit", _("centrum of faciliteit")
        PROJECT = "project", _("project")
        PARTNERSHIP = "samenwerking", _("samenwerking of agenda")
        EVENT = "evenement", _("evenement")
        STUDY = "onderzoek", _("advies of onderzoek")

    class Status(models.TextChoices):
        PLANNED = "gepland", _("gepland")
        RUNNING = "lopend", _("lopend")
        FINISHED = "afgerond", _("afgerond")
        STOPPED = "gestopt", _("gestopt")

    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("onderdeel van"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    program_line = models.ForeignKey(
        ProgramLine,
        verbose_name=_("programmalijn"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programs",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    start = FuzzyDateField(_("start"), blank=True)
    end = FuzzyDateField(_("einde"), blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thema's"), blank=True, related_name="programs"
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisaties"),
        through="ProgramOrganisation",
        blank=True,
        related_name="programs",
    )

    objects = SlugManager.from_queryset(ProgramQuerySet)()

    class Meta(SluggedRecord.Meta):
        ordering = ["name", "pk"]
        indexes = [
            # The default order of the API and the admin (see Organisation's on publication).
            models.Index(fields=["name", "id"], name="program_name"),
            # The API's `start` and `end` orderings.
            models.Index(fields=["start_date", "id"], name="program_start"),
            models.Index(fields=["end_date", "id"], name="program_end"),
        ]
        verbose_name = _("programma")
        verbose_name_plural = _("programma's")
        constraints = [*fuzzy_date_constraints("start", "end")]

    def get_absolute_url(self):
        return reverse("program-detail", args=[self.slug])

    @property
    def status_label(self):
        """The status as readers see it: a program still marked running whose end has passed
        says so, rather than "lopend"."""
        if self.status == self.Status.RUNNING and self.end and self.end.end < timezone.localdate():
            return _("looptijd verstreken")
        return self.get_status_display()

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("Een programma kan geen onderdeel van zichzelf zijn.")}
                )
            ancestor = ancestor.parent
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("Het einde ligt voor de start.")})


class ProgramOrganisationQuerySet(PublishableQuerySet):
    published_via = ("program", "organisation")


class ProgramOrganisationManager(models.Manager):
    def get_by_natural_key(self, program, organisation, role):
        return self.get(program__slug=program, organisation__slug=organisation, role=role)


class ProgramOrganisation(Publishable, Cited):
    """The role an organisation plays in a program."""

    class Role(models.TextChoices):
        LEAD = "trekker", _("trekker")
        PARTNER = "partner", _("partner")
        RECIPIENT = "ontvanger", _("ontvanger of deelnemer")
        FUNDER = "financier", _("financier")
        HOST = "gastheer", _("gastheer of locatie")

    program = models.ForeignKey(
        Program, verbose_name=_("programma"), on_delete=models.CASCADE, related_name="roles"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT, related_name="roles"
    )
    role = models.CharField(_("rol"), max_length=10, choices=Role.choices)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    objects = ProgramOrganisationManager.from_queryset(ProgramOrganisationQuerySet)()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["program__name", "role", "organisation__name"]
        verbose_name = _("rol van organisatie")
        verbose_name_plural = _("rollen van organisaties")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "organisation", "role"], name="unique_program_organisation_role"
            )
        ]

    def __str__(self):
        return f"{self.organisation.name}: {self.get_role_display()} {self.program.name}"

    def natural_key(self):
        return (self.program.slug, self.organisation.slug, self.role)

    natural_key.dependencies = ["programs.program", "programs.organisation"]

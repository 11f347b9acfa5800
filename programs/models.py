"""Policy: documents, themes, organisations, programs, commitments, actions, indicators."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .formats import EURO_UNIT, dutch_number, format_money
from .fuzzydates import FuzzyDateField


class PublicationStatus(models.TextChoices):
    CONCEPT = "concept", _("concept")
    PUBLISHED = "published", _("gepubliceerd")


def can_read_concepts(user):
    """Staff read concept records; the public, anonymous or not, reads published ones."""
    return bool(user is not None and user.is_active and user.is_staff)


class PublishableQuerySet(models.QuerySet):
    """Who sees what: editors see concept records, everyone else published ones only."""

    #: Lookups to related records that must be published too for this record to be public.
    published_via = ()

    def published(self):
        condition = {"publication_status": PublicationStatus.PUBLISHED}
        for path in self.published_via:
            condition[f"{path}__publication_status"] = PublicationStatus.PUBLISHED
        return self.filter(**condition)

    def visible_to(self, user):
        """The records `user` may read: all for staff, published ones for anyone else."""
        if can_read_concepts(user):
            return self.all()
        return self.published()


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Publishable(models.Model):
    """Every record has a publication state and a history from its first save."""

    publication_status = models.CharField(
        _("publicatiestatus"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.CONCEPT,
        db_index=True,
    )
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.publication_status == PublicationStatus.PUBLISHED

    def is_visible_to(self, user):
        """The same rule as `PublishableQuerySet.visible_to`, for a record already loaded."""
        return self.is_published or can_read_concepts(user)


class Cited(models.Model):
    """A fact that cites the document it comes from and the place in it."""

    source = models.ForeignKey(
        "programs.Document",
        verbose_name=_("bron"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_locator = models.CharField(
        _("vindplaats"),
        max_length=200,
        blank=True,
        help_text=_("Waar in de bron: paragraaf, kopje, bijlage en rij."),
    )

    class Meta:
        abstract = True

    def citation_for(self, user):
        """'Een sterke maakindustrie in Limburg, §2 LimburgMakers'; '' when uncited or hidden."""
        if not self.source_id or not self.source.is_visible_to(user):
            return ""
        return ", ".join(filter(None, [self.source.title, self.source_locator]))


class Document(Publishable):
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

    objects = SlugManager.from_queryset(PublishableQuerySet)()

    class Meta:
        ordering = ["-date_date", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documenten")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("document-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Theme(Publishable):
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=100, unique=True)
    description = models.TextField(_("omschrijving"), blank=True)

    objects = SlugManager.from_queryset(PublishableQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Organisation(Publishable, Cited):
    class Kind(models.TextChoices):
        COMPANY = "company", _("bedrijf")
        GOVERNMENT = "government", _("overheid")
        MINISTRY = "ministry", _("ministerie")
        AGENCY = "agency", _("uitvoeringsorganisatie of ontwikkelingsmaatschappij")
        CAMPUS = "campus", _("campus")
        KNOWLEDGE = "knowledge", _("kennisinstelling")
        EDUCATION = "education", _("onderwijs")
        NETWORK = "network", _("netwerk of brancheorganisatie")
        PARTNERSHIP = "partnership", _("samenwerkingsverband")
        OTHER = "other", _("overig")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    abbreviation = models.CharField(_("afkorting"), max_length=30, blank=True)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
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

    objects = SlugManager.from_queryset(PublishableQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self):
        return f"{self.name} ({self.place})" if self.place else self.name

    def get_absolute_url(self):
        return reverse("organisation-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class BudgetProgram(Publishable):
    """A programme of the provincial budget (programmabegroting): 'Economie en werkgelegenheid'."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=200)

    objects = SlugManager.from_queryset(PublishableQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("begrotingsprogramma")
        verbose_name_plural = _("begrotingsprogramma's")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class ProgramLineQuerySet(PublishableQuerySet):
    published_via = ("budget_program",)


class ProgramLine(Publishable):
    """A line within a budget programme (programmalijn), e.g. 'Innovatiekracht en Topsectoren'."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    budget_program = models.ForeignKey(
        BudgetProgram,
        verbose_name=_("begrotingsprogramma"),
        on_delete=models.PROTECT,
        related_name="lines",
    )

    objects = SlugManager.from_queryset(ProgramLineQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("programmalijn")
        verbose_name_plural = _("programmalijnen")

    def __str__(self):
        return f"{self.budget_program} / {self.name}"

    def natural_key(self):
        return (self.slug,)


class ProgramQuerySet(PublishableQuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)


class Program(Publishable, Cited):
    """Something the province runs or funds: a programme, scheme, fund or instrument."""

    class Kind(models.TextChoices):
        PROGRAM = "program", _("programma")
        SCHEME = "scheme", _("regeling")
        FUND = "fund", _("fonds")
        INSTRUMENT = "instrument", _("instrument")
        FACILITY = "facility", _("centrum of faciliteit")
        PROJECT = "project", _("project")
        PARTNERSHIP = "partnership", _("samenwerking of agenda")
        EVENT = "event", _("evenement")
        STUDY = "study", _("advies of onderzoek")

    class Status(models.TextChoices):
        PLANNED = "planned", _("gepland")
        RUNNING = "running", _("lopend")
        FINISHED = "finished", _("afgerond")
        STOPPED = "stopped", _("gestopt")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
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

    class Meta:
        ordering = ["name"]
        verbose_name = _("programma")
        verbose_name_plural = _("programma's")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("program-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

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
        LEAD = "lead", _("trekker")
        PARTNER = "partner", _("partner")
        RECIPIENT = "recipient", _("ontvanger of deelnemer")
        FUNDER = "funder", _("financier")
        HOST = "host", _("gastheer of locatie")

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


class Person(Publishable):
    """A council member or executive member named in a commitment."""

    class Role(models.TextChoices):
        COUNCIL_MEMBER = "council_member", _("statenlid")
        EXECUTIVE_MEMBER = "executive_member", _("gedeputeerde")
        OTHER = "other", _("overig")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    party = models.CharField(_("partij"), max_length=100, blank=True)

    objects = SlugManager.from_queryset(PublishableQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")

    def __str__(self):
        label = f"{self.get_role_display()} {self.name}"
        return f"{label} ({self.party})" if self.party else label

    def natural_key(self):
        return (self.slug,)


class CommitmentQuerySet(PublishableQuerySet):
    def get_by_public_id(self, public_id):
        """`toezegging-1886` or `motie-615`; DoesNotExist for anything else."""
        kind, _sep, number = str(public_id).partition("-")
        if kind not in Commitment.Kind.values or not number:
            raise self.model.DoesNotExist(f"no commitment {public_id!r}")
        return self.get(kind=kind, number=number)


class CommitmentManager(models.Manager):
    def get_by_natural_key(self, kind, number):
        return self.get(kind=kind, number=number)


class Commitment(Publishable, Cited):
    """A promise of the executive to the council (toezegging) or a council motion (motie)."""

    class Kind(models.TextChoices):
        PROMISE = "toezegging", _("toezegging")
        MOTION = "motie", _("motie")

    class Status(models.TextChoices):
        OPEN = "openstaand", _("openstaand")
        PARTLY_FULFILLED = "deels_voldaan", _("deels voldaan")
        FULFILLED = "voldaan", _("voldaan")
        LAPSED = "vervallen", _("vervallen")

    class VoteOutcome(models.TextChoices):
        ADOPTED = "aangenomen", _("aangenomen")
        REJECTED = "verworpen", _("verworpen")
        WITHDRAWN = "ingetrokken", _("ingetrokken")
        HELD = "aangehouden", _("aangehouden")

    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    number = models.SlugField(_("nummer"), max_length=20)
    title = models.CharField(_("titel"), max_length=300)
    text = models.TextField(_("tekst"), blank=True)
    made_on = FuzzyDateField(_("datum"), blank=True)
    meeting = models.CharField(
        _("vergadering"), max_length=300, blank=True, help_text=_("Waar en bij welk agendapunt.")
    )
    made_by = models.ForeignKey(
        Person,
        verbose_name=_("gedaan door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments_made",
        help_text=_("De portefeuillehouder die de toezegging deed."),
    )
    made_by_role = models.CharField(
        _("functie van wie toezegde"),
        max_length=200,
        blank=True,
        help_text=_("Zoals de bron het noemt, bijvoorbeeld 'de portefeuillehouder'."),
    )
    submitters = models.ManyToManyField(
        Person, verbose_name=_("indieners"), blank=True, related_name="motions_submitted"
    )
    vote_outcome = models.CharField(
        _("uitslag stemming"), max_length=12, choices=VoteOutcome.choices, blank=True
    )
    deadline = FuzzyDateField(_("termijn"), blank=True)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, db_index=True)
    fulfilled_by = models.ForeignKey(
        Document,
        verbose_name=_("afgedaan met"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fulfils",
    )
    fulfilled_on = FuzzyDateField(_("afgedaan op"), blank=True)
    fulfilment = models.TextField(_("toelichting afdoening"), blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thema's"), blank=True, related_name="commitments"
    )
    programs = models.ManyToManyField(
        Program, verbose_name=_("programma's"), blank=True, related_name="commitments"
    )

    objects = CommitmentManager.from_queryset(CommitmentQuerySet)()

    class Meta:
        ordering = ["kind", "number"]
        verbose_name = _("toezegging of motie")
        verbose_name_plural = _("toezeggingen en moties")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="unique_commitment_number"),
            models.CheckConstraint(
                condition=models.Q(kind="motie") | models.Q(vote_outcome=""),
                name="commitment_vote_only_for_motions",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display().capitalize()} {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("commitment-detail", args=[self.public_id])

    @property
    def public_id(self):
        return f"{self.kind}-{self.number}"

    def natural_key(self):
        return (self.kind, self.number)

    def clean(self):
        if self.kind != self.Kind.MOTION and self.vote_outcome:
            raise ValidationError({"vote_outcome": _("Alleen een motie heeft een stemuitslag.")})
        if self.status in (self.Status.FULFILLED, self.Status.PARTLY_FULFILLED) and not (
            self.fulfilled_by_id or self.fulfilment
        ):
            raise ValidationError(
                {"fulfilment": _("Zeg waarmee de toezegging of motie (deels) is voldaan.")}
            )


class ActionQuerySet(PublishableQuerySet):
    pass


class Action(Publishable, Cited):
    """A new initiative announced in a document, with an owner and a (fuzzy) due date."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("aangekondigd")
        IN_PROGRESS = "in_progress", _("in uitvoering")
        DONE = "done", _("afgerond")
        DROPPED = "dropped", _("vervallen")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
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
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
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

    class Meta:
        ordering = ["due_date", "title"]
        verbose_name = _("actie")
        verbose_name_plural = _("acties")

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class Indicator(Publishable, Cited):
    """A measured figure (kengetal): 2.500 vestigingen, 47.000 werkzame personen, 16%."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
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

    objects = SlugManager.from_queryset(PublishableQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kengetal")
        verbose_name_plural = _("kengetallen")

    def __str__(self):
        return f"{self.name}: {self.display_value}"

    @property
    def display_value(self):
        """'ruim 2.500 vestigingen', '16%', '€ 3,2 mln'."""
        if self.unit == EURO_UNIT:
            figure = format_money(self.value)
        elif self.unit == "%":
            figure = f"{dutch_number(self.value)}%"
        else:
            figure = f"{dutch_number(self.value)} {self.unit}"
        return f"{self.qualifier} {figure}" if self.qualifier else figure

    def natural_key(self):
        return (self.slug,)

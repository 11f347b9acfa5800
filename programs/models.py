"""Policy: documents, themes, organisations, programs, commitments, actions, indicators."""

import datetime
import functools
from operator import attrgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models.functions import Coalesce, Concat, JSONObject, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import caching
from .formats import EURO_UNIT, format_money, local_number
from .fuzzydates import (
    FuzzyDate,
    FuzzyDateField,
    Precision,
    fuzzy_date_constraints,
    year_validators,
)
from .search import SearchQuerySet

# Every publishable model has a `publish` permission beside Django's four: who may publish,
# unpublish or change a published record (Publicist), as opposed to who edits concepts.
PUBLISHABLE_PERMISSIONS = ("add", "change", "delete", "view", "publish")


class PublicationStatus(models.TextChoices):
    CONCEPT = "concept", _("concept")
    PUBLISHED = "published", _("gepubliceerd")


def can_read_concepts(user, model=None):
    """Staff with the model's view permission read its concept records; everyone else reads
    published ones. Without a model: whether `user` is staff who may read any concepts."""
    if user is None or not user.is_active or not user.is_staff:
        return False
    if model is None:
        return True
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


@functools.cache
def published_via(model):
    """The lookups to related records that must be published for a `model` record to be public
    (its QuerySet's `published_via`), without building a QuerySet for every link shown."""
    return model._default_manager.get_queryset().published_via


class UntrackedWrite(TypeError):
    """A write that would bypass the history: every change must say who made it and why."""

    def __init__(self, model, method):
        super().__init__(
            f"{model._meta.label}.objects.{method} writes no history; save() each record, or "
            "use simple_history.utils.bulk_update_with_history(..., manager=Model._base_manager)"
        )


class PublishableQuerySet(SearchQuerySet):
    """Who sees what: editors see concept records, everyone else published ones only.

    Writes that bypass `save()` (`update()`, `bulk_update()`) are refused: they leave no history.
    """

    #: Lookups to related records that must be published too for this record to be public.
    published_via = ()

    def update(self, **kwargs):
        raise UntrackedWrite(self.model, "update()")

    def bulk_update(self, objs, fields, batch_size=None):
        raise UntrackedWrite(self.model, "bulk_update()")

    def published(self):
        condition = {"publication_status": PublicationStatus.PUBLISHED}
        for path in self.published_via:
            condition[f"{path}__publication_status"] = PublicationStatus.PUBLISHED
        return self.filter(**condition)

    def with_last_changed(self):
        """Annotate `last_changed`: the time of the record's latest history row (a subquery)."""
        history = self.model.history.model.objects.filter(id=models.OuterRef("pk"))
        latest = history.order_by("-history_date").values("history_date")[:1]
        return self.annotate(last_changed=models.Subquery(latest))

    def visible_to(self, user):
        """The records `user` may read: all for staff, published ones for anyone else."""
        if can_read_concepts(user, self.model):
            return self.all()
        return self.published()

    def cached(self, name, compute, *also):
        """`compute(self)`, kept in the cache until the data changes (`programs.caching`); the
        key is this query's SQL and that of the querysets `also` the answer depends on."""
        return caching.cached_query(name, self, compute, *also)


def count_of(queryset, field, distinct=None):
    """An annotation: how many records of `queryset` have `field` equal to the outer record.

    A subquery, so several counts on one list neither multiply each other nor need a query per
    row; give `queryset` already limited by `visible_to` to count what the reader may see.
    `distinct` counts that field's different values instead (programs of an organisation's
    roles). 0 where there are none.
    """
    counted = models.Count(distinct, distinct=True) if distinct else models.Count("pk")
    rows = (
        queryset.filter(**{field: models.OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=counted)
        .values("count")
    )
    return Coalesce(models.Subquery(rows, output_field=models.IntegerField()), 0)


class BuiltinJSONObject(JSONObject):
    """Django's `JSONObject`, without asking SQLite first whether it has JSON functions: the
    question costs three queries on each new connection, and SQLite has them built in (3.38+)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return models.Func.as_sql(self, compiler, connection, **extra_context)


class JSONList(models.Subquery):
    """An annotation: the rows of `queryset` as one JSON array of objects with `fields` (names
    and expressions, as for `JSONObject`), in the queryset's order; [] where there are none.

    Filter `queryset` on an `OuterRef`: a list of small related records then costs no query
    of its own, where a prefetch costs one per list.
    """

    output_field = models.JSONField()

    def __init__(self, queryset, **fields):
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
        rows = queryset.order_by(*ordering).values(
            item=BuiltinJSONObject(**fields),
            # PostgreSQL promises no order to an aggregate over an ordered subquery: number it.
            position=models.Window(RowNumber(), order_by=ordering),
        )
        super().__init__(rows)

    def as_postgresql(self, compiler, connection):
        return self.as_sql(
            compiler,
            connection,
            template="(SELECT COALESCE(jsonb_agg(rows.item ORDER BY rows.position), '[]'::jsonb) "
            "FROM (%(subquery)s) rows)",
        )

    def as_sqlite(self, compiler, connection):
        # SQLite aggregates an ordered subquery in its order (it is not flattened into an
        # aggregate); `json()` keeps each object an object rather than a string.
        return self.as_sql(
            compiler,
            connection,
            template="(SELECT json_group_array(json(rows.item)) FROM (%(subquery)s) rows)",
        )


def linked_list(user, records, lookup, *names, **expressions):
    """A `JSONList` annotation: the `records` (a model, or a queryset for another order) whose
    `lookup` is the outer record, as far as `user` may see them, each an object of the fields
    `names` and of name=expression pairs. The links an API list shows, without a prefetch."""
    if isinstance(records, type):
        records = records.objects
    fields = {name: models.F(name) for name in names} | expressions
    return JSONList(records.visible_to(user).filter(**{lookup: models.OuterRef("pk")}), **fields)


class StaleRecord(Exception):
    """Someone saved the record after this copy of it was read: saving would lose their change."""

    def __init__(self, record, version):
        self.record, self.version = record, version
        super().__init__(
            f"{record._meta.label} {record.pk}: version {version} is no longer current"
        )


@functools.cache
def change_reason_limit(model):
    """How long a reason the model's history keeps (simple-history's column).

    Cached: simple-history builds a new manager class on every `model.history`.
    """
    return model.history.model._meta.get_field("history_change_reason").max_length


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
    version = models.PositiveIntegerField(
        _("versie"),
        default=1,
        editable=False,
        help_text=_("Telt elke opgeslagen wijziging; een verouderde versie wordt geweigerd."),
    )
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Save as the next version; refuse (`StaleRecord`) if someone saved in between."""
        if self.pk is None or kwargs.get("force_insert"):
            super().save(*args, **kwargs)
            self._loaded_version = self.version
            return
        model = type(self)
        expected = getattr(self, "_loaded_version", None)
        if expected is None:
            # Built by hand (a history revert, a script): continue from the stored version.
            expected = model._base_manager.filter(pk=self.pk).values_list("version", flat=True)
            expected = expected.first()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        using = kwargs.get("using") or router.db_for_write(model, instance=self)
        with transaction.atomic(using=using):
            if expected is not None:
                self._claim_version(expected, using)
            super().save(*args, **kwargs)
        self._loaded_version = self.version

    def _claim_version(self, expected, using):
        """Move the stored row from `expected` to the next version, or refuse: the test and the
        write are one UPDATE, which locks the row until the save commits, so of two saves of
        the same version exactly one claims it."""
        stored = type(self)._base_manager.using(using).filter(pk=self.pk)
        if stored.filter(version=expected).update(version=expected + 1):
            self.version = expected + 1
        elif stored.exists():
            self.version = expected
            raise StaleRecord(self, expected)

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        record._loaded_version = record.__dict__.get("version")
        return record

    @property
    def is_published(self):
        return self.publication_status == PublicationStatus.PUBLISHED

    @classmethod
    def may_publish(cls, user):
        """Publicists publish, unpublish and change published records; editors edit concepts."""
        return bool(user) and user.has_perm(f"{cls._meta.app_label}.publish_{cls._meta.model_name}")

    def is_visible_to(self, user):
        """The same rule as `PublishableQuerySet.visible_to`, for a record already loaded."""
        if can_read_concepts(user, type(self)):
            return True
        via = published_via(type(self))
        return self.is_published and all(
            attrgetter(path.replace("__", "."))(self).is_published for path in via
        )


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


class DocumentQuerySet(PublishableQuerySet):
    search_fields = (("title", "A"), ("reference", "B"), ("summary", "C"), ("slug", "D"))


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

    objects = SlugManager.from_queryset(DocumentQuerySet)()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        # The key last, as every page of a list ends its order (limburg_maak.api.in_total_order).
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

    def natural_key(self):
        return (self.slug,)


class ThemeQuerySet(PublishableQuerySet):
    search_fields = (("name", "A"), ("description", "C"), ("slug", "D"))


class Theme(Publishable):
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=100, unique=True)
    description = models.TextField(_("omschrijving"), blank=True)

    objects = SlugManager.from_queryset(ThemeQuerySet)()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["name"]
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("theme-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class OrganisationQuerySet(PublishableQuerySet):
    search_fields = (
        ("name", "A"),
        ("abbreviation", "A"),
        ("place", "B"),
        ("description", "C"),
        ("slug", "D"),
    )


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

    objects = SlugManager.from_queryset(OrganisationQuerySet)()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["name", "pk"]
        indexes = [
            # The default order of `/organisaties`, the API and the admin. Not partial on the
            # published ones: nine in ten are, so the public list walks it and skips concepts.
            models.Index(fields=["name", "id"], name="organisation_name"),
            # The `place` filter (sixty places at scale 1) in that order, and the API's `place`
            # ordering (sorting the few hundred of the first place by key).
            models.Index(fields=["place", "name", "id"], name="organisation_place_name"),
        ]
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
        default_permissions = PUBLISHABLE_PERMISSIONS
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
        default_permissions = PUBLISHABLE_PERMISSIONS
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
        default_permissions = PUBLISHABLE_PERMISSIONS
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
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["name"]
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")

    def __str__(self):
        label = f"{self.get_role_display()} {self.name}"
        return f"{label} ({self.party})" if self.party else label

    def natural_key(self):
        return (self.slug,)


class Meeting(Publishable):
    """A meeting of the council or one of its committees, where promises are made and settled."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    body = models.CharField(
        _("orgaan"),
        max_length=200,
        help_text=_("Provinciale Staten, of de naam van de statencommissie."),
    )
    date = models.DateField(_("datum"), validators=year_validators())
    title = models.CharField(_("omschrijving"), max_length=300, blank=True)

    objects = SlugManager.from_queryset(PublishableQuerySet)()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["-date", "body"]
        verbose_name = _("vergadering")
        verbose_name_plural = _("vergaderingen")

    def __str__(self):
        return f"{self.body}, {date_format(self.date, 'j F Y')}"

    def natural_key(self):
        return (self.slug,)


class CommitmentQuerySet(PublishableQuerySet):
    # The kind and number too: "toezegging 1886" and "motie 615" find their record.
    search_fields = (
        ("title", "A"),
        ("number", "A"),
        ("kind", "B"),
        ("agenda_item", "B"),
        ("text", "C"),
        ("fulfilment", "C"),
    )

    def get_by_public_id(self, public_id):
        """`toezegging-1886` or `motie-615`; DoesNotExist for anything else."""
        parts = Commitment.split_public_id(public_id)
        if parts is None:
            raise self.model.DoesNotExist(f"no commitment {public_id!r}")
        kind, number = parts
        return self.get(kind=kind, number=number)

    def tracked(self):
        """Promises, and motions the council adopted; a rejected motion is only on record."""
        return self.filter(Commitment.TRACKED)

    def open(self):
        return self.filter(Commitment.OPEN)

    def with_flags(self, today=None):
        """Annotate `is_overdue`, `is_due_soon` and `has_no_deadline`: computed, never stored.

        Overdue: open and the deadline's period ended before today. Due soon: open, not
        overdue, and the period ends within `COMMITMENT_DUE_SOON_DAYS` days from today.
        """
        today = today or timezone.localdate()
        horizon = today + datetime.timedelta(days=settings.COMMITMENT_DUE_SOON_DAYS + 1)
        ends_before = Commitment.deadline.ends_before
        overdue = Commitment.OPEN & ends_before(today)
        due_soon = Commitment.OPEN & ends_before(horizon) & ~ends_before(today)
        no_deadline = Commitment.OPEN & models.Q(deadline_date__isnull=True)
        return self.annotate(
            is_overdue=flag(overdue), is_due_soon=flag(due_soon), has_no_deadline=flag(no_deadline)
        )

    def due_before(self, day):
        """Open records whose deadline period ends before `day` (overdue ones included)."""
        return self.filter(Commitment.OPEN & Commitment.deadline.ends_before(day))

    def reminder_list(self, day, pending_settlements):
        """The rappellijst for a meeting on `day`: open records due on or before it, and the
        records with a settlement proposal still to be decided."""
        due = Commitment.OPEN & Commitment.deadline.ends_before(day + datetime.timedelta(days=1))
        awaiting = models.Q(pk__in=pending_settlements.values("commitment"))
        return self.filter(due | awaiting).by_deadline()

    def status_counts(self):
        """`{status: number of records}` in one grouped query, cached until the data changes."""
        rows = self.order_by().values("status").annotate(count=models.Count("pk"))
        return rows.cached(
            "commitment-status-counts", lambda rows: {row["status"]: row["count"] for row in rows}
        )

    def by_deadline(self):
        """Soonest deadline first; records without one last."""
        return self.order_by(models.F("deadline_date").asc(nulls_last=True), "kind", "number")

    def with_link_lists(self, user):
        """Annotate the links the API lists, as far as `user` may see the records linked:
        `linked_submitters`, `linked_themes`, `linked_programs` and `linked_actions`, each a
        JSON list in the linked model's order (`linked_list`): no prefetch query for them."""
        return self.annotate(
            linked_submitters=linked_list(
                user, Person, "motions_submitted", "slug", "name", "party"
            ),
            linked_themes=linked_list(user, Theme, "commitments", "slug", "name"),
            linked_programs=linked_list(user, Program, "commitments", "slug", "name"),
            linked_actions=linked_list(user, Action, "commitments", "slug", "title"),
        )


def flag(condition):
    return models.Case(
        models.When(condition, then=models.Value(True)),
        default=models.Value(False),
        output_field=models.BooleanField(),
    )


class CommitmentManager(models.Manager):
    def get_by_natural_key(self, kind, number):
        return self.get(kind=kind, number=number)


class Commitment(Publishable, Cited):
    """A promise of the executive to the council (toezegging) or a council motion (motie).

    Status and deadline change only with a reason (`_change_reason`, also kept by the history);
    every deadline change is kept as a `DeadlineChange`.
    """

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

    class Appraisal(models.TextChoices):
        DISCOURAGED = "ontraden", _("ontraden")
        COUNCILS_JUDGEMENT = "oordeel_staten", _("oordeel Staten")
        ADOPTED = "overgenomen", _("overgenomen")

    OPEN_STATUSES = (Status.OPEN, Status.PARTLY_FULFILLED)
    #: What settles a record: only those who may close (`may_close`) change these.
    CLOSING_FIELDS = ("status", "remaining", "fulfilled_by", "fulfilment")
    TRACKED = models.Q(kind=Kind.PROMISE) | models.Q(vote_outcome=VoteOutcome.ADOPTED)
    OPEN = TRACKED & models.Q(status__in=OPEN_STATUSES)

    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    number = models.SlugField(_("nummer"), max_length=20)
    title = models.CharField(_("titel"), max_length=300)
    text = models.TextField(_("tekst"), blank=True)
    made_on = FuzzyDateField(_("datum"), blank=True)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("vergadering"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    agenda_item = models.CharField(
        _("agendapunt"), max_length=300, blank=True, help_text=_("Bij welk onderwerp.")
    )
    made_by = models.ForeignKey(
        Person,
        verbose_name=_("portefeuillehouder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments_made",
        help_text=_("De gedeputeerde die de toezegging deed."),
    )
    made_by_role = models.CharField(
        _("functie van wie toezegde"),
        max_length=200,
        blank=True,
        help_text=_("Zoals de bron het noemt, bijvoorbeeld 'de portefeuillehouder'."),
    )
    made_to = models.CharField(
        _("gedaan aan"),
        max_length=200,
        blank=True,
        help_text=_("Statenlid, fractie of commissie aan wie de toezegging is gedaan."),
    )
    submitters = models.ManyToManyField(
        Person, verbose_name=_("indieners"), blank=True, related_name="motions_submitted"
    )
    vote_outcome = models.CharField(
        _("uitslag stemming"), max_length=12, choices=VoteOutcome.choices, blank=True
    )
    votes_for = models.PositiveSmallIntegerField(_("stemmen voor"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("stemmen tegen"), null=True, blank=True)
    appraisal = models.CharField(
        _("appreciatie GS"), max_length=15, choices=Appraisal.choices, blank=True
    )
    deadline = FuzzyDateField(_("termijn"), blank=True)
    without_deadline = models.BooleanField(
        _("geen termijn"),
        default=False,
        help_text=_(
            "Aanvinken als er uitdrukkelijk geen termijn is; leeg laten als die onbekend is."
        ),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    remaining = models.TextField(
        _("wat nog resteert"), blank=True, help_text=_("Verplicht bij 'deels voldaan'.")
    )
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
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["kind", "number"]
        indexes = [
            # The register's order (`by_deadline()`: nulls last, as a btree keeps them), the
            # `deadline` ordering, and the deadline filters (`dueBefore`, the period).
            models.Index(fields=["deadline_date", "kind", "number"], name="commitment_deadline"),
            # The API's `deadline` and `number` orderings (the key breaks ties).
            models.Index(fields=["deadline_date", "id"], name="commitment_deadline_id"),
            models.Index(fields=["number", "id"], name="commitment_number"),
            # The `madeOn` ordering, `madeFrom`/`madeUntil` and the admin's date drill-down.
            models.Index(fields=["made_on_date", "id"], name="commitment_made_on"),
        ]
        verbose_name = _("toezegging of motie")
        verbose_name_plural = _("toezeggingen en moties")
        permissions = [("close_commitment", _("Mag toezeggingen en moties afdoen"))]
        constraints = [
            *fuzzy_date_constraints("made_on", "deadline", "fulfilled_on"),
            models.UniqueConstraint(fields=["kind", "number"], name="unique_commitment_number"),
            models.CheckConstraint(
                condition=models.Q(kind="motie")
                | models.Q(vote_outcome="", votes_for__isnull=True, votes_against__isnull=True),
                name="commitment_vote_only_for_motions",
            ),
            models.CheckConstraint(
                condition=models.Q(without_deadline=False) | models.Q(deadline_date__isnull=True),
                name="commitment_deadline_or_none",
            ),
            models.CheckConstraint(
                condition=~models.Q(vote_outcome__in=["verworpen", "ingetrokken"])
                | ~models.Q(status__in=["openstaand", "deels_voldaan"]),
                name="commitment_rejected_motion_never_open",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display().capitalize()} {self.number}: {self.title}"

    def save(self, *args, **kwargs):
        """Save, and keep a changed deadline as a `DeadlineChange` with its reason."""
        old = self._stored_deadline_state()
        new = self._deadline_state()
        changed = old is not None and old != new
        reason = getattr(self, "_change_reason", "") or ""
        if changed and not reason.strip():
            raise ValidationError(_("Een termijn wijzigt alleen met een reden."))
        with transaction.atomic():
            super().save(*args, **kwargs)
            if changed:
                DeadlineChange.objects.create(
                    commitment=self,
                    old_deadline=old[0],
                    old_without_deadline=old[1],
                    new_deadline=new[0],
                    new_without_deadline=new[1],
                    reason=reason,
                    changed_by=getattr(self, "_history_user", None),
                )
        self._stored_deadline = new

    def get_absolute_url(self):
        return reverse("commitment-detail", args=[self.public_id])

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        if set(field_names) >= DEADLINE_FIELDS:
            record._stored_deadline = record._deadline_state()
        return record

    @property
    def public_id(self):
        return f"{self.kind}-{self.number}"

    @staticmethod
    def public_id_expression():
        """`public_id` computed by the database, for a link list read in a query."""
        return Concat("kind", models.Value("-"), "number", output_field=models.CharField())

    @classmethod
    def split_public_id(cls, public_id):
        """`toezegging-1886` -> (`toezegging`, `1886`); None for what is no commitment's id."""
        kind, _sep, number = str(public_id).partition("-")
        if kind not in cls.Kind.values or not number:
            return None
        return kind, number

    @staticmethod
    def may_close(user):
        """Publicists settle records (status and fulfilment); editors record and propose."""
        return bool(user) and user.has_perm("programs.close_commitment")

    @property
    def is_tracked(self):
        return self.kind == self.Kind.PROMISE or self.vote_outcome == self.VoteOutcome.ADOPTED

    def natural_key(self):
        return (self.kind, self.number)

    def _deadline_state(self):
        return (self.deadline, self.without_deadline)

    def _stored_deadline_state(self):
        """The deadline as stored: known since loading, or read now (a copy built by hand)."""
        if hasattr(self, "_stored_deadline"):
            return self._stored_deadline
        if self.pk is None:
            return None
        stored = type(self)._base_manager.filter(pk=self.pk).first()
        return stored._deadline_state() if stored else None

    def deadline_label(self):
        """'medio 2016', 'geen termijn' or 'termijn onbekend': a missing deadline shows."""
        return deadline_text(self.deadline, self.without_deadline)

    def clean(self):
        errors = {}
        if self.kind != self.Kind.MOTION:
            for field in ("vote_outcome", "votes_for", "votes_against", "appraisal"):
                if getattr(self, field) not in ("", None):
                    errors[field] = _("Alleen een motie heeft een stemming of appreciatie.")
        if self.without_deadline and self.deadline:
            errors["without_deadline"] = _("Een termijn, of 'geen termijn': niet allebei.")
        rejected = (self.VoteOutcome.REJECTED, self.VoteOutcome.WITHDRAWN)
        if self.vote_outcome in rejected and self.status in self.OPEN_STATUSES:
            errors["status"] = _("Een verworpen of ingetrokken motie staat nooit open.")
        if self.status == self.Status.PARTLY_FULFILLED and not self.remaining.strip():
            errors["remaining"] = _("Zeg wat er nog resteert van een deels voldane toezegging.")
        done = (self.Status.FULFILLED, self.Status.PARTLY_FULFILLED)
        if self.status in done and not (self.fulfilled_by_id or self.fulfilment):
            errors["fulfilment"] = _("Zeg waarmee de toezegging of motie (deels) is voldaan.")
        if errors:
            raise ValidationError(errors)


DEADLINE_FIELDS = {"deadline_date", "deadline_precision", "without_deadline"}


class DeadlineChange(models.Model):
    """One change of a commitment's deadline: old and new value, when, why and by whom."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="deadline_changes"
    )
    old_deadline = FuzzyDateField(_("oude termijn"), blank=True)
    old_without_deadline = models.BooleanField(_("was zonder termijn"), default=False)
    new_deadline = FuzzyDateField(_("nieuwe termijn"), blank=True)
    new_without_deadline = models.BooleanField(_("is zonder termijn"), default=False)
    changed_at = models.DateTimeField(_("gewijzigd op"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gewijzigd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reden"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment", "changed_at", "pk"]
        verbose_name = _("termijnwijziging")
        verbose_name_plural = _("termijnwijzigingen")
        constraints = [*fuzzy_date_constraints("old_deadline", "new_deadline")]

    def __str__(self):
        return f"{self.commitment.public_id}: {self.old_label()} → {self.new_label()}"

    def old_label(self):
        return deadline_text(self.old_deadline, self.old_without_deadline)

    def new_label(self):
        return deadline_text(self.new_deadline, self.new_without_deadline)


def deadline_text(deadline, without_deadline):
    if deadline:
        return str(deadline)
    return _("geen termijn") if without_deadline else _("termijn onbekend")


class CommitmentRelationManager(models.Manager):
    def get_by_natural_key(self, kind, number, related_kind, related_number, relation):
        return self.get(
            commitment__kind=kind,
            commitment__number=number,
            related__kind=related_kind,
            related__number=related_number,
            kind=relation,
        )


class CommitmentRelationQuerySet(PublishableQuerySet):
    published_via = ("commitment", "related")


class CommitmentRelation(Publishable):
    """A newer commitment that replaces, repeats or supplements an older one."""

    class Kind(models.TextChoices):
        REPLACES = "replaces", _("vervangt")
        REPEATS = "repeats", _("herhaalt")
        SUPPLEMENTS = "supplements", _("vult aan")

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("toezegging of motie"),
        on_delete=models.CASCADE,
        related_name="relations",
    )
    kind = models.CharField(_("relatie"), max_length=12, choices=Kind.choices)
    related = models.ForeignKey(
        Commitment,
        verbose_name=_("eerdere toezegging of motie"),
        on_delete=models.PROTECT,
        related_name="related_from",
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    objects = CommitmentRelationManager.from_queryset(CommitmentRelationQuerySet)()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["commitment", "kind", "related"]
        verbose_name = _("relatie tussen toezeggingen")
        verbose_name_plural = _("relaties tussen toezeggingen")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "kind", "related"], name="unique_commitment_relation"
            ),
            models.CheckConstraint(
                condition=~models.Q(commitment=models.F("related")),
                name="commitment_relation_not_to_itself",
            ),
        ]

    def __str__(self):
        return f"{self.commitment.public_id} {self.get_kind_display()} {self.related.public_id}"

    def natural_key(self):
        return (*self.commitment.natural_key(), *self.related.natural_key(), self.kind)

    natural_key.dependencies = ["programs.commitment"]

    def clean(self):
        if self.commitment_id and self.commitment_id == self.related_id:
            raise ValidationError({"related": _("Een toezegging verwijst niet naar zichzelf.")})


class SettlementQuerySet(PublishableQuerySet):
    published_via = ("commitment",)

    def pending(self):
        return self.filter(decision=Settlement.Decision.PENDING)


class Settlement(Publishable):
    """An afdoeningsvoorstel: the executive proposes to settle, the committee decides."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("nog te behandelen")
        ACCEPTED = "accepted", _("akkoord")
        REJECTED = "rejected", _("niet akkoord")

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("toezegging of motie"),
        on_delete=models.CASCADE,
        related_name="settlements",
    )
    proposed_on = models.DateField(_("voorgesteld op"), validators=year_validators())
    proposal_document = models.ForeignKey(
        Document,
        verbose_name=_("stuk bij het voorstel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlements_proposed",
    )
    proposed_status = models.CharField(
        _("voorgestelde status"),
        max_length=15,
        choices=[
            (status, label)
            for status, label in Commitment.Status.choices
            if status != Commitment.Status.OPEN
        ],
    )
    explanation = models.TextField(_("toelichting"), blank=True)
    remaining = models.TextField(_("wat nog resteert"), blank=True)
    decision = models.CharField(
        _("besluit"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_at = models.ForeignKey(
        Meeting,
        verbose_name=_("besloten in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlements",
    )
    decided_on = models.DateField(
        _("besloten op"), null=True, blank=True, validators=year_validators()
    )
    decision_note = models.TextField(_("toelichting besluit"), blank=True)

    objects = SettlementQuerySet.as_manager()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["commitment", "proposed_on", "pk"]
        verbose_name = _("afdoeningsvoorstel")
        verbose_name_plural = _("afdoeningsvoorstellen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision="pending", decided_on__isnull=True)
                | (~models.Q(decision="pending") & models.Q(decided_on__isnull=False)),
                name="settlement_decided_with_a_date",
            ),
        ]

    def __str__(self):
        return _("Afdoeningsvoorstel %(id)s van %(date)s") % {
            "id": self.commitment.public_id,
            "date": date_format(self.proposed_on, "j F Y"),
        }

    def clean(self):
        if self.proposed_status == Commitment.Status.PARTLY_FULFILLED and not self.remaining:
            raise ValidationError({"remaining": _("Zeg wat er na deze afdoening nog resteert.")})
        if self.decision != self.Decision.PENDING and not self.decided_on:
            raise ValidationError({"decided_on": _("Een besluit heeft een datum.")})

    def decide(self, decision, *, on, meeting=None, note="", user=None):
        """Record the committee's decision; on 'akkoord' the commitment takes the proposal."""
        if self.decision != self.Decision.PENDING:
            raise ValidationError(_("Over dit afdoeningsvoorstel is al besloten."))
        self.decision, self.decided_on, self.decided_at = decision, on, meeting
        self.decision_note = note
        self._history_user = user
        with transaction.atomic():
            self.full_clean()
            self.save()
            if decision == self.Decision.ACCEPTED:
                self.apply(user)

    def apply(self, user=None):
        """Give the commitment the status this accepted proposal settles, with the reason."""
        if self.decision != self.Decision.ACCEPTED:
            raise ValidationError(_("Alleen een aanvaard afdoeningsvoorstel wordt toegepast."))
        commitment = self.commitment
        commitment.status = self.proposed_status
        commitment.remaining = self.remaining
        commitment.fulfilled_by = self.proposal_document or commitment.fulfilled_by
        commitment.fulfilled_on = FuzzyDate(self.decided_on, Precision.DAY)
        commitment.fulfilment = self.explanation or commitment.fulfilment
        where = f" ({self.decided_at})" if self.decided_at else ""
        commitment._change_reason = f"Afdoeningsvoorstel akkoord op {self.decided_on}{where}"
        commitment._history_user = user
        commitment.full_clean()
        commitment.save()


class ActionQuerySet(PublishableQuerySet):
    search_fields = (("title", "A"), ("description", "C"), ("slug", "D"))

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
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["due_date", "title", "pk"]
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        constraints = [*fuzzy_date_constraints("due")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("action-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class IndicatorQuerySet(PublishableQuerySet):
    search_fields = (("name", "A"), ("sector", "B"), ("unit", "C"), ("slug", "D"))

    def with_link_lists(self, user):
        """Annotate `linked_themes` as a JSON list, as far as `user` may see them."""
        return self.annotate(linked_themes=linked_list(user, Theme, "indicators", "slug", "name"))


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

    objects = SlugManager.from_queryset(IndicatorQuerySet)()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
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

    def natural_key(self):
        return (self.slug,)

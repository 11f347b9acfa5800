"""Money: budget lines (a document's annex rows) and subsidies granted under an instrument."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common import caching
from common.formats import PRO_MEMORIE, format_money, local_number
from common.fuzzydates import FuzzyDateField, fuzzy_date_constraints
from programs.models import (
    PUBLISHABLE_PERMISSIONS,
    Cited,
    Document,
    Organisation,
    Program,
    PublicationStatus,
    Publishable,
    PublishableQuerySet,
    SluggedRecord,
    SlugManager,
    can_read_concepts,
)


class ContributionKind(models.TextChoices):
    AMOUNT = "bedrag", _("bedrag")
    PM = "pm", _("PM (pro memorie)")
    EXTERNAL = "derden", _("op kosten van derden")


def typed_contribution(kind, amount):
    """(kind, amount) of a budget line whose amount was typed as `PM` (`PRO_MEMORIE`) in the
    admin or the import: a PM line. A line paid by others has no PM: a ValidationError."""
    if amount is not PRO_MEMORIE:
        return kind, amount
    if kind == ContributionKind.EXTERNAL:
        raise ValidationError(_("Bij 'op kosten van derden' hoort geen bedrag en geen PM."))
    return ContributionKind.PM, None


class Funder(models.TextChoices):
    PROVINCE = "provincie", _("provincie")
    EU = "eu", _("EU")
    NATIONAL = "rijk", _("Rijk")
    OTHER = "derden", _("derden")


@dataclass(frozen=True)
class Totals:
    """Sum of the amount lines, and the PM and external lines counted, never summed."""

    amount: Decimal
    pm_count: int
    external_count: int

    @classmethod
    def added_up(cls, totals):
        """One `Totals` of several."""
        totals = list(totals)
        return cls(
            sum((each.amount for each in totals), Decimal("0.00")),
            sum(each.pm_count for each in totals),
            sum(each.external_count for each in totals),
        )

    @property
    def label(self):
        """`€ 77,57 mln + 6 × PM`: the PM lines are always in sight (`2 × PM` alone when no
        line has an amount yet, rather than `€ 0,0 mln + 2 × PM`); `geen bedrag` when there
        is neither."""
        if not self.amount and not self.pm_count:
            return gettext("geen bedrag")
        parts = [format_money(self.amount)] if self.amount else []
        if self.pm_count:
            # Translators: a count of budget lines pro memorie (without an amount): "6 × PM".
            parts.append(gettext("%(count)s × PM") % {"count": local_number(self.pm_count)})
        return " + ".join(parts)


class BudgetLineQuerySet(PublishableQuerySet):
    published_via = ("document", "program")
    search_fields = (("label", "A"), ("note", "C"))
    stored_search = True

    def get_by_public_id(self, public_id):
        """`sterke-maakindustrie-2015-1`; DoesNotExist for anything else."""
        parts = BudgetLine.split_public_id(public_id)
        if parts is None:
            raise self.model.DoesNotExist(f"no budget line {public_id!r}")
        document, position = parts
        return self.get(document__slug=document, position=position)

    @staticmethod
    def _total_figures():
        return {
            "amount": Coalesce(
                Sum("amount", filter=Q(contribution_kind=ContributionKind.AMOUNT)),
                Decimal("0.00"),
                output_field=models.DecimalField(max_digits=14, decimal_places=2),
            ),
            "pm_count": Count("pk", filter=Q(contribution_kind=ContributionKind.PM)),
            "external_count": Count("pk", filter=Q(contribution_kind=ContributionKind.EXTERNAL)),
        }

    def totals(self):
        """The sum of amounts and the count of PM and external lines: added up from the totals
        per funder, a grouped query the dashboard shows too, so it reads the lines once."""
        return Totals.added_up(self.totals_by("funder").values())

    def totals_by(self, field):
        """`{value of field: Totals}` in one grouped query: the same figures as `totals()`,
        cached until the data changes.

        Over a to-many `field` (`program__themes`) a line counts once under each value, and
        under None when it has none.
        """
        rows = self.order_by().values(field).annotate(**self._total_figures())
        return rows.cached(
            "budget-line-totals-by", lambda rows: {row.pop(field): Totals(**row) for row in rows}
        )


class BudgetLineManager(models.Manager):
    def get_by_natural_key(self, document, position):
        return self.get(document__slug=document, position=position)


class BudgetLine(Publishable):
    """A contribution to a program, as one row of a document's annex: an amount, PM or external."""

    document = models.ForeignKey(
        "programs.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    position = models.PositiveSmallIntegerField(_("rij"), help_text=_("Volgorde in het document."))
    label = models.CharField(
        _("omschrijving"), max_length=300, help_text=_("Zoals de rij in het document heet.")
    )
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("programma"),
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    contribution_kind = models.CharField(
        _("soort bijdrage"), max_length=10, choices=ContributionKind.choices
    )
    amount = models.DecimalField(
        _("bedrag (euro)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("In euro's; alleen bij soort 'bedrag'. Leeg bij PM of op kosten van derden."),
    )
    funder = models.CharField(
        _("financier"), max_length=10, choices=Funder.choices, default=Funder.PROVINCE
    )
    start = FuzzyDateField(_("periode vanaf"), blank=True)
    end = FuzzyDateField(_("periode tot"), blank=True)
    source_locator = models.CharField(_("vindplaats"), max_length=200, blank=True)
    note = models.TextField(_("toelichting"), blank=True)

    objects = BudgetLineManager.from_queryset(BudgetLineQuerySet)()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["document", "position"]
        # The default order is served by the document's order and `unique_annex_position`;
        # these serve the API's other orderings, so a first page sorts no whole table.
        indexes = [
            models.Index(fields=["position", "id"], name="budgetline_position"),
            models.Index(fields=["amount", "id"], name="budgetline_amount"),
            # `-amount` (PM lines last, as under `amount`) reads `budgetline_amount_desc`, made on
            # PostgreSQL only by migration 0014: SQLite cannot declare NULLS LAST in an index,
            # and would fail to rebuild the table with it.
            models.Index(fields=["label", "id"], name="budgetline_label"),
            # Every column the totals read (`_total_figures` by document, program, theme or
            # funder): PostgreSQL sums them from this index alone (an index-only scan) rather
            # than from the table, whose rows also hold the stored search columns.
            models.Index(
                fields=[
                    "publication_status",
                    "document",
                    "program",
                    "funder",
                    "contribution_kind",
                    "amount",
                ],
                include=["id"],
                name="budgetline_totals",
            ),
        ]
        verbose_name = _("begrotingspost")
        verbose_name_plural = _("begrotingsposten")
        constraints = [
            *fuzzy_date_constraints("start", "end"),
            models.UniqueConstraint(fields=["document", "position"], name="unique_annex_position"),
            models.CheckConstraint(
                condition=(
                    Q(
                        contribution_kind=ContributionKind.AMOUNT,
                        amount__isnull=False,
                        amount__gte=0,
                    )
                    | (
                        Q(contribution_kind__in=[ContributionKind.PM, ContributionKind.EXTERNAL])
                        & Q(amount__isnull=True)
                    )
                ),
                name="budget_line_amount_matches_kind",
                violation_error_message=_(
                    "Een bedrag is verplicht (en niet negatief) bij soort 'bedrag' en "
                    "niet toegestaan bij PM of op kosten van derden."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.contribution_label}"

    def natural_key(self):
        return (self.document.slug, self.position)

    natural_key.dependencies = ["programs.document", "programs.program"]

    @property
    def public_id(self):
        """`sterke-maakindustrie-2015-1`: the document and the row."""
        return f"{self.document.slug}-{self.position}"

    @classmethod
    def former_address(cls, address):
        """A line's former id: its row in its document, by the document's slug then or now."""
        parts = cls.split_public_id(address)
        if parts is None:
            return None
        document = Document.objects.formerly_at(parts[0])
        return None if document is None else {"document_id": document.pk, "position": parts[1]}

    @staticmethod
    def split_public_id(public_id):
        """`sterke-maakindustrie-2015-1` -> (`sterke-maakindustrie-2015`, 1); None otherwise."""
        slug, _sep, position = str(public_id).rpartition("-")
        if not slug or not position.isdigit() or int(position) < 1:
            return None
        return slug, int(position)

    @property
    def contribution_label(self):
        """`€ 8,9 mln`, `PM` or `op kosten EU`."""
        if self.contribution_kind == ContributionKind.AMOUNT:
            return format_money(self.amount) if self.amount is not None else ""
        if self.contribution_kind == ContributionKind.PM:
            return "PM"
        return _("op kosten %(funder)s") % {"funder": self.get_funder_display()}

    def clean(self):
        if self.contribution_kind == ContributionKind.AMOUNT:
            if self.amount is None:
                raise ValidationError({"amount": _("Vul een bedrag in, of kies PM.")})
            if self.amount < 0:
                raise ValidationError({"amount": _("Een bijdrage is niet negatief.")})
        elif self.amount is not None:
            raise ValidationError(
                {"amount": _("Bij PM of op kosten van derden hoort geen bedrag.")}
            )
        if self.contribution_kind == ContributionKind.EXTERNAL and self.funder == Funder.PROVINCE:
            raise ValidationError({"funder": _("Zeg wie betaalt als de provincie het niet doet.")})
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("Het einde ligt voor de start.")})


def kept(row):
    """Grouped figures of budget lines named as the fields of a `BudgetTotal` (an annotation
    cannot take the name of a field it sums)."""
    row["amount"], row["published_amount"] = row.pop("summed"), row.pop("published_summed")
    return row


class BudgetTotalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The kept totals as `user` may see them: of every line for staff who read concept
        lines, of the published lines (in a published document and program) for anyone else.
        The figures are annotated `seen_amount` and `seen_count`."""
        if can_read_concepts(user, BudgetLine):
            return self.annotate(seen_amount=F("amount"), seen_count=F("line_count"))
        return self.filter(published_line_count__gt=0).annotate(
            seen_amount=F("published_amount"), seen_count=F("published_line_count")
        )

    def of_programs(self):
        """The rows per program over every period: what to read unless a period is asked for."""
        return self.filter(document__isnull=True, by_period=False)

    def of_documents(self):
        """The rows per document (of its annex)."""
        return self.filter(document__isnull=False)

    def in_period(self, first_year=None, last_year=None):
        """The rows of the lines whose period overlaps the years, as `periodFrom` and
        `periodUntil` choose budget lines: running in or after `first_year` (an end in or after
        it, or a start and no end), starting in or before `last_year`."""
        rows = self.filter(by_period=True)  # of programs only
        if first_year is not None:
            rows = rows.filter(
                Q(end_year__gte=first_year) | Q(end_year__isnull=True, start_year__isnull=False)
            )
        if last_year is not None:
            rows = rows.filter(start_year__lte=last_year)
        return rows

    @staticmethod
    def _figures():
        return {
            "amount": Coalesce(
                Sum("seen_amount", filter=Q(contribution_kind=ContributionKind.AMOUNT)),
                Decimal("0.00"),
                output_field=models.DecimalField(max_digits=16, decimal_places=2),
            ),
            "pm_count": Coalesce(
                Sum("seen_count", filter=Q(contribution_kind=ContributionKind.PM)), 0
            ),
            "external_count": Coalesce(
                Sum("seen_count", filter=Q(contribution_kind=ContributionKind.EXTERNAL)), 0
            ),
        }

    def totals(self):
        """`Totals` of these rows (of `visible_to`): added up from the totals per funder, which
        the dashboard shows too."""
        return Totals.added_up(self.totals_by("funder").values())

    def totals_by(self, field):
        """`{value of field: Totals}` in one grouped query, cached until the data changes.
        Over a to-many `field` (`program__themes`) a line counts once under each value."""
        return self.cached(f"budget-totals-by:{field}", lambda kept: kept.grouped(field))

    def grouped(self, field):
        """`totals_by`, from the database: for a figure that caches what it makes of it (the
        dashboard's rows per program) rather than keeping the same rows twice."""
        rows = self.order_by().values(field).annotate(**self._figures())
        return {row.pop(field): Totals(**row) for row in rows}

    def cached(self, name, compute, *also):
        """`compute(self)`, kept in the cache until the data changes (`common.caching`)."""
        return caching.cached_query(name, self, compute, *also)

    def annexes(self, user, listed):
        """`([(document, Totals)], count)`: the first `listed` documents `user` may read with
        the totals of the lines they may read in their annex, in the documents' order, and how
        many such documents there are."""
        documents = Document.objects.visible_to(user)

        def rows(kept):
            kept = kept.of_documents()
            with_annex = documents.filter(
                models.Exists(kept.filter(document=models.OuterRef("pk")))
            )
            # Only what the list shows and links, and only the rows shown.
            shown = list(
                with_annex.only(
                    "slug", "title", "date_date", "date_precision", "publication_status"
                )[:listed]
            )
            totals = kept.filter(document__in=shown).grouped("document")
            return [(document, totals[document.pk]) for document in shown], with_annex.count()

        return self.cached(f"annexes-{listed}", rows, documents)

    def recount(self, programs=None, documents=None):
        """Count the totals of the lines of the programs and documents with these ids afresh,
        in the current transaction (None: every one; an empty set: none): what every write to a
        budget line, and every publication change of its document or program, does."""
        public = Q(
            publication_status=PublicationStatus.PUBLISHED,
            document__publication_status=PublicationStatus.PUBLISHED,
            program__publication_status=PublicationStatus.PUBLISHED,
        )
        figures = {
            "summed": Coalesce(Sum("amount"), Decimal("0.00")),
            "line_count": Count("pk"),
            "published_summed": Coalesce(Sum("amount", filter=public), Decimal("0.00")),
            "published_line_count": Count("pk", filter=public),
        }
        years = {"start_year": ExtractYear("start_date"), "end_year": ExtractYear("end_date")}

        def rows(column, lines):
            keys = (column, "funder", "contribution_kind")
            grouped = lines.values(*keys).annotate(**figures)
            made = [BudgetTotal(by_period=False, **kept(row)) for row in grouped]
            if column == "program_id":
                grouped = lines.values(*keys, **years).annotate(**figures)
                made += [BudgetTotal(by_period=True, **kept(row)) for row in grouped]
            return made

        lines = BudgetLine.objects.using(self.db).order_by()
        with transaction.atomic(using=self.db):
            replace_kept(
                self,
                "program_id",
                programs,
                Program,
                lambda rows_of: rows("program_id", rows_of(lines)),
            )
            replace_kept(
                self,
                "document_id",
                documents,
                Document,
                lambda rows_of: rows("document_id", rows_of(lines)),
            )


def replace_kept(kept, column, ids, owner, count):
    """Replace the rows of the kept totals `kept` whose `column` is one of `ids` (None: every
    row with one; an empty set: none) by `count(narrow)`, the rows counted afresh from the
    records that `narrow(queryset)` keeps. In SQL: a queryset's delete() would read every row
    and signal each deletion. Bulk writes send no signals: the cached figures that read these
    rows learn of it here."""
    if ids is not None and not ids:
        return
    ids = sorted(ids or ())
    table = connections[kept.db].ops.quote_name(kept.model._meta.db_table)
    with transaction.atomic(using=kept.db), connections[kept.db].cursor() as cursor:
        if ids:
            # Two writers counting one program at once would each delete the rows the other
            # had not committed yet, and both insert theirs: the owner's row (a program's, a
            # document's) is locked first, so the second counts after the first commits.
            owners = owner._base_manager.using(kept.db).select_for_update().order_by("pk")
            list(owners.filter(pk__in=ids).values_list("pk"))
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", ids)
            rows = count(lambda records: records.filter(**{f"{column}__in": ids}))
        else:
            cursor.execute(f"DELETE FROM {table} WHERE {column} IS NOT NULL")
            rows = count(lambda records: records)
        kept.bulk_create(rows, batch_size=5000)
    caching.data_changed(kept.db, {kept.model._meta.db_table})


#: The figures of a row of `BudgetTotal`: what its covering indexes hold for the sums.
KEPT_FIGURES = ("amount", "line_count", "published_amount", "published_line_count")


class BudgetTotal(models.Model):
    """The budget lines of one program or one document, funder and kind of contribution added
    up, kept on write so that no page adds up every line: for all lines and for the published
    ones; a program's over every period (`by_period` false) and per pair of start and end years
    (for the period filters), a document's (its annex) over every period. Derived data: counted
    afresh from the lines by `recount`, never edited."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, null=True, related_name="budget_totals"
    )
    document = models.ForeignKey(
        "programs.Document", on_delete=models.CASCADE, null=True, related_name="budget_totals"
    )
    funder = models.CharField(max_length=10, choices=Funder.choices)
    contribution_kind = models.CharField(max_length=10, choices=ContributionKind.choices)
    by_period = models.BooleanField()
    start_year = models.PositiveSmallIntegerField(null=True)
    end_year = models.PositiveSmallIntegerField(null=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    line_count = models.PositiveIntegerField()
    published_amount = models.DecimalField(max_digits=16, decimal_places=2)
    published_line_count = models.PositiveIntegerField()

    objects = BudgetTotalQuerySet.as_manager()

    class Meta:
        ordering = ["program", "document", "funder", "contribution_kind", "start_year", "end_year"]
        # What the dashboard reads: the rows over every period, or per period, by program; the
        # rows of documents, by document. On PostgreSQL they are read from their index alone
        # (`include`): the sums per program, funder and theme and the count of annexes took a
        # third to two thirds longer from the table.
        indexes = [
            models.Index(fields=["by_period", "program"], name="budgettotal_program"),
            models.Index(
                fields=["program"],
                include=["funder", "contribution_kind", *KEPT_FIGURES],
                condition=Q(by_period=False, document__isnull=True),
                name="budgettotal_program_rows",
            ),
            # The rows per period, found by their start (every period filter gives an end
            # year, and a start year but for `periodFrom` alone) and read from the index.
            models.Index(
                fields=["start_year"],
                include=["end_year", "program", "funder", "contribution_kind", *KEPT_FIGURES],
                condition=Q(by_period=True),
                name="budgettotal_period_rows",
            ),
            models.Index(
                fields=["document"],
                include=["line_count", "published_line_count"],
                condition=Q(document__isnull=False),
                name="budgettotal_document_rows",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(program__isnull=True, document__isnull=False, by_period=False)
                | Q(program__isnull=False, document__isnull=True),
                name="budget_total_of_a_program_or_a_document",
            ),
            models.CheckConstraint(
                condition=Q(published_line_count__lte=F("line_count"))
                & Q(published_amount__lte=F("amount"))
                & Q(published_amount__gte=0),
                name="budget_total_published_within_all",
            ),
            models.CheckConstraint(
                condition=Q(by_period=True) | Q(start_year__isnull=True, end_year__isnull=True),
                name="budget_total_years_only_by_period",
            ),
        ]
        verbose_name = _("opgeteld totaal van begrotingsposten")
        verbose_name_plural = _("opgetelde totalen van begrotingsposten")

    def __str__(self):
        of = f"program {self.program_id}" if self.program_id else f"document {self.document_id}"
        years = f" {self.start_year}-{self.end_year}" if self.by_period else ""
        return f"{of} {self.funder} {self.contribution_kind}{years}: {self.line_count}"


class SubsidyQuerySet(PublishableQuerySet):
    published_via = ("instrument", "recipient")
    # A subsidy has no name of its own: it is known by its recipient and instrument.
    search_fields = (
        ("recipient__name", "A"),
        ("instrument__name", "A"),
        ("description", "C"),
        ("slug", "D"),
    )
    stored_search = True

    def granted(self):
        """Grants made: granted, or granted and settled."""
        return self.filter(status__in=[Subsidy.Status.GRANTED, Subsidy.Status.SETTLED])

    def awarded(self):
        """Grants made, with the amount and date a grant standard (360Giving) requires."""
        return self.granted().filter(granted_amount__isnull=False, granted_on_date__isnull=False)


class Subsidy(SluggedRecord, Cited):
    """A grant to an organisation under instrument: granted (verleend) and settled (vastgesteld)."""

    class Status(models.TextChoices):
        REQUESTED = "aangevraagd", _("aangevraagd")
        GRANTED = "verleend", _("verleend")
        SETTLED = "vastgesteld", _("vastgesteld")
        WITHDRAWN = "ingetrokken", _("ingetrokken")

    instrument = models.ForeignKey(
        "programs.Program",
        verbose_name=_("regeling"),
        on_delete=models.PROTECT,
        related_name="subsidies",
    )
    recipient = models.ForeignKey(
        "programs.Organisation",
        verbose_name=_("ontvanger"),
        on_delete=models.PROTECT,
        related_name="subsidies",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    granted_amount = models.DecimalField(
        _("verleend bedrag (euro)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leeg als de bron het bedrag niet noemt."),
    )
    settled_amount = models.DecimalField(
        _("vastgesteld bedrag (euro)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    project_volume = models.DecimalField(
        _("projectvolume (euro)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    granted_on = FuzzyDateField(_("datum verlening"), blank=True)
    description = models.TextField(_("omschrijving"), blank=True)

    objects = SlugManager.from_queryset(SubsidyQuerySet)()

    class Meta(SluggedRecord.Meta):
        ordering = ["-granted_on_date", "slug"]
        indexes = [
            # The default order (newest grant first), the period filters and the admin's date
            # drill-down.
            models.Index(fields=["-granted_on_date", "slug"], name="subsidy_granted_on_slug"),
            # The API's `grantedAmount` and `projectVolume` orderings (`grantedOn` reads the
            # default order's index backwards and sorts the few grants of one day by key).
            models.Index(fields=["granted_amount", "id"], name="subsidy_granted_amount"),
            models.Index(fields=["project_volume", "id"], name="subsidy_project_volume"),
            # Descending with unknown amounts last: `subsidy_granted_amount_desc` and
            # `subsidy_project_volume_desc`, on PostgreSQL only (migration 0014, as above).
        ]
        verbose_name = _("subsidie")
        verbose_name_plural = _("subsidies")
        constraints = [
            *fuzzy_date_constraints("granted_on"),
            models.CheckConstraint(
                condition=(
                    (Q(granted_amount__isnull=True) | Q(granted_amount__gte=0))
                    & (Q(settled_amount__isnull=True) | Q(settled_amount__gte=0))
                    & (Q(project_volume__isnull=True) | Q(project_volume__gte=0))
                ),
                name="subsidy_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(settled_amount__isnull=True) | Q(status="vastgesteld"),
                name="subsidy_settled_amount_only_when_settled",
            ),
        ]

    def __str__(self):
        return f"{self.recipient.name}: {self.instrument.name}"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["programs.program", "programs.organisation"]

    @property
    def granted_label(self):
        """`€ 0,05 mln`, or '' when the source gives no amount."""
        return format_money(self.granted_amount) if self.granted_amount is not None else ""

    @property
    def volume_label(self):
        return format_money(self.project_volume) if self.project_volume is not None else ""

    @property
    def leverage(self):
        """Project volume per euro of subsidy (hefboom), or None when either is unknown."""
        subsidy = self.settled_amount if self.settled_amount is not None else self.granted_amount
        if not subsidy or self.project_volume is None:
            return None
        return (self.project_volume / subsidy).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def clean(self):
        for field in ("granted_amount", "settled_amount", "project_volume"):
            value = getattr(self, field)
            if value is not None and value < 0:
                raise ValidationError({field: _("Een bedrag is niet negatief.")})
        if self.settled_amount is not None and self.status != self.Status.SETTLED:
            raise ValidationError(
                {"settled_amount": _("Een vastgesteld bedrag hoort bij status 'vastgesteld'.")}
            )


class SubsidyTotalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The kept totals as `user` may see them (see `BudgetTotalQuerySet.visible_to`), the
        figures annotated `seen_<figure>`."""
        figures = ("subsidy_count", "amount", "amount_unknown", "volume", "volume_unknown")
        if can_read_concepts(user, Subsidy):
            return self.annotate(**{f"seen_{name}": F(name) for name in figures})
        return self.filter(published_subsidy_count__gt=0).annotate(
            **{f"seen_{name}": F(f"published_{name}") for name in figures}
        )

    def granted(self):
        """Of the grants made (`SubsidyQuerySet.granted`)."""
        return self.filter(status__in=[Subsidy.Status.GRANTED, Subsidy.Status.SETTLED])

    def figures(self):
        """{count, amount, volume, amount_unknown, volume_unknown} of these rows: what the
        dashboard says of the subsidies (an amount is None when none is known)."""
        return caching.cached_query(
            "subsidy-totals",
            self.order_by(),
            lambda rows: rows.aggregate(
                count=Coalesce(Sum("seen_subsidy_count"), 0),
                amount=Sum("seen_amount"),
                volume=Sum("seen_volume"),
                amount_unknown=Coalesce(Sum("seen_amount_unknown"), 0),
                volume_unknown=Coalesce(Sum("seen_volume_unknown"), 0),
            ),
        )

    def recount(self, instruments=None):
        """Count the totals of the subsidies under the instruments with these ids afresh, in
        the current transaction (None: every one; an empty set: none)."""
        public = Q(
            publication_status=PublicationStatus.PUBLISHED,
            instrument__publication_status=PublicationStatus.PUBLISHED,
            recipient__publication_status=PublicationStatus.PUBLISHED,
        )

        def figures(prefix, condition):
            return {
                f"{prefix}subsidy_count": Count("pk", filter=condition),
                f"{prefix}amount": Sum("granted_amount", filter=condition),
                f"{prefix}amount_unknown": Count(
                    "pk", filter=condition & Q(granted_amount__isnull=True)
                ),
                f"{prefix}volume": Sum("project_volume", filter=condition),
                f"{prefix}volume_unknown": Count(
                    "pk", filter=condition & Q(project_volume__isnull=True)
                ),
            }

        def rows(narrow):
            grouped = narrow(Subsidy.objects.using(self.db).order_by()).values(
                "instrument_id", "status", granted_year=ExtractYear("granted_on_date")
            )
            grouped = grouped.annotate(**figures("", Q()), **figures("published_", public))
            return [SubsidyTotal(**row) for row in grouped]

        replace_kept(self, "instrument_id", instruments, Program, rows)


class SubsidyTotal(models.Model):
    """The subsidies under one instrument with one status and year of grant added up, kept on
    write (as `BudgetTotal`): their number, the sums of the granted amounts and the project
    volumes (None when none is known) and how many have none, of all subsidies and of the
    published ones (a published subsidy to a published recipient under a published
    instrument)."""

    instrument = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="subsidy_totals"
    )
    status = models.CharField(max_length=12, choices=Subsidy.Status.choices)
    granted_year = models.PositiveSmallIntegerField(null=True)
    subsidy_count = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    amount_unknown = models.PositiveIntegerField()
    volume = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    volume_unknown = models.PositiveIntegerField()
    published_subsidy_count = models.PositiveIntegerField()
    published_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    published_amount_unknown = models.PositiveIntegerField()
    published_volume = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    published_volume_unknown = models.PositiveIntegerField()

    objects = SubsidyTotalQuerySet.as_manager()

    class Meta:
        ordering = ["instrument", "status", "granted_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_subsidy_count__lte=F("subsidy_count"))
                & Q(amount_unknown__lte=F("subsidy_count"))
                & Q(volume_unknown__lte=F("subsidy_count")),
                name="subsidy_total_counts_within_all",
            ),
        ]
        verbose_name = _("opgeteld totaal van subsidies")
        verbose_name_plural = _("opgetelde totalen van subsidies")

    def __str__(self):
        return f"{self.instrument_id} {self.status} {self.granted_year}: {self.subsidy_count}"


@dataclass(frozen=True)
class Overview:
    """A document's annex as the document shows it: its rows in order and their totals."""

    document: object
    rows: list
    totals: Totals


def document_overview(document, user):
    """The one computation behind the memo's page, its API overview and its admin page; the
    rows and totals are cached until the data changes."""
    lines = BudgetLine.objects.visible_to(user).filter(document=document)
    rows = lines.select_related("program").order_by("position").cached("annex-rows", list)
    return Overview(document, rows, lines.totals())


# Keeping the totals: every write to a budget line or a subsidy, and every publication change
# of a record they need published (`published_via`), counts the totals of the programs,
# documents and instruments it touched again, in its transaction. Bulk writes send no signals:
# `generate_scale_data` calls `recount()` itself.
_to_recount = ContextVar("totals_to_recount", default=None)


@contextmanager
def totals_counted_at_end(using=DEFAULT_DB_ALIAS):
    """Inside the block, writes only note what they touched, whose totals are counted once
    when the block ends: for a restore or a load of many records."""
    noted = {"programs": set(), "documents": set(), "instruments": set()}
    token = _to_recount.set(noted)
    try:
        yield
    finally:
        _to_recount.reset(token)
    recount_totals(using, **noted)


def recount_totals(using, programs=(), documents=(), instruments=()):
    touched = {
        "programs": set(programs) - {None},
        "documents": set(documents) - {None},
        "instruments": set(instruments) - {None},
    }
    noted = _to_recount.get()
    if noted is not None:
        for name, ids in touched.items():
            noted[name] |= ids
        return
    BudgetTotal.objects.using(using).recount(touched["programs"], touched["documents"])
    SubsidyTotal.objects.using(using).recount(touched["instruments"])


def stored(model, instance, using, *fields):
    """The values of `fields` of `instance` as the database holds them (before a save)."""
    if instance.pk is None:
        return (None,) * len(fields)
    rows = model._base_manager.using(using).filter(pk=instance.pk)
    return rows.values_list(*fields).first() or (None,) * len(fields)


@receiver(pre_save, sender=BudgetLine)
def note_line_before(sender, instance, using, **kwargs):
    instance._totals_before = stored(sender, instance, using, "program_id", "document_id")


@receiver(post_save, sender=BudgetLine)
def recount_after_line_saved(sender, instance, using, **kwargs):
    program, document = getattr(instance, "_totals_before", (None, None))
    recount_totals(
        using,
        programs={instance.program_id, program},
        documents={instance.document_id, document},
    )


@receiver(post_delete, sender=BudgetLine)
def recount_after_line_deleted(sender, instance, using, **kwargs):
    recount_totals(using, programs={instance.program_id}, documents={instance.document_id})


@receiver(pre_save, sender=Subsidy)
def note_subsidy_before(sender, instance, using, **kwargs):
    instance._totals_before = stored(sender, instance, using, "instrument_id")


@receiver(post_save, sender=Subsidy)
def recount_after_subsidy_saved(sender, instance, using, **kwargs):
    (instrument,) = getattr(instance, "_totals_before", (None,))
    recount_totals(using, instruments={instance.instrument_id, instrument})


@receiver(post_delete, sender=Subsidy)
def recount_after_subsidy_deleted(sender, instance, using, **kwargs):
    recount_totals(using, instruments={instance.instrument_id})


# Whose publication the totals' published figures depend on, and how lines and subsidies
# reach them.
LINES_VIA = {Document: "document", Program: "program"}
SUBSIDIES_VIA = {Program: "instrument", Organisation: "recipient"}


@receiver(pre_save, sender=Document)
@receiver(pre_save, sender=Program)
@receiver(pre_save, sender=Organisation)
def note_publication_before(sender, instance, using, **kwargs):
    (instance._totals_status_before,) = stored(sender, instance, using, "publication_status")


@receiver(post_save, sender=Document)
@receiver(post_save, sender=Program)
@receiver(post_save, sender=Organisation)
def recount_after_publication_change(sender, instance, using, created, **kwargs):
    if created or getattr(instance, "_totals_status_before", None) == instance.publication_status:
        return
    touched, instruments = [], []
    if sender in LINES_VIA:
        lines = BudgetLine._base_manager.using(using).filter(**{LINES_VIA[sender]: instance})
        touched = list(lines.order_by().values_list("program_id", "document_id").distinct())
    if sender in SUBSIDIES_VIA:
        subsidies = Subsidy._base_manager.using(using).filter(**{SUBSIDIES_VIA[sender]: instance})
        instruments = subsidies.order_by().values_list("instrument_id", flat=True).distinct()
    recount_totals(
        using,
        programs={row[0] for row in touched},
        documents={row[1] for row in touched},
        instruments=set(instruments),
    )

"""The council register: people, meetings, commitments and motions, their deadline changes,
relations and settlements."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Length
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fuzzydates import (
    FuzzyDate,
    FuzzyDateField,
    Precision,
    fuzzy_date_constraints,
    year_validators,
)

from .documents import Document
from .programs import (
    Program,
    Theme,
)
from .publishable import (
    PUBLISHABLE_PERMISSIONS,
    Cited,
    Publishable,
    PublishableQuerySet,
    SluggedRecord,
    SlugManager,
    linked_list,
)


class Person(SluggedRecord):
    """A council member or executive member named in a commitment."""

    class Role(models.TextChoices):
        COUNCIL_MEMBER = "statenlid", _("statenlid")
        EXECUTIVE_MEMBER = "gedeputeerde", _("gedeputeerde")
        OTHER = "overig", _("overig")

    name = models.CharField(_("naam"), max_length=200)
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    party = models.CharField(_("partij"), max_length=100, blank=True)

    objects = SlugManager.from_queryset(PublishableQuerySet)()

    class Meta(SluggedRecord.Meta):
        ordering = ["name"]
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")

    def __str__(self):
        label = f"{self.get_role_display()} {self.name}"
        return f"{label} ({self.party})" if self.party else label


class Meeting(SluggedRecord):
    """A meeting of the council or one of its committees, where promises are made and settled."""

    body = models.CharField(
        _("orgaan"),
        max_length=200,
        help_text=_("Provinciale Staten, of de naam van de statencommissie."),
    )
    date = models.DateField(_("datum"), validators=year_validators())
    title = models.CharField(_("omschrijving"), max_length=300, blank=True)

    objects = SlugManager.from_queryset(PublishableQuerySet)()

    class Meta(SluggedRecord.Meta):
        ordering = ["-date", "body"]
        verbose_name = _("vergadering")
        verbose_name_plural = _("vergaderingen")

    def __str__(self):
        return f"{self.body}, {date_format(self.date, 'j F Y')}"

    def previous(self):
        """The published meeting of the same body before this one, or None: what changed
        since then is what a committee meets about."""
        earlier = Meeting.objects.published().filter(body=self.body, date__lt=self.date)
        return earlier.order_by("-date").first()


#: A number as a number where numbers share a prefix ("gen-2" before "gen-10", "615" before
#: "1886"): the shorter number first, then the text.
NUMBER_KEYS = (Length("number"), "number")
#: The model's order: kind, then number (`NUMBER_KEYS`).
NUMBER_ORDER = ("kind", *NUMBER_KEYS)


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

    def exact_match(self, query):
        """A title, or the record's number, with or without its kind: "1886", "toezegging
        1886", "motie 615", "toezegging-1886"."""
        match = super().exact_match(query)
        words = query.replace("-", " ").split()
        if len(words) == 2 and words[0].lower() in Commitment.Kind.values:
            return match | models.Q(kind=words[0].lower(), number__iexact=words[1])
        return match | models.Q(number__iexact=query)

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

    def with_status(self, status):
        """The records in `status`, or in `"open"` (either open status), as `Commitment.OPEN`
        defines open: a motion not adopted is never open, whatever its status field says."""
        if status == Commitment.OPEN_CHOICE:
            return self.open()
        if status in Commitment.OPEN_STATUSES:
            return self.filter(Commitment.OPEN, status=status)
        return self.filter(status=status)

    def status_counts(self):
        """`{status: number of records}` in one grouped query, cached until the data changes,
        under the rule of `with_status`; `"open"` sums the open statuses, and `"on_hold"`
        counts the records that have an open status but are not open (motions not adopted)."""
        not_open = models.Q(status__in=Commitment.OPEN_STATUSES) & ~Commitment.TRACKED
        rows = (
            self.order_by()
            .annotate(on_hold=models.Case(models.When(not_open, then=True), default=False))
            .values("status", "on_hold")
            .annotate(count=models.Count("pk"))
        )

        def counted(rows):
            counts = {}
            for row in rows:
                key = "on_hold" if row["on_hold"] else row["status"]
                counts[key] = counts.get(key, 0) + row["count"]
            counts[Commitment.OPEN_CHOICE] = sum(
                counts.get(status, 0) for status in Commitment.OPEN_STATUSES
            )
            return counts

        return rows.cached("commitment-status-counts", counted)

    def by_deadline(self):
        """Soonest deadline first; records without one last."""
        return self.order_by(models.F("deadline_date").asc(nulls_last=True), *NUMBER_ORDER)

    def by_urgency(self):
        """The register's order: overdue first, then due soon, then the other open records,
        each by deadline (the longest overdue first); then the rest, the latest deadline first.
        Needs `with_flags()`."""
        rank = models.Case(
            models.When(is_overdue=True, then=0),
            models.When(is_due_soon=True, then=1),
            models.When(Commitment.OPEN, then=2),
            default=3,
        )
        deadline = models.F("deadline_date")
        open_deadline = models.Case(models.When(Commitment.OPEN, then=deadline))
        closed_deadline = models.Case(models.When(~Commitment.OPEN, then=deadline))
        return self.order_by(
            rank,
            open_deadline.asc(nulls_last=True),
            closed_deadline.desc(nulls_last=True),
            *NUMBER_ORDER,
        )

    def with_link_lists(self, user):
        """Annotate the links the API lists, as far as `user` may see the records linked:
        `linked_submitters`, `linked_themes`, `linked_programs` and `linked_actions`, each a
        JSON list in the linked model's order (`linked_list`): no prefetch query for them."""
        # The actions' module imports this one: reach their model through the relation.
        action = self.model._meta.get_field("actions").related_model
        return self.annotate(
            linked_submitters=linked_list(
                user, Person, "motions_submitted", "slug", "name", "party"
            ),
            linked_themes=linked_list(user, Theme, "commitments", "slug", "name"),
            linked_programs=linked_list(user, Program, "commitments", "slug", "name"),
            linked_actions=linked_list(user, action, "commitments", "slug", "title"),
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
    #: The status filter's value for both open statuses (`CommitmentQuerySet.with_status`).
    OPEN_CHOICE = "open"
    #: The status filter's values: the open statuses together, then each status.
    STATUS_FILTER_CHOICES = [(OPEN_CHOICE, _("open")), *Status.choices]

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
        ordering = NUMBER_ORDER
        indexes = [
            # The register's order (`by_deadline()`: nulls last, as a btree keeps them), the
            # `deadline` ordering, and the deadline filters (`dueBefore`, the period).
            models.Index(fields=["deadline_date", "kind", "number"], name="commitment_deadline"),
            # The API's `deadline` and `number` orderings (the key breaks ties); `number` sorts
            # as a number (`NUMBER_KEYS`), in the model's order too.
            models.Index(fields=["deadline_date", "id"], name="commitment_deadline_id"),
            models.Index(*NUMBER_KEYS, "id", name="commitment_number_length"),
            models.Index(*NUMBER_ORDER, name="commitment_kind_number"),
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
    def former_address(cls, address):
        parts = cls.split_public_id(address)
        return None if parts is None else {"kind": parts[0], "number": parts[1]}

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
        REPLACES = "vervangt", _("vervangt")
        REPEATS = "herhaalt", _("herhaalt")
        SUPPLEMENTS = "vult_aan", _("vult aan")

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
        PENDING = "te_behandelen", _("nog te behandelen")
        ACCEPTED = "akkoord", _("akkoord")
        REJECTED = "niet_akkoord", _("niet akkoord")

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
        _("besluit"), max_length=15, choices=Decision.choices, default=Decision.PENDING
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
                condition=models.Q(decision="te_behandelen", decided_on__isnull=True)
                | (~models.Q(decision="te_behandelen") & models.Q(decided_on__isnull=False)),
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
